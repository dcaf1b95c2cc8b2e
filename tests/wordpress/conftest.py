"""Fixtures for the WordPress import tests: the public theme test data, and small hand-made exports."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command

# CI checks out ../shared beside the project, as on the development machines.
THEME_TEST_DATA = (
    Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "wordpress" / "themeunittestdata.wordpress.xml"
)
WP_NAMESPACE = "http://wordpress.org/export/1.2/"


def cdata(text: str) -> str:
    """CDATA as WordPress writes it: a ``]]>`` inside the text splits the section in two."""
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def comment(
    comment_id: int,
    *,
    parent: int = 0,
    approved: str = "1",
    content: str = "A reader's thoughts.",
    author: str = "Reader",
    email: str = "reader@example.org",
    date_gmt: str = "2024-05-02 09:00:00",
    comment_type: str = "",
    url: str = "https://reader.example.org/",
    ip: str = "192.0.2.7",
) -> str:
    """One ``<wp:comment>`` as WordPress writes it; `url` and `ip` are the commenter's website and address."""
    return f"""
    <wp:comment>
      <wp:comment_id>{comment_id}</wp:comment_id>
      <wp:comment_author>{cdata(author)}</wp:comment_author>
      <wp:comment_author_email>{cdata(email)}</wp:comment_author_email>
      <wp:comment_author_url>{url}</wp:comment_author_url>
      <wp:comment_author_IP>{ip}</wp:comment_author_IP>
      <wp:comment_date>{date_gmt}</wp:comment_date>
      <wp:comment_date_gmt>{date_gmt}</wp:comment_date_gmt>
      <wp:comment_content>{cdata(content)}</wp:comment_content>
      <wp:comment_approved>{approved}</wp:comment_approved>
      <wp:comment_type>{comment_type}</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>"""


def item(
    post_id: int,
    title: str,
    *,
    post_type: str = "post",
    status: str = "publish",
    date_gmt: str = "2024-05-01 10:00:00",
    slug: str | None = None,
    content: str = "<p>Hello from WordPress.</p>",
    excerpt: str = "",
    creator: str = "alice",
    parent: int = 0,
    menu_order: int | str = 0,
    sticky: int = 0,
    comment_status: str = "open",
    terms: tuple[tuple[str, str, str], ...] = (),
    comments: tuple[str, ...] = (),
    attachment_url: str = "",
    meta: dict[str, str] | None = None,
) -> str:
    slug = title.lower().replace(" ", "-") if slug is None else slug
    categories = "".join(
        f'<category domain="{domain}" nicename="{nicename}">{cdata(name)}</category>'
        for domain, nicename, name in terms
    )
    postmeta = "".join(
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key><wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
        for key, value in (meta or {}).items()
    )
    attachment = f"<wp:attachment_url>{attachment_url}</wp:attachment_url>" if attachment_url else ""
    return f"""
  <item>
    <title>{cdata(title)}</title>
    <link>https://old.example.org/?p={post_id}</link>
    <pubDate>Wed, 01 May 2024 10:00:00 +0000</pubDate>
    <dc:creator>{cdata(creator)}</dc:creator>
    <guid isPermaLink="false">https://old.example.org/?p={post_id}</guid>
    <content:encoded>{cdata(content)}</content:encoded>
    <excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date>{date_gmt}</wp:post_date>
    <wp:post_date_gmt>{date_gmt}</wp:post_date_gmt>
    <wp:post_modified_gmt>{date_gmt}</wp:post_modified_gmt>
    <wp:comment_status>{comment_status}</wp:comment_status>
    <wp:ping_status>open</wp:ping_status>
    <wp:post_name>{cdata(slug)}</wp:post_name>
    <wp:status>{status}</wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:menu_order>{menu_order}</wp:menu_order>
    <wp:post_type>{post_type}</wp:post_type>
    <wp:post_password></wp:post_password>
    <wp:is_sticky>{sticky}</wp:is_sticky>
    {attachment}{categories}{postmeta}{"".join(comments)}
  </item>"""


def category(term_id: int | str, slug: str, name: str, parent: str = "") -> str:
    """A ``<wp:category>`` of the export's header; `parent` is the parent's slug."""
    return (
        f"<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename>"
        f"<wp:category_parent>{parent}</wp:category_parent><wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>"
    )


def tag(term_id: int | str, slug: str, name: str) -> str:
    """A ``<wp:tag>`` of the export's header."""
    return (
        f"<wp:tag><wp:term_id>{term_id}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug>"
        f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>"
    )


def document(
    *items: str,
    authors: tuple[tuple[str, str], ...] = (("alice", "alice@example.org"),),
    terms: str = "",
    namespace: str = WP_NAMESPACE,
) -> str:
    """A whole WXR 1.2 file around the given items, as WordPress's exporter lays it out."""
    author_xml = "".join(
        f"""
  <wp:author><wp:author_id>{number}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>
    <wp:author_email>{cdata(email)}</wp:author_email><wp:author_display_name>{cdata(login.title())}</wp:author_display_name>
    <wp:author_first_name>{cdata(login.title())}</wp:author_first_name><wp:author_last_name>{cdata("")}</wp:author_last_name>
  </wp:author>"""
        for number, (login, email) in enumerate(authors, start=1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="{namespace}excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="{namespace}">
<channel>
  <title>The old blog</title>
  <link>https://old.example.org</link>
  <pubDate>Wed, 01 May 2024 12:00:00 +0000</pubDate>
  <language>en</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://old.example.org</wp:base_site_url>
  <wp:base_blog_url>https://old.example.org</wp:base_blog_url>
{author_xml}
{terms}
{"".join(items)}
</channel>
</rss>
"""


def run_import(*args) -> str:
    """``manage.py import_wxr ARGS`` as the site owner runs it, without the progress bar: what it prints."""
    out = io.StringIO()
    call_command("import_wxr", *[str(arg) for arg in args], "--no-progress", stdout=out)
    return out.getvalue()


def notes_of(report) -> str:
    """An import report's notes as one text, to look for a sentence in."""
    return "\n".join(report.notes)


@pytest.fixture
def wxr(tmp_path):
    """Build small WordPress exports in a test: ``wxr.write(wxr.item(...), ...)`` returns the file's path."""
    counter = iter(range(1, 1000))

    def write(*items: str, name: str | None = None, **options) -> Path:
        path = tmp_path / (name or f"export-{next(counter)}.xml")
        path.write_text(document(*items, **options), encoding="utf-8")
        return path

    return SimpleNamespace(
        item=item, comment=comment, category=category, tag=tag, document=document, cdata=cdata, write=write
    )


@pytest.fixture
def theme_test_data() -> Path:
    assert THEME_TEST_DATA.is_file(), f"{THEME_TEST_DATA} is missing: check out ../shared beside the project"
    return THEME_TEST_DATA
