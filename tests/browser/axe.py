"""axe-core in the browser tests: the copy `make test` installs from npm (package-lock.json), never one kept in the repo.

The script is evaluated through the DevTools protocol (``page.evaluate``), so a Content-Security-Policy that
forbids inline scripts does not block the checker, and the page under test is not changed.
"""

import json
from functools import cache
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.2 A and AA (target size and focus appearance included), plus axe's best practices (heading order,
# landmarks, one main): any violation fails.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(
            f"{AXE_SCRIPT} is missing: run `make test` (it runs `npm ci`) or `make node-tools` to install axe-core."
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page, *, context: str | None = None) -> list[dict]:
    """Run axe-core on the page as it is now; returns its violations (empty when the page passes)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)",
        [context, options],
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """A readable failure message: each rule, its impact and the elements that break it."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core found violations on {page.url}:\n{describe(violations)}"
