"""Posts and pages: status, dates, addresses and bodies; each with its comments."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from urllib.parse import unquote, urlsplit

from django.utils import timezone
from django.utils.text import slugify

from posts.models import BodyFormat, Page, Post, PreviousSlug
from posts.wp_html import (
    dynamic_blocks,
    expand_galleries,
    media_player_sources,
    unknown_shortcodes,
    with_footnotes,
    wordpress_html_to_html,
)

from .. import wxr
from ..models import ImportedItem
from .comments import CommentsMixin
from .media import MediaMixin
from .terms import TermsMixin
from .values import (
    PATH_LENGTH,
    SLUG_LENGTH,
    TITLE_LENGTH,
    clamped_int32,
    fingerprint_of,
    parse_gmt,
    parse_local,
    parse_rfc822,
    plain_text,
    shown_id,
    storable_id,
    utc_offset_minutes,
)

POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # a future publish date keeps it scheduled
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "private": Post.Status.PRIVATE,
}


# A permalink in WordPress's "day and name" structure, the one this site serves.
_DATED_PERMALINK = re.compile(r"^/(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/(?P<slug>[^/]+)/?$")


class ItemsMixin(MediaMixin, CommentsMixin):
    """What posts and pages (both WXR items) share: dates, titles, addresses, bodies with their media, comments."""

    def _post_date(self, item: wxr.Item) -> datetime:
        return (
            parse_gmt(item.post_date_gmt)
            or parse_local(item.post_date)
            or parse_rfc822(item.pub_date)
            or self.fallback_date
        )

    def _body(self, item: wxr.Item) -> str:
        body = with_footnotes(self._rewrite_upload_urls(item.content), item.meta.get("footnotes", ""))
        if "[gallery" in body:
            body, missing = expand_galleries(
                body, images=self.gallery_images, attached=self.children.get(item.post_id, ())
            )
            if missing:
                self.report.note(f"{item.title!r}: {missing} gallery image(s) are not in the export.")
        self.report.unknown_shortcodes.update(unknown_shortcodes(body))
        self.report.dynamic_blocks.update(dynamic_blocks(body))
        if "audio" in body or "video" in body:
            self._note_remote_players(item, body)
        return body

    def _note_remote_players(self, item: wxr.Item, body: str) -> None:
        """Players are kept, but their files are not copied (the media library holds images): say so per item."""
        remote = sorted({url for url in media_player_sources(wordpress_html_to_html(body)) if "//" in url})
        if remote:
            listed = ", ".join(remote[:3]) + (f" and {len(remote) - 3} more" if len(remote) > 3 else "")
            self.report.note(
                f"{item.post_type.title()} {item.post_id} ({item.title!r}): its audio/video player(s) play "
                f"{len(remote)} file(s) from the old site ({listed}); they play while that site serves them."
            )

    def _title(self, item: wxr.Item) -> str:
        title = plain_text(item.title)
        if "<" in item.title and title != html.unescape(item.title).strip():
            self.report.note(
                f"{item.post_type.title()} {item.post_id} ({title!r}): titles here are plain text; "
                f"the markup of {item.title[:120]!r} was dropped."
            )
        if len(title) <= TITLE_LENGTH:
            return title or "(no title)"
        self.report.note(
            f"{item.post_type.title()} {item.post_id}: its title is {len(title)} characters long; "
            f"cut to the {TITLE_LENGTH} allowed here."
        )
        return title[: TITLE_LENGTH - 1].rstrip() + "…"

    def _slug(self, item: wxr.Item, kind: str) -> str:
        slug = item.post_name or slugify(item.title, allow_unicode=True) or f"{kind}-{item.post_id}"
        if len(slug) > SLUG_LENGTH and item.post_name:
            self.report.note(
                f"{item.post_type.title()} {item.post_id} ({item.title[:80]!r}): its address {slug[:40]!r}… is "
                f"{len(slug)} characters long; cut to the {SLUG_LENGTH} allowed here."
            )
        return slug[:SLUG_LENGTH]


class PostsMixin(ItemsMixin, TermsMixin):
    def _flush_posts(self) -> None:
        items, self.pending_posts, self.pending_comment_count = self.pending_posts, [], 0
        if not items:
            return
        existing = {
            post.legacy_id: post
            for post in Post.objects.filter(legacy_id__in=[item.post_id for item in items]).prefetch_related(
                "categories", "tags"
            )
        }
        self._load_fingerprints(ImportedItem.Kind.POST, existing)
        with_comments = []
        for item in items:
            post = self._save_post(item, existing.get(item.post_id))
            if post is None:
                self._skip_comments(item, f"a skipped post ({item.status})")
                continue
            self.post_pks[item.post_id] = post.pk
            self._keep_old_permalink(item, post)
            with_comments.append((("post", post.pk), item))
        self._store_fingerprints()
        self._import_comments(with_comments)
        self._store_fingerprints()

    def _keep_old_permalink(self, item: wxr.Item, post: Post) -> None:
        """WordPress dated its permalinks by the site's local date then, which may not be our date here (another
        time zone, or daylight saving since): keep /YYYY/MM/DD/slug/ of the old site leading to the post.

        Two witnesses of the old address: the item's <link> (the permalink as the old site served it) and its
        local post date; each one that differs from our address redirects to the post.
        """
        addresses = set()
        offset = self.utc_offsets.get(item.post_id)
        slug = item.post_name[:SLUG_LENGTH]
        if offset is not None and slug:
            addresses.add(((post.published_at + timedelta(minutes=offset)).date(), slug))
        match = _DATED_PERMALINK.match(urlsplit(item.link).path)
        if match:
            try:
                linked = date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                linked = None
            if linked is not None:
                addresses.add((linked, unquote(match["slug"])[:SLUG_LENGTH]))
        addresses.discard((post.publish_date, post.slug))
        for old_date, old_slug in addresses:
            if Post.objects.filter(publish_date=old_date, slug=old_slug).exists():
                continue  # another post lives at that address here: it keeps it
            PreviousSlug.objects.get_or_create(publish_date=old_date, slug=old_slug, defaults={"post": post})

    def _save_post(self, item: wxr.Item, post: Post | None) -> Post | None:
        status = POST_STATUSES.get(item.status)
        if item.password and status == Post.Status.PUBLISHED:
            # Posts here have no passwords: keep a protected post out of public view rather than expose it.
            status = Post.Status.PRIVATE
            self.report.note(f"Post {item.post_id} ({item.title!r}) was password-protected; it is imported as private.")
        if status is None:
            self.report.count("posts", "skipped")
            self.report.note(f"Post {item.post_id} ({item.title!r}) has status {item.status!r}; not imported.")
            return None
        published_at = self._post_date(item)
        offset = utc_offset_minutes(item.post_date, item.post_date_gmt)
        if offset is not None:
            self.utc_offsets[item.post_id] = offset
        title = self._title(item)
        base_slug = self._slug(item, "post")
        publish_date = timezone.localdate(published_at)
        slug = self._unique_post_slug(base_slug, publish_date, exclude_pk=post.pk if post else None)
        thumbnail = self.images.get(wxr.parse_int(item.meta.get("_thumbnail_id", "")))
        values = {
            "title": title,
            "slug": slug,
            "author_id": self._user_for(item.creator).pk,
            "body": self._body(item),
            "body_format": BodyFormat.HTML,
            "excerpt": item.excerpt.strip(),
            "status": status,
            "published_at": published_at,
            "comments_open": item.comment_status == "open",
            "is_sticky": item.is_sticky,
            "featured_image_id": thumbnail.pk if thumbnail else None,
        }
        categories, tags = self._terms_for(item)
        fingerprint = fingerprint_of(
            {**values, "categories": sorted(categories), "tags": sorted(tags), "utc_offset": offset}
        )
        if self._unchanged_since_last_import(ImportedItem.Kind.POST, item.post_id, fingerprint) and post is not None:
            self.report.count("posts", "unchanged")
            return post
        if post is None:
            post = Post(**values, legacy_id=item.post_id)
            post.save()
            post.categories.set(categories)
            post.tags.set(tags)
            self.report.count("posts", "created")
        else:
            changed = [name for name, value in values.items() if getattr(post, name) != value]
            for name in changed:
                setattr(post, name, values[name])
            if changed:
                post.save()
            if {c.pk for c in post.categories.all()} != categories:
                post.categories.set(categories)
                changed.append("categories")
            if {t.pk for t in post.tags.all()} != tags:
                post.tags.set(tags)
                changed.append("tags")
            self.report.count("posts", "updated" if changed else "unchanged")
        if slug != base_slug and post.slug == slug:
            self.report.note(
                f"Post {item.post_id} ({title!r}): another post on {publish_date:%Y-%m-%d} already has the "
                f"address {base_slug!r}; this one is at {slug!r}."
            )
        return post

    def _unique_post_slug(self, slug: str, publish_date, *, exclude_pk: int | None) -> str:
        candidate, number = slug, 1
        while Post.objects.filter(publish_date=publish_date, slug=candidate).exclude(pk=exclude_pk).exists():
            number += 1
            suffix = f"-{number}"
            candidate = slug[: 200 - len(suffix)] + suffix
        return candidate


class PagesMixin(ItemsMixin):
    def _import_pages(self) -> None:
        items = {item.post_id: item for item in self.pages}
        existing = {page.legacy_id: page for page in Page.objects.filter(legacy_id__in=list(items))}
        self._load_fingerprints(ImportedItem.Kind.PAGE, existing)
        saved: dict[int, Page] = {}
        with_comments: list[tuple[tuple[str, int], wxr.Item]] = []

        def ensure(legacy_id: int, chain: tuple[int, ...] = ()) -> Page | None:
            if legacy_id in saved:
                return saved[legacy_id]
            item = items.get(legacy_id)
            if item is None:
                return Page.objects.filter(legacy_id=legacy_id).first() if storable_id(legacy_id) else None
            if item.status in ("trash", "auto-draft", "inherit"):
                self.report.count("pages", "skipped")
                self._skip_comments(item, "a skipped page")
                return None
            parent = None
            if item.parent and item.parent not in chain and item.parent != legacy_id:
                parent = ensure(item.parent, (*chain, legacy_id))
                if parent is None:
                    self.report.note(
                        f"Page {item.title!r}: its parent page {item.parent} is not imported; it is at the top level."
                    )
            page = self._save_page(item, existing.get(legacy_id), parent)
            with_comments.append((("page", page.pk), item))
            saved[legacy_id] = page
            return page

        for legacy_id in items:
            ensure(legacy_id)
        self._store_fingerprints()
        # Pages come last, so every post comment of the file is known by now: page comments follow
        # the same rules (ids, fingerprints, threading) as the comments of posts.
        self._import_comments(with_comments)
        self._store_fingerprints()

    def _page_status(self, item: wxr.Item) -> str:
        if item.status != "publish":
            return Page.Status.DRAFT
        if item.password:
            # Pages here have no passwords (nor a private status): a draft keeps the text out of view, the
            # navigation and the sitemap, as WordPress kept it behind its password.
            self.report.note(
                f"Page {item.post_id} ({plain_text(item.title)!r}) was password-protected; it is imported as a draft."
            )
            return Page.Status.DRAFT
        return Page.Status.PUBLISHED

    def _save_page(self, item: wxr.Item, page: Page | None, parent: Page | None) -> Page:
        base_slug = self._slug(item, "page")
        if parent is not None and len(parent.path) + 1 + len(base_slug) > PATH_LENGTH:
            self.report.note(
                f"Page {item.post_id} ({item.title!r}): its address under {parent.path[:80]!r}… would be longer than "
                f"{PATH_LENGTH} characters; it is at the top level."
            )
            parent = None
        slug, number = base_slug, 1
        while Page.objects.filter(parent=parent, slug=slug).exclude(pk=page.pk if page else None).exists():
            number += 1
            slug = f"{base_slug[: 200 - len(str(number)) - 1]}-{number}"
        order = clamped_int32(item.menu_order)
        if order != item.menu_order:
            self.report.note(
                f"Page {item.post_id} ({item.title!r}): its menu order {shown_id(item.menu_order)} is out of range; "
                f"it is {order} here."
            )
        values = {
            "title": self._title(item),
            "slug": slug,
            "parent": parent,
            "body": self._body(item),
            "body_format": BodyFormat.HTML,
            "order": order,
            "status": self._page_status(item),
            "comments_open": item.comment_status == "open",
            "author": self._user_for(item.creator),
            "created_at": self._post_date(item),
        }
        fingerprint = fingerprint_of(values)
        if self._unchanged_since_last_import(ImportedItem.Kind.PAGE, item.post_id, fingerprint) and page is not None:
            self.report.count("pages", "unchanged")
            return page
        # A new page stays out of the site menu (editors choose what it shows); a re-import keeps their choice.
        first_values = values if page is not None else {**values, "show_in_navigation": False}
        page = self._save(page, Page, first_values, "pages", legacy_id=item.post_id)
        if slug != base_slug and page.slug == slug:
            where = f"{parent.path}/" if parent is not None else ""
            self.report.note(
                f"Page {item.post_id} ({item.title!r}): another page already has the address "
                f"{where + base_slug!r}; this one is at {where + slug!r} (its /?page_id={item.post_id} link leads "
                "to it)."
            )
        return page
