"""Writing the site as WXR 1.2, the format WordPress's own importer reads.

Written as a stream (posts and their comments are read in chunks), with every text in CDATA
split the way WordPress's ``wxr_cdata()`` does, so a body containing ``]]>`` survives. Objects
keep their WordPress IDs when they came from WordPress; others get IDs above the largest one in
use, so the IDs in one export never collide.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from comments.models import Comment
from posts.feeds import XML_ILLEGAL_CHARACTERS, absolute_links
from posts.models import BodyFormat, Category, Image, Page, Post, Tag
from posts.rendering import MORE_MARKER, render_body, split_more

from .models import ImportedItem

WXR_VERSION = "1.2"
# WordPress has no soft delete: a removed comment keeps its place in the thread with this text.
REMOVED_COMMENT = "This comment was deleted."
_PRE_BLOCK = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)

_POST_STATUS = {
    Post.Status.DRAFT: "draft",
    Post.Status.PENDING: "pending",
    Post.Status.PRIVATE: "private",
}
_COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}


def cdata(text: str) -> str:
    """wxr_cdata(): text in CDATA, with "]]>" split across two sections so it cannot end the first."""
    text = XML_ILLEGAL_CHARACTERS.sub("", text or "")
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(text: str) -> str:
    return escape(XML_ILLEGAL_CHARACTERS.sub("", str(text or "")))


def _mysql_date(moment: datetime | None, *, utc: bool, utc_offset: int | None = None) -> str:
    """A date as WordPress stores it: in UTC, or local (the old site's offset for an imported post, else ours)."""
    if moment is None:
        return "0000-00-00 00:00:00"
    if not utc and utc_offset is not None:
        return (moment.astimezone(UTC) + timedelta(minutes=utc_offset)).strftime("%Y-%m-%d %H:%M:%S")
    moment = moment.astimezone(UTC if utc else timezone.get_current_timezone())
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _rfc822(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


# A media-library figure as posts.rendering.figure_html writes it: the link to the original file, then the caption.
_OUR_FIGURE = re.compile(
    r'<figure class="figure"><a href="(?P<url>[^"]+)">.*?</a>(?:<figcaption>(?P<caption>.*?)</figcaption>)?</figure>',
    re.DOTALL,
)


def wordpress_figures(html: str, *, images: Mapping[str, tuple[int, Image]]) -> str:
    """Our figures as WordPress stores an inserted image: the original file with its ``wp-image-ID`` class, in a
    ``[caption]`` when it has one. WordPress regenerates its own sizes from the attachment, so no rendition of
    ours (``…-480w.webp``) is left for it to miss."""

    def replace(match: re.Match) -> str:
        found = images.get(html_module.unescape(match["url"]))
        if found is None:
            return match.group(0)
        attachment_id, image = found
        caption = (match["caption"] or "").replace('<span class="figure-credit">', "").replace("</span>", "").strip()
        img = (
            f'<img class="{"" if caption else "aligncenter "}size-full wp-image-{attachment_id}" '
            f'src="{match["url"]}" alt="{html_module.escape(image.alt_text)}" width="{image.width}" '
            f'height="{image.height}" />'
        )
        if not caption:
            return img
        return f'[caption id="attachment_{attachment_id}" align="aligncenter" width="{image.width}"]{img} {caption}[/caption]'

    return _OUR_FIGURE.sub(replace, html)


def wordpress_body(
    body: str,
    body_format: str,
    body_html: str,
    *,
    base_url: str = "",
    images: Mapping[str, tuple[int, Image]] | None = None,
) -> str:
    """The body as WordPress expects it: imported HTML as it came; Markdown as its HTML on one line per
    block, so WordPress's auto-paragraphs add no line breaks of their own (pre blocks are kept as they are),
    with the ``<!--more-->`` marker kept. Links to this site (figures, internal links) are made absolute,
    since WordPress would resolve ``/media/…`` against its own address."""
    if body_format == BodyFormat.HTML:
        return absolute_urls(body, base_url)
    before, has_more = split_more(body)
    if has_more:
        marker = MORE_MARKER.search(body)
        after = body[marker.end() :] if marker else ""
        html = render_body(before, body_format) + "\n<!--more-->\n" + render_body(after, body_format)
    else:
        html = body_html
    pieces = _PRE_BLOCK.split(html)
    html = "".join(piece if index % 2 else _one_line(piece) for index, piece in enumerate(pieces))
    if images is not None:
        html = wordpress_figures(html, images=images)
    return absolute_urls(html, base_url)


def _one_line(html: str) -> str:
    marker = "\n<!--more-->\n"
    return marker.join(re.sub(r"\s*\n\s*", " ", part) for part in html.split(marker))


def absolute_urls(html: str, base_url: str) -> str:
    """``src="/media/…"``, ``href="/2024/…"`` and srcset entries → absolute URLs on ``base_url`` (as in feeds)."""
    return absolute_links(html, base_url=base_url)


@dataclass
class ExportSummary:
    """How many of each kind went into the file."""

    counts: dict[str, int] = field(default_factory=dict)


class WxrExporter:
    def __init__(self, *, base_url: str = ""):
        self.base_url = (base_url or getattr(settings, "SITE_URL", "") or "http://localhost").rstrip("/")
        self.summary = ExportSummary()
        self._image_urls: dict[str, tuple[int, Image]] | None = None
        # New objects get IDs above every WordPress ID, so the file never repeats one.
        post_ids = [model.objects.aggregate(top=Max("legacy_id"))["top"] or 0 for model in (Post, Page, Image)] + [
            model.objects.aggregate(top=Max("pk"))["top"] or 0 for model in (Post, Page, Image)
        ]
        self.post_offset = max(post_ids) + 1
        self.comment_offset = (
            max(
                Comment.objects.aggregate(top=Max("legacy_id"))["top"] or 0,
                Comment.objects.aggregate(top=Max("pk"))["top"] or 0,
            )
            + 1
        )
        self.term_offset = (
            max(
                [model.objects.aggregate(top=Max("legacy_id"))["top"] or 0 for model in (Category, Tag)]
                + [model.objects.aggregate(top=Max("pk"))["top"] or 0 for model in (Category, Tag)]
            )
            + 1
        )

    def _images_by_url(self) -> dict[str, tuple[int, Image]]:
        """Every media-library image by the URL of its original file, with its attachment ID in this export."""
        if self._image_urls is None:
            self._image_urls = {image.file.url: (self._post_id(image), image) for image in Image.objects.all()}
        return self._image_urls

    def _post_id(self, obj) -> int:
        return (
            obj.legacy_id
            or self.post_offset * (1 if isinstance(obj, Post) else 2 if isinstance(obj, Page) else 3) + obj.pk
        )

    def _comment_id(self, comment: Comment) -> int:
        return comment.legacy_id or self.comment_offset + comment.pk

    def _term_id(self, term) -> int:
        return term.legacy_id or self.term_offset * (1 if isinstance(term, Category) else 2) + term.pk

    def write(self, out: TextIO) -> ExportSummary:
        out.write('<?xml version="1.0" encoding="UTF-8" ?>\n')
        out.write('<!-- generator="mssite" created="' + _mysql_date(timezone.now(), utc=True) + '" -->\n')
        out.write(
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        )
        out.write(f"<title>{_text(getattr(settings, 'SITE_NAME', ''))}</title>\n")
        out.write(f"<link>{_text(self.base_url)}</link>\n")
        out.write(f"<description>{_text(getattr(settings, 'SITE_TAGLINE', ''))}</description>\n")
        out.write(f"<pubDate>{_rfc822(timezone.now())}</pubDate>\n<language>en</language>\n")
        out.write(f"<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n")
        out.write(f"<wp:base_site_url>{_text(self.base_url)}</wp:base_site_url>\n")
        out.write(f"<wp:base_blog_url>{_text(self.base_url)}</wp:base_blog_url>\n")
        self._authors(out)
        self._categories(out)
        self._tags(out)
        out.write("<generator>mssite</generator>\n")
        self._images(out)
        self._posts(out)
        self._pages(out)
        out.write("</channel>\n</rss>\n")
        return self.summary

    def _count(self, kind: str, number: int = 1) -> None:
        self.summary.counts[kind] = self.summary.counts.get(kind, 0) + number

    def _authors(self, out: TextIO) -> None:
        User = get_user_model()
        # Everyone named as the creator of an item, so WordPress can map each of them to a user.
        authors = User.objects.filter(
            Q(pk__in=Post.objects.values("author"))
            | Q(pk__in=Page.objects.filter(author__isnull=False).values("author"))
            | Q(pk__in=Image.objects.filter(uploaded_by__isnull=False).values("uploaded_by"))
        ).order_by("pk")
        for user in authors:
            out.write(
                "<wp:author>"
                f"<wp:author_id>{user.pk}</wp:author_id>"
                f"<wp:author_login>{cdata(user.get_username())}</wp:author_login>"
                f"<wp:author_email>{cdata(user.email)}</wp:author_email>"
                f"<wp:author_display_name>{cdata(user.get_full_name() or user.get_username())}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(user.first_name)}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(user.last_name)}</wp:author_last_name>"
                "</wp:author>\n"
            )
            self._count("authors")

    def _categories(self, out: TextIO) -> None:
        # Parents before children, as WordPress's importer needs.
        for category in Category.objects.select_related("parent").order_by("path"):
            out.write(
                "<wp:category>"
                f"<wp:term_id>{self._term_id(category)}</wp:term_id>"
                f"<wp:category_nicename>{cdata(category.slug)}</wp:category_nicename>"
                f"<wp:category_parent>{cdata(category.parent.slug if category.parent else '')}</wp:category_parent>"
                f"<wp:cat_name>{cdata(category.name)}</wp:cat_name>"
                f"<wp:category_description>{cdata(category.description)}</wp:category_description>"
                "</wp:category>\n"
            )
            self._count("categories")

    def _tags(self, out: TextIO) -> None:
        for tag in Tag.objects.order_by("pk"):
            out.write(
                "<wp:tag>"
                f"<wp:term_id>{self._term_id(tag)}</wp:term_id>"
                f"<wp:tag_slug>{cdata(tag.slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(tag.name)}</wp:tag_name>"
                "</wp:tag>\n"
            )
            self._count("tags")

    def _item(self, out: TextIO, *, fields: dict[str, str], extra: Iterable[str] = ()) -> None:
        out.write("<item>\n")
        for name, value in fields.items():
            out.write(f"\t<{name}>{value}</{name.split(' ')[0]}>\n")
        for line in extra:
            out.write(f"\t{line}\n")
        out.write("</item>\n")

    def _common(
        self,
        obj,
        *,
        post_type: str,
        status: str,
        date: datetime,
        slug: str,
        author,
        link: str,
        utc_offset: int | None = None,
    ) -> dict:
        return {
            "title": _text(obj.title) if hasattr(obj, "title") else "",
            "link": _text(link),
            "pubDate": _rfc822(date),
            "dc:creator": cdata(author.get_username() if author else ""),
            'guid isPermaLink="false"': _text(link),
            "description": "",
            "wp:post_id": str(self._post_id(obj)),
            "wp:post_date": cdata(_mysql_date(date, utc=False, utc_offset=utc_offset)),
            "wp:post_date_gmt": cdata(_mysql_date(date, utc=True)),
            "wp:post_modified": cdata(_mysql_date(getattr(obj, "updated_at", None) or date, utc=False)),
            "wp:post_modified_gmt": cdata(_mysql_date(getattr(obj, "updated_at", None) or date, utc=True)),
            "wp:post_name": cdata(slug),
            "wp:status": cdata(status),
            "wp:post_type": cdata(post_type),
            "wp:post_password": cdata(""),
        }

    def _images(self, out: TextIO) -> None:
        for image in Image.objects.select_related("uploaded_by").order_by("pk").iterator(chunk_size=500):
            url = self.base_url + image.file.url if image.file.url.startswith("/") else image.file.url
            fields = self._common(
                image,
                post_type="attachment",
                status="inherit",
                date=image.uploaded_at,
                slug=f"image-{image.pk}",
                author=image.uploaded_by,
                link=url,
            )
            fields["title"] = _text(image.alt_text)
            fields["excerpt:encoded"] = cdata(image.caption)
            fields["content:encoded"] = cdata("")
            fields["wp:comment_status"] = cdata("closed")
            fields["wp:post_parent"] = "0"
            fields["wp:attachment_url"] = cdata(url)
            meta = [
                f"<wp:postmeta><wp:meta_key>{cdata('_wp_attached_file')}</wp:meta_key>"
                f"<wp:meta_value>{cdata(image.file.name.removeprefix('uploads/'))}</wp:meta_value></wp:postmeta>",
                f"<wp:postmeta><wp:meta_key>{cdata('_wp_attachment_image_alt')}</wp:meta_key>"
                f"<wp:meta_value>{cdata(image.alt_text)}</wp:meta_value></wp:postmeta>",
            ]
            self._item(out, fields=fields, extra=meta)
            self._count("attachments")

    def _posts(self, out: TextIO) -> None:
        posts = (
            Post.objects.select_related("author", "featured_image")
            .prefetch_related("categories", "tags", Prefetch("comments", Comment.objects.order_by("thread_path")))
            .order_by("pk")
            .iterator(chunk_size=200)
        )
        now = timezone.now()
        # Imported posts go back with the old site's local dates, from which WordPress builds their permalinks.
        offsets = dict(
            ImportedItem.objects.filter(kind=ImportedItem.Kind.POST, utc_offset__isnull=False).values_list(
                "legacy_id", "utc_offset"
            )
        )
        for post in posts:
            if post.status == Post.Status.PUBLISHED:
                status = "future" if post.published_at > now else "publish"
            else:
                status = _POST_STATUS[post.status]
            fields = self._common(
                post,
                post_type="post",
                status=status,
                date=post.published_at,
                slug=post.slug,
                author=post.author,
                link=self.base_url + post.get_absolute_url(),
                utc_offset=offsets.get(post.legacy_id) if post.legacy_id else None,
            )
            fields["content:encoded"] = cdata(
                wordpress_body(
                    post.body, post.body_format, post.body_html, base_url=self.base_url, images=self._images_by_url()
                )
            )
            fields["excerpt:encoded"] = cdata(post.excerpt)
            fields["wp:comment_status"] = cdata("open" if post.comments_open else "closed")
            fields["wp:ping_status"] = cdata("closed")
            fields["wp:post_parent"] = "0"
            fields["wp:menu_order"] = "0"
            fields["wp:is_sticky"] = "1" if post.is_sticky else "0"
            extra = [
                f'<category domain="category" nicename={quoteattr(c.slug)}>{cdata(c.name)}</category>'
                for c in post.categories.all()
            ] + [
                f'<category domain="post_tag" nicename={quoteattr(t.slug)}>{cdata(t.name)}</category>'
                for t in post.tags.all()
            ]
            if post.featured_image_id:
                extra.append(
                    f"<wp:postmeta><wp:meta_key>{cdata('_thumbnail_id')}</wp:meta_key>"
                    f"<wp:meta_value>{cdata(str(self._post_id(post.featured_image)))}</wp:meta_value></wp:postmeta>"
                )
            extra.extend(self._comments(post))
            self._item(out, fields=fields, extra=extra)
            self._count("posts")

    def _comments(self, post: Post | Page) -> list[str]:
        comments = list(post.comments.all())  # prefetched, in thread order
        by_pk = {comment.pk: comment for comment in comments}
        lines = []
        for comment in comments:
            parent = self._comment_id(by_pk.get(comment.parent_id) or comment.parent) if comment.parent_id else 0
            lines.append(
                "<wp:comment>"
                f"<wp:comment_id>{self._comment_id(comment)}</wp:comment_id>"
                f"<wp:comment_author>{cdata(comment.author_name)}</wp:comment_author>"
                f"<wp:comment_author_email>{cdata(comment.author_email)}</wp:comment_author_email>"
                f"<wp:comment_author_url>{cdata(comment.author_url)}</wp:comment_author_url>"
                f"<wp:comment_author_IP>{cdata(comment.ip_address or '')}</wp:comment_author_IP>"
                f"<wp:comment_date>{cdata(_mysql_date(comment.created_at, utc=False))}</wp:comment_date>"
                f"<wp:comment_date_gmt>{cdata(_mysql_date(comment.created_at, utc=True))}</wp:comment_date_gmt>"
                f"<wp:comment_content>{cdata(REMOVED_COMMENT if comment.is_removed else comment.body)}</wp:comment_content>"
                f"<wp:comment_approved>{cdata(_COMMENT_APPROVED[comment.status])}</wp:comment_approved>"
                f"<wp:comment_type>{cdata('' if comment.type == Comment.Type.COMMENT else comment.type)}</wp:comment_type>"
                f"<wp:comment_parent>{parent}</wp:comment_parent>"
                f"<wp:comment_user_id>{comment.user_id or 0}</wp:comment_user_id>"
                "</wp:comment>"
            )
        self._count("comments", len(comments))
        return lines

    def _pages(self, out: TextIO) -> None:
        pages = (
            Page.objects.select_related("author", "parent")
            .prefetch_related(Prefetch("comments", Comment.objects.order_by("thread_path")))
            .order_by("path")
            .iterator(chunk_size=200)
        )
        for page in pages:
            fields = self._common(
                page,
                post_type="page",
                status="publish" if page.status == Page.Status.PUBLISHED else "draft",
                date=page.created_at,
                slug=page.slug,
                author=page.author,
                link=self.base_url + page.get_absolute_url(),
            )
            fields["content:encoded"] = cdata(
                wordpress_body(
                    page.body, page.body_format, page.body_html, base_url=self.base_url, images=self._images_by_url()
                )
            )
            fields["excerpt:encoded"] = cdata("")
            fields["wp:comment_status"] = cdata("open" if page.comments_open else "closed")
            fields["wp:ping_status"] = cdata("closed")
            fields["wp:post_parent"] = str(self._post_id(page.parent)) if page.parent_id else "0"
            fields["wp:menu_order"] = str(page.order)
            self._item(out, fields=fields, extra=self._comments(page))
            self._count("pages")
