"""Playwright against Debian's Chromium and pytest-django's live server.

Each test gets a fresh browser context; on failure a screenshot of the page is saved
under the temporary directory and its path printed in the report.
"""

import os
from pathlib import Path

import pytest

from .offline import offline_avatars

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to the ignored test-artifacts/ folder, so a test run never changes a tracked file;
# `make screenshots` sets SCREENSHOTS_DIR=docs/screenshots to refresh the README's pictures on purpose.
SCREENSHOT_DIR = ROOT / os.environ.get("SCREENSHOTS_DIR", "test-artifacts/screenshots")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if "screenshot" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.screenshots)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context, request, tmp_path_factory):
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        folder = tmp_path_factory.mktemp("failure-screenshots")
        for number, open_page in enumerate(context.pages):
            path = folder / f"{request.node.name}-{number}.png"
            open_page.screenshot(path=str(path), full_page=True)
            print(f"Screenshot of the failed page: {path}")


@pytest.fixture
def screenshot():
    """Save a documentation screenshot into SCREENSHOT_DIR (`make screenshots`: docs/screenshots/, shown in the README)."""

    def save(page, name: str, *, full_page: bool = True):
        """`full_page=False` keeps just the viewport, for pages too long to read as a README image."""
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=full_page)

    return save


@pytest.fixture
def readers_at_browser_speed(settings, context):
    """Readers in these tests type faster than the form's minimum age and post twice inside the flood
    interval; both checks have their own tests, so here they are zero rather than slept through. Gravatar
    is answered locally: there is no internet."""
    from django.core.cache import cache

    settings.COMMENTS_MIN_FORM_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    cache.clear()
    offline_avatars(context)
