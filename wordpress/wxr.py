"""Reading WordPress eXtended RSS (WXR 1.0–1.2) as a stream of plain records.

The file is parsed with defusedxml's iterparse, which refuses DTDs, entity declarations and
external references (so an "XML bomb" stops at once), and every top-level element of the channel
is dropped from memory as soon as it has been turned into a record: a 500 MB export is read in
bounded memory. Both the ``http://`` and ``https://`` spellings of the WordPress namespaces are
accepted, whatever the 1.x version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/(excerpt/)?$")
_OTHER_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_ITEM_OPEN = re.compile(rb"<item[\s>]")


class WxrError(Exception):
    """The file cannot be imported; the message says why and where, for the person running the import."""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    legacy_id: int | None = None


@dataclass
class Term:
    """A category, tag or other taxonomy term from the channel header."""

    taxonomy: str  # "category", "post_tag" or another taxonomy (nav_menu, post_format, …)
    slug: str
    name: str
    legacy_id: int | None = None
    parent_slug: str = ""
    description: str = ""


@dataclass
class WxrComment:
    legacy_id: int
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: int = 0
    user_id: int = 0


@dataclass
class Item:
    """One <item>: a post, page, attachment, menu item or anything else, with its comments."""

    post_id: int
    post_type: str = "post"
    title: str = ""
    link: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    modified_gmt: str = ""
    comment_status: str = "open"
    post_name: str = ""
    status: str = "publish"
    parent: int = 0
    menu_order: int = 0
    is_sticky: bool = False
    password: str = ""
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WxrComment] = field(default_factory=list)


@dataclass
class Channel:
    """What the channel says about the site itself."""

    title: str = ""
    link: str = ""
    pub_date: str = ""
    wxr_version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""


@lru_cache(maxsize=512)
def _name(tag: str) -> str:
    """Element name with a stable prefix, whichever WordPress namespace spelling the file uses."""
    if not tag.startswith("{"):
        return tag
    namespace, local = tag[1:].split("}", 1)
    match = _WP_NAMESPACE.match(namespace)
    if match:
        return f"{'excerpt' if match.group(1) else 'wp'}:{local}"
    prefix = _OTHER_NAMESPACES.get(namespace) or _OTHER_NAMESPACES.get(namespace.replace("https://", "http://"))
    return f"{prefix}:{local}" if prefix else tag


def _text(element: Element | None) -> str:
    return (element.text or "") if element is not None else ""


# More digits than any id or order could have: Python refuses to parse numbers of thousands of digits,
# so such a value is read as this (still far out of range), for the importer to refuse or clamp.
LONGEST_NUMBER = 30
OUT_OF_RANGE = 10**LONGEST_NUMBER


def parse_int(value: str, default: int = 0) -> int:
    """A whole number from the file, or `default`; values may be far out of range (the importer checks)."""
    try:
        text = value.strip()
        digits = text.lstrip("+-")
        if len(digits) > LONGEST_NUMBER and digits.isascii() and digits.isdigit():
            return -OUT_OF_RANGE if text.startswith("-") else OUT_OF_RANGE
        return int(text)
    except (ValueError, AttributeError):
        return default


_SLUG_SEPARATORS = re.compile(r"[/\\\x00-\x1f\x7f]+")


def slug_from_wordpress(value: str) -> str:
    """WordPress stores non-ASCII slugs percent-encoded (%e6%bc%a2); ours are Unicode.

    Decoding must not let a slash (a second path segment: an address no view can build) or a control
    character (PostgreSQL refuses NUL) into a slug: they become hyphens.
    """
    return _SLUG_SEPARATORS.sub("-", unquote(value.strip())).strip()


def _children(element: Element) -> dict[str, str]:
    return {_name(child.tag): child.text or "" for child in element}


def _author(element: Element) -> Author:
    values = _children(element)
    return Author(
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
        legacy_id=parse_int(values.get("wp:author_id", ""), 0) or None,
    )


def _term(element: Element, kind: str) -> Term:
    values = _children(element)
    if kind == "wp:category":
        return Term(
            taxonomy="category",
            slug=slug_from_wordpress(values.get("wp:category_nicename", "")),
            name=values.get("wp:cat_name", "").strip(),
            legacy_id=parse_int(values.get("wp:term_id", ""), 0) or None,
            parent_slug=slug_from_wordpress(values.get("wp:category_parent", "")),
            description=values.get("wp:category_description", ""),
        )
    if kind == "wp:tag":
        return Term(
            taxonomy="post_tag",
            slug=slug_from_wordpress(values.get("wp:tag_slug", "")),
            name=values.get("wp:tag_name", "").strip(),
            legacy_id=parse_int(values.get("wp:term_id", ""), 0) or None,
            description=values.get("wp:tag_description", ""),
        )
    return Term(
        taxonomy=values.get("wp:term_taxonomy", "").strip(),
        slug=slug_from_wordpress(values.get("wp:term_slug", "")),
        name=values.get("wp:term_name", "").strip(),
        legacy_id=parse_int(values.get("wp:term_id", ""), 0) or None,
        parent_slug=slug_from_wordpress(values.get("wp:term_parent", "")),
        description=values.get("wp:term_description", ""),
    )


def _comment(element: Element) -> WxrComment:
    values = _children(element)
    return WxrComment(
        legacy_id=parse_int(values.get("wp:comment_id", "")),
        author=values.get("wp:comment_author", "").strip(),
        author_email=values.get("wp:comment_author_email", "").strip(),
        author_url=values.get("wp:comment_author_url", "").strip(),
        author_ip=values.get("wp:comment_author_IP", "").strip(),
        date=values.get("wp:comment_date", "").strip(),
        date_gmt=values.get("wp:comment_date_gmt", "").strip(),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "1").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=parse_int(values.get("wp:comment_parent", "")),
        user_id=parse_int(values.get("wp:comment_user_id", "")),
    )


def _item(element: Element, *, with_comments: bool = True) -> Item:
    item = Item(post_id=0)
    for child in element:
        name = _name(child.tag)
        text = child.text or ""
        if name == "title":
            item.title = text.strip()
        elif name == "link":
            item.link = text.strip()
        elif name == "pubDate":
            item.pub_date = text.strip()
        elif name == "dc:creator":
            item.creator = text.strip()
        elif name == "content:encoded":
            item.content = text
        elif name == "excerpt:encoded":
            item.excerpt = text
        elif name == "wp:post_id":
            item.post_id = parse_int(text)
        elif name == "wp:post_date":
            item.post_date = text.strip()
        elif name == "wp:post_date_gmt":
            item.post_date_gmt = text.strip()
        elif name == "wp:post_modified_gmt":
            item.modified_gmt = text.strip()
        elif name == "wp:comment_status":
            item.comment_status = text.strip()
        elif name == "wp:post_name":
            item.post_name = slug_from_wordpress(text)
        elif name == "wp:status":
            item.status = text.strip()
        elif name == "wp:post_parent":
            item.parent = parse_int(text)
        elif name == "wp:menu_order":
            item.menu_order = parse_int(text)
        elif name == "wp:post_type":
            item.post_type = text.strip()
        elif name == "wp:is_sticky":
            item.is_sticky = text.strip() not in ("", "0")
        elif name == "wp:post_password":
            item.password = text
        elif name == "wp:attachment_url":
            item.attachment_url = text.strip()
        elif name == "category":
            nicename = slug_from_wordpress(child.get("nicename", ""))
            item.terms.append((child.get("domain", ""), nicename, text.strip()))
        elif name == "wp:postmeta":
            values = _children(child)
            key = values.get("wp:meta_key", "")
            if key:
                item.meta[key] = values.get("wp:meta_value", "")
        elif name == "wp:comment" and with_comments:
            item.comments.append(_comment(child))
    # WXR 1.0 repeats each category without a domain; the domain-carrying copy is the one to use.
    if any(domain for domain, _, _ in item.terms):
        item.terms = [term for term in item.terms if term[0]]
    else:
        item.terms = [("category", nicename, name) for _, nicename, name in item.terms]
    if item.meta.get("_sticky") in ("1", "true") or item.meta.get("sticky") in ("1", "true"):
        item.is_sticky = True
    return item


Record = Channel | Author | Term | Item


def read(source: IO[bytes], *, with_comments: bool = True) -> Iterator[Record]:
    """Yield the channel's authors, terms and items in file order, then the channel itself.

    ``with_comments=False`` leaves items' comment lists empty, for a quicker pass that needs no discussions.

    Raises WxrError with the line number when the XML is malformed or refused.
    """
    if hasattr(source, "seek"):
        source.seek(0)
        if source.read(4) == b"PK\x03\x04":
            raise WxrError(
                "This is a ZIP archive (WordPress.com sends its exports zipped): unzip it, then import the "
                ".xml file inside (or each of them, one after the other). Nothing was imported."
            )
        source.seek(0)
    channel = Channel()
    depth = 0
    channel_element: Element | None = None
    seen_rss = False
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 1:
                    seen_rss = True
                    if element.tag != "rss":
                        raise WxrError(
                            f"This is not a WordPress export: its root element is <{element.tag}>, not <rss>."
                        )
                elif depth == 2 and element.tag == "channel":
                    channel_element = element
                continue
            depth -= 1
            if depth != 2 or channel_element is None:
                continue
            name = _name(element.tag)
            if name == "item":
                yield _item(element, with_comments=with_comments)
            elif name == "wp:author":
                yield _author(element)
            elif name in ("wp:category", "wp:tag", "wp:term"):
                yield _term(element, name)
            elif name == "title":
                channel.title = _text(element).strip()
            elif name == "link":
                channel.link = _text(element).strip()
            elif name == "pubDate":
                channel.pub_date = _text(element).strip()
            elif name == "wp:wxr_version":
                channel.wxr_version = _text(element).strip()
            elif name == "wp:base_site_url":
                channel.base_site_url = _text(element).strip()
            elif name == "wp:base_blog_url":
                channel.base_blog_url = _text(element).strip()
            # Done with this element: drop it so memory stays flat however long the file is.
            channel_element.clear()
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        raise WxrError(
            f"The file is not well-formed XML at line {line}, column {column + 1} ({reason}). "
            "It may be truncated or damaged: export it again from WordPress. Nothing was imported."
        ) from error
    except DefusedXmlException as error:
        raise WxrError(
            "The file declares a DTD or XML entities, which WordPress exports never do (this is how "
            "'XML bomb' attacks work), so it was refused. Nothing was imported."
        ) from error
    if not seen_rss:
        raise WxrError("The file is empty. Nothing was imported.")
    if channel_element is None:
        raise WxrError("This is not a WordPress export: it has no <channel>. Nothing was imported.")
    if not channel.wxr_version:
        raise WxrError(
            "This RSS file has no <wp:wxr_version>: it is not a WordPress export (WXR). "
            "In WordPress, use Tools → Export. Nothing was imported."
        )
    yield channel


def count_items(source: IO[bytes]) -> int:
    """A quick estimate of the number of <item> elements, for the progress bar (no parsing)."""
    source.seek(0)
    total = 0
    tail = b""
    while chunk := source.read(1 << 20):
        data = tail + chunk
        total += len(_ITEM_OPEN.findall(data))
        tail = data[-6:]
        total -= len(_ITEM_OPEN.findall(tail))
    source.seek(0)
    return total
