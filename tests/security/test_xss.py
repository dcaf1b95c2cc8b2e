"""The XSS corpus × every reader- and author-controlled field × every place it is shown, server-side in full.

For each payload, one site holds it in every field (comment name, website and body; post title, body and
excerpt; page title and body; category name and description; tag name; image alt text, caption and credit;
the author's display name; a reader's comment) and every place that shows them is fetched: the public pages,
the admin, the feeds and the emails. Each output is parsed as a browser would and must hold no script
element, event handler or script URL other than the site's own static scripts. The Chromium half, on a
sample of the corpus, is tests/security/test_xss_browser.py.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from . import hostile
from .html_checks import executable_markup
from .xss_payloads import PAYLOADS

OWN_SCRIPTS = (settings.STATIC_URL, "/admin/jsi18n/")
RSS_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"
# Feed elements whose text is HTML (a feed reader renders it); every other text is plain.
HTML_ELEMENTS = {
    ("item", "description"),
    ("item", RSS_CONTENT),
    ("entry", f"{ATOM}content"),
    ("entry", f"{ATOM}summary"),
}
MODERATION_LINK = re.compile(r"https?://[^/\s\"]+(/comments/moderate/[^\s\"<]+)")


def payload_id(payload: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", payload)[:40].strip("-") or "payload"


CASES = [pytest.param(payload, id=f"{number:03d}-{payload_id(payload)}") for number, payload in enumerate(PAYLOADS)]


@pytest.fixture
def site_for(people):
    def build(payload):
        return hostile.build(payload, author=people["author_a"], reader=people["reader"])

    return build


def assert_inert(html: str, where: str) -> None:
    problems = executable_markup(html, allowed_script_sources=OWN_SCRIPTS)
    assert problems == [], f"{where}: {problems}"


def feed_texts(xml: bytes):
    """(parent kind, element tag, text) for every text and category term of an RSS or Atom feed."""
    root = ET.fromstring(xml)  # noqa: S314 - our own feed
    for container in root.iter():
        kind = container.tag.removeprefix(ATOM)
        for element in container:
            yield kind, element.tag, element.text or ""
            for name in ("term", "label"):
                if name in element.attrib:
                    yield kind, "category", element.attrib[name]


@pytest.mark.parametrize("payload", CASES)
def test_payload_never_becomes_markup_in_pages_admin_emails_or_feed_html(client, people, site_for, payload):
    site = site_for(payload)
    for url in site.public_urls(payload):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_inert(response.content.decode(), url)
    for url in site.feed_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        for kind, tag, text in feed_texts(response.content):
            if (kind, tag) in HTML_ELEMENTS:
                assert_inert(text, f"{url} <{tag}>")
    emails = hostile.emails_about(site)
    assert len(emails) >= 2, "the comments caused no email"
    for email in emails:
        for content, mimetype in email.alternatives:
            assert mimetype == "text/html"
            assert_inert(content, f"email {email.subject!r}")
        for path in MODERATION_LINK.findall(email.body):
            assert_inert(client.get(path).content.decode(), path)
    client.force_login(people["admin"])
    assert_inert(client.get(site.post.get_absolute_url()).content.decode(), "post page, signed in")
    for url in site.admin_urls(payload):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


@pytest.mark.parametrize("payload", CASES)
def test_plain_text_fields_of_feeds_carry_no_markup(client, site_for, payload):
    """A feed reader that renders titles, names and channel descriptions as HTML must find no markup in them
    (they are plain text, tags stripped)."""
    site = site_for(payload)
    for url in site.feed_urls():
        for kind, tag, text in feed_texts(client.get(url).content):
            if (kind, tag) not in HTML_ELEMENTS:
                assert_inert(text, f"{url} <{kind}>/<{tag}>")
