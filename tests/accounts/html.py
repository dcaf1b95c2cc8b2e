"""Read a page the way a reader (or a screen reader) does: visible text, buttons and forms with their names."""

import html
import re
from html.parser import HTMLParser


def visible_text(page: str) -> str:
    """The page's text with tags, scripts and styles removed and whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).replace("\xa0", " ").split())


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict, list[str]]] = []  # (tag, attrs, enclosing form attrs)
        self._forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._forms.append(attributes)
        self.tags.append((tag, attributes, self._forms[-1] if self._forms else None))

    def handle_endtag(self, tag):
        if tag == "form" and self._forms:
            self._forms.pop()


def elements(page: str, tag: str) -> list[tuple[dict, dict | None]]:
    """Each `tag` element's attributes, with the attributes of the form around it (None outside forms)."""
    collector = _Collector()
    collector.feed(page)
    return [(attrs, form) for name, attrs, form in collector.tags if name == tag]


def button_named(page: str, name: str) -> tuple[dict, dict | None] | None:
    """The button whose accessible name (aria-label, else its label text's title) is `name`."""
    for attrs, form in elements(page, "button"):
        if attrs.get("aria-label") == name or (not attrs.get("aria-label") and attrs.get("title") == name):
            return attrs, form
    return None


def submits_with_post(button: dict, form: dict | None) -> tuple[str, str]:
    """(method, action) the button submits with, honouring formmethod/formaction."""
    method = (button.get("formmethod") or (form or {}).get("method") or "get").lower()
    action = html.unescape(button.get("formaction") or (form or {}).get("action") or "")
    return method, action
