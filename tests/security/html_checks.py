"""Parse HTML the way a browser would and list what could run script or carry inline style."""

from __future__ import annotations

from html.parser import HTMLParser

# <script> types a browser never executes: data blocks such as JSON-LD.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "cite", "poster", "data", "background"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


def _scheme_of(value: str) -> str:
    """The URL as a browser reads its scheme: control characters and whitespace inside it are ignored."""
    return "".join(ch for ch in value if ord(ch) > 32).lower()


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []  # executable <script> elements (their src or their text)
        self.handlers: list[tuple[str, str, str]] = []  # (tag, attribute, value) for on* attributes
        self.script_urls: list[tuple[str, str, str]] = []  # (tag, attribute, value) with a script scheme
        self.inline_styles: list[str] = []  # <style> elements and style="" attributes
        self.srcdoc: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script" and attributes.get("type", "").lower() not in DATA_SCRIPT_TYPES:
            self.scripts.append(attributes.get("src") or "<inline>")
            self._in_script = not attributes.get("src")
        if tag == "style":
            self.inline_styles.append("<style>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.handlers.append((tag, name, value))
            elif name == "style":
                self.inline_styles.append(f"<{tag} style={value!r}>")
            elif name == "srcdoc":
                self.srcdoc.append(value)
            elif name in URL_ATTRIBUTES or name == "srcset":
                if _scheme_of(value).startswith(SCRIPT_SCHEMES):
                    self.script_urls.append((tag, name, value))
            elif self._is_refresh(tag, name, attributes) and _scheme_of(value.split("=", 1)[-1]).startswith(
                SCRIPT_SCHEMES
            ):
                self.script_urls.append((tag, name, value))

    handle_startendtag = handle_starttag

    @staticmethod
    def _is_refresh(tag: str, name: str, attributes: dict) -> bool:
        return tag == "meta" and name == "content" and attributes.get("http-equiv", "").lower() == "refresh"


def scan(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


def executable_markup(html: str, *, allowed_script_sources=()) -> list[str]:
    """Everything in `html` that would run script: inline or foreign <script>, on* handlers, javascript: URLs."""
    found = scan(html)
    problems = [f"script {src}" for src in found.scripts if not src.startswith(tuple(allowed_script_sources))]
    problems += [f"<{tag} {name}={value!r}>" for tag, name, value in found.handlers]
    problems += [f"<{tag} {name}={value!r}>" for tag, name, value in found.script_urls]
    problems += [f"srcdoc={value!r}" for value in found.srcdoc]
    return problems


def inline_styles(html: str) -> list[str]:
    return scan(html).inline_styles
