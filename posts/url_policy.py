"""The one rule for addresses inside sanitised HTML, shared by every sanitiser (post bodies and comments).

nh3 checks the scheme of ``href`` and ``src`` only; ``cite``, ``poster``, ``srcset`` and the rest would
let ``javascript:`` or ``data:`` through. Every sanitiser passes its attributes through
``filter_url_attribute`` so each URL-bearing attribute obeys the same allow-list.
"""

from __future__ import annotations

import re

# Schemes an address in a post or comment may use; anything else (javascript:, data:, vbscript:, file:…) is dropped.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Attributes whose value is one address, and the one whose value is a list of "address width" candidates.
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "action", "formaction", "data", "longdesc", "background"})
SRCSET_ATTRIBUTES = frozenset({"srcset"})

# Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")
_SRCSET_CANDIDATE = re.compile(r"^\s*(\S+)(?:\s+\d+(?:\.\d+)?[wx])?\s*$")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def is_safe_url(url: str) -> bool:
    """Relative, protocol-relative, a fragment, or one of URL_SCHEMES."""
    compact = _IGNORED_IN_SCHEME.sub("", url)  # the parser has already decoded entities ("&colon;")
    match = _SCHEME.match(compact)
    return match is None or match.group(1).lower() in URL_SCHEMES


def filter_url_attribute(attribute: str, value: str) -> str | None:
    """The value if it is a safe address (or not an address at all), else None to drop the attribute."""
    if attribute in URL_ATTRIBUTES:
        return value if is_safe_url(value) else None
    if attribute in SRCSET_ATTRIBUTES:
        candidates = [_SRCSET_CANDIDATE.match(candidate) for candidate in value.split(",") if candidate.strip()]
        return value if all(match and is_safe_url(match.group(1)) for match in candidates) else None
    return value
