"""Importing a WXR file: authors, terms, media, posts, pages and threaded comments, idempotently.

Two passes over the file. The first checks that the XML is sound (so a truncated file is refused
before anything is written) and gathers the small things the second needs up front: authors,
categories, tags and attachments. The second streams the items and writes them in batches inside
one transaction. Everything is matched on its WordPress ID (``legacy_id``), so importing the same
file again changes nothing and a newer export of the same site updates what changed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from accounts.roles import AUTHOR, assign_role
from comments import threads
from comments.models import Comment
from comments.rendering import render_comment
from posts.models import EARLIEST_YEAR, LARGEST_ID, LATEST_YEAR, BodyFormat, Category, Image, Page, Post, Tag
from posts.services import add_image
from posts.wp_html import GalleryImage, expand_galleries, unknown_shortcodes

from . import wxr
from .models import ImportedItem
from .report import ImportReport

Progress = Callable[[str, int, int], None]  # (phase, done, total)

POST_BATCH = 100
COMMENT_BATCH = 2000
THREAD_UPDATE_BATCH = 1000

# WordPress keeps ids in unsigned 64-bit columns, ours are signed: a larger id cannot be stored at all.
LARGEST_STORABLE_ID = LARGEST_ID
# Far beyond any real WordPress site (ids count rows in one site's tables): see reserve_ids_up_to.
LARGEST_RESERVED_ID = 2**40
# Integer columns read from the file that are 32-bit here (Page.order).
INT32_RANGE = (-(2**31), 2**31 - 1)
# Column sizes of what the file fills in: PostgreSQL refuses a longer value (SQLite would keep it).
AUTHOR_NAME_LENGTH = Comment._meta.get_field("author_name").max_length
EMAIL_LENGTH = Comment._meta.get_field("author_email").max_length
URL_LENGTH = Comment._meta.get_field("author_url").max_length
USERNAME_LENGTH = 150  # django.contrib.auth's username
TITLE_LENGTH = Post._meta.get_field("title").max_length
SLUG_LENGTH = Post._meta.get_field("slug").max_length
PATH_LENGTH = min(Page._meta.get_field("path").max_length, Category._meta.get_field("path").max_length)
TERM_NAME_LENGTH = Category._meta.get_field("name").max_length

_POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # a future publish date keeps it scheduled
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "private": Post.Status.PRIVATE,
}
_COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
_COMMENT_TYPES = {"pingback": Comment.Type.PINGBACK, "trackback": Comment.Type.TRACKBACK}

_UPLOAD_URL = re.compile(
    r"""(?:(?:https?:)?//[^\s"'<>()\[\]]+?)?/wp-content/uploads/(?P<path>[^\s"'<>?#()\[\]]+)(?:\?[^\s"'<>#\]]*)?"""
)
_WPCOM_UPLOAD_URL = re.compile(
    r"""(?:https?:)?//[a-z0-9-]+\.files\.wordpress\.com/(?P<path>[^\s"'<>?#()\[\]]+)(?:\?[^\s"'<>#\]]*)?"""
)
_USERNAME_JUNK = re.compile(r"[^\w.@+-]")
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


@dataclass
class Attachment:
    """What the first pass keeps about a media item: enough to find its file and build galleries."""

    legacy_id: int
    url: str
    path: str  # relative to wp-content/uploads, e.g. "2008/06/canola2.jpg"
    parent: int
    menu_order: int
    title: str
    alt: str
    caption: str
    creator: str


@dataclass
class Scan:
    """The first pass: the file is well-formed, and these are its small parts."""

    channel: wxr.Channel
    authors: list[wxr.Author]
    terms: list[wxr.Term]
    attachments: dict[int, Attachment]
    items_total: int


def upload_path(url: str, attached_file: str = "") -> str:
    """The file's path inside wp-content/uploads, from its metadata or else its URL."""
    if attached_file.strip():
        return attached_file.strip().lstrip("/")
    for pattern in (_UPLOAD_URL, _WPCOM_UPLOAD_URL):
        match = pattern.search(url)
        if match:
            return match.group("path")
    return ""


def _parse_gmt(value: str) -> datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        parsed = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return _within_calendar(parsed)


def _within_calendar(parsed: datetime) -> datetime | None:
    """The years an author may type here too: dates at the calendar's ends overflow in time zone conversions.

    An earlier date is treated as missing (the next source of a date is used); a later one is kept as
    the latest possible, so a post scheduled that far ahead stays scheduled rather than going public.
    """
    if parsed.year < EARLIEST_YEAR:
        return None
    return min(parsed, datetime(LATEST_YEAR, 12, 31, 23, 59, 59, tzinfo=UTC))


def _parse_local(value: str) -> datetime | None:
    naive = _parse_gmt(value)
    return timezone.make_aware(naive.replace(tzinfo=None)) if naive else None


def _parse_rfc822(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.year < 1971:
        return None
    return _within_calendar(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def _clean_ip(value: str) -> str | None:
    """The commenter's address, or None; an IPv6 zone ("%eth0") means nothing off their network, and
    PostgreSQL's inet type refuses it."""
    try:
        return str(ipaddress.ip_address(value.strip().partition("%")[0]))
    except ValueError:
        return None


def _shown_id(legacy_id: int) -> str:
    """An id for a note; one of thousands of digits was read as a stand-in (see wxr.parse_int)."""
    return str(legacy_id) if abs(legacy_id) < wxr.OUT_OF_RANGE else f"(over {wxr.LONGEST_NUMBER} digits)"


def _unreserved_note(what: str, legacy_id: int) -> str:
    return (
        f"{what} {legacy_id}: this ID is far larger than any real WordPress site's; it is kept for old links, "
        "but ids of new posts and comments here stay below it."
    )


def _clamped_int32(value: int) -> int:
    low, high = INT32_RANGE
    return max(low, min(high, value))


def _fingerprint(values: dict) -> str:
    """A stable digest of the values an import writes for one object (related rows by primary key)."""
    text = json.dumps(values, sort_keys=True, default=lambda value: getattr(value, "pk", None) or str(value))
    return hashlib.sha256(text.encode()).hexdigest()


def _set_thread_positions(rows: list[tuple[int, int | None, str, int]]) -> None:
    """Store (parent, thread path, depth) per comment primary key, a thousand rows per statement.

    ``bulk_update`` builds a CASE expression per row and took most of a 50,000-comment import, and one
    UPDATE per row costs a round trip each on PostgreSQL. ``UPDATE … FROM (VALUES …)`` works on both
    PostgreSQL and SQLite (3.33+), whose VALUES columns are both named column1, column2, …
    """
    quote = connection.ops.quote_name
    meta = Comment._meta
    table = quote(meta.db_table)
    parent, path, depth = (quote(meta.get_field(name).column) for name in ("parent", "thread_path", "depth"))
    for start in range(0, len(rows), THREAD_UPDATE_BATCH):
        batch = rows[start : start + THREAD_UPDATE_BATCH]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
        sql = (
            f"UPDATE {table} SET {parent} = CAST(v.column2 AS BIGINT), {path} = v.column3, "
            f"{depth} = CAST(v.column4 AS INTEGER) FROM (VALUES {values}) AS v "
            f"WHERE {table}.{quote(meta.pk.column)} = v.column1"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in batch for value in row])


def storable_id(legacy_id: int | None) -> bool:
    """Whether a WordPress id fits our 64-bit legacy_id columns (WordPress's own are unsigned)."""
    return legacy_id is not None and 0 < legacy_id <= LARGEST_STORABLE_ID


def reserve_ids_up_to(model, highest: int | None) -> None:
    """Move the model's id counter past `highest`, so the next row created gets a larger id.

    Never beyond LARGEST_RESERVED_ID (2**40, a trillion rows): an id above it can only come from a
    damaged or hostile file, and moving the counter there (2**63 - 1 at worst) would leave no room
    for one more post or comment. Such items are still imported with their WordPress id, so their
    /?p=ID link and #comment-ID anchor keep working; a new row could only take the same number after
    a trillion others, so refusing the content would cost more than it protects.
    """
    highest = min(highest or 0, LARGEST_RESERVED_ID)
    if not highest:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, (SELECT COALESCE(MAX(id), 1) FROM {table})))",
                [table, highest],
            )
        elif connection.vendor == "sqlite":  # Django's SQLite ids are AUTOINCREMENT: the counter is sqlite_sequence
            cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [highest, table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s WHERE NOT EXISTS "
                "(SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                [table, highest, table],
            )


class WxrImporter:
    """One import run. Use ``import_wxr`` in ``wordpress.services`` rather than this class directly."""

    def __init__(
        self,
        *,
        uploads_dir: Path | None = None,
        dry_run: bool = False,
        author_map: dict[str, str] | None = None,
        progress: Progress | None = None,
    ):
        self.uploads_dir = Path(uploads_dir) if uploads_dir else None
        self.author_map = author_map or {}
        self.progress = progress or (lambda phase, done, total: None)
        self.report = ImportReport(dry_run=dry_run)
        self.users: dict[str, object] = {}
        self.user_by_legacy_id: dict[int, object] = {}
        self.categories: dict[str, Category] = {}
        self.tags: dict[str, Tag] = {}
        self.images: dict[int, Image] = {}  # attachment ID → image
        self.images_by_path: dict[str, Image] = {}  # "2008/06/canola2.jpg" → image
        self.gallery_images: dict[int, GalleryImage] = {}
        self.children: dict[int, list[int]] = defaultdict(list)  # post ID → its attachments, gallery order
        self.post_pks: dict[int, int] = {}  # WordPress post ID → our primary key
        self.fingerprints: dict[tuple[str, int], str] = {}  # what the last import wrote, for this batch
        self.new_fingerprints: dict[tuple[str, int], str] = {}
        self.seen_items: set[int] = set()  # WordPress IDs of posts and pages read so far
        self.seen_comments: set[int] = set()
        self.pending_posts: list[wxr.Item] = []
        self.pending_comment_count = 0
        self.pages: list[wxr.Item] = []
        self.stored_files: list[str] = []
        self.fallback_date = datetime(2000, 1, 1, tzinfo=UTC)

    # The run

    def run(self, source: BinaryIO) -> ImportReport:
        scan = self.scan(source)
        self.report.items_total = scan.items_total
        self._check_author_map()
        try:
            with transaction.atomic():
                self._import(source, scan)
                if self.report.dry_run:
                    transaction.set_rollback(True)
                else:
                    # After this, ids given to new posts and comments never equal a WordPress id, so a new
                    # comment's #comment-ID anchor (or a new post's /?p=ID) can't clash with an imported one.
                    for model in (Post, Comment):
                        sane = model.objects.filter(legacy_id__lte=LARGEST_RESERVED_ID)
                        reserve_ids_up_to(model, sane.aggregate(highest=Max("legacy_id"))["highest"])
        except BaseException:
            self._delete_stored_files()
            raise
        if self.report.dry_run:
            self._delete_stored_files()
        return self.report

    def scan(self, source: BinaryIO) -> Scan:
        """First pass: refuse a broken file before writing anything, and keep the small parts."""
        total = wxr.count_items(source)
        self.progress("checking", 0, total)
        authors, terms, attachments = [], [], {}
        channel = wxr.Channel()
        done = 0
        for record in wxr.read(source, with_comments=False):
            if isinstance(record, wxr.Item):
                done += 1
                if done % 200 == 0:
                    self.progress("checking", done, max(total, done))
                if record.post_type == "attachment":
                    attachments[record.post_id] = Attachment(
                        legacy_id=record.post_id,
                        url=record.attachment_url,
                        path=upload_path(record.attachment_url, record.meta.get("_wp_attached_file", "")),
                        parent=record.parent,
                        menu_order=record.menu_order,
                        title=record.title,
                        alt=record.meta.get("_wp_attachment_image_alt", "").strip(),
                        caption=record.excerpt.strip(),
                        creator=record.creator,
                    )
            elif isinstance(record, wxr.Author):
                authors.append(record)
            elif isinstance(record, wxr.Term):
                terms.append(record)
            elif isinstance(record, wxr.Channel):
                channel = record
        self.progress("checking", done, done)
        return Scan(channel=channel, authors=authors, terms=terms, attachments=attachments, items_total=done)

    def _import(self, source: BinaryIO, scan: Scan) -> None:
        self.fallback_date = _parse_rfc822(scan.channel.pub_date) or self.fallback_date
        self._import_authors(scan.authors)
        self._import_categories([term for term in scan.terms if term.taxonomy == "category"])
        self._import_tags([term for term in scan.terms if term.taxonomy == "post_tag"])
        self._import_attachments(scan.attachments)
        done, started = 0, time.monotonic()
        self.progress("importing", 0, scan.items_total)
        for record in wxr.read(source):
            if not isinstance(record, wxr.Item):
                continue
            done += 1
            self._dispatch(record)
            if done % 25 == 0:
                self.progress("importing", done, scan.items_total)
        self._flush_posts()
        self._import_pages()
        self.progress("importing", done, scan.items_total)
        self.elapsed = time.monotonic() - started

    def _dispatch(self, item: wxr.Item) -> None:
        if item.post_type in ("post", "page") and not self._first_sighting(item):
            return
        if item.post_type == "post":
            self.pending_posts.append(item)
            self.pending_comment_count += len(item.comments)
            if len(self.pending_posts) >= POST_BATCH or self.pending_comment_count >= COMMENT_BATCH:
                self._flush_posts()
        elif item.post_type == "page":
            # Pages are few and may name a parent further down the file: import them at the end.
            self.pages.append(item)
        elif item.post_type == "attachment":
            self._skip_comments(item, "an attachment")
        else:
            self.report.skipped_types[item.post_type] += 1
            self._skip_comments(item, f"a {item.post_type}")

    def _load_fingerprints(self, kind: str, legacy_ids) -> None:
        self.fingerprints = {
            (kind, legacy_id): fingerprint
            for legacy_id, fingerprint in ImportedItem.objects.filter(
                kind=kind, legacy_id__in=list(legacy_ids)
            ).values_list("legacy_id", "fingerprint")
        }

    def _unchanged_since_last_import(self, kind: str, legacy_id: int, fingerprint: str) -> bool:
        """True when the file says what it said last time: then edits made here since are kept."""
        key = (kind, legacy_id)
        if self.fingerprints.get(key) == fingerprint:
            return True
        self.new_fingerprints[key] = fingerprint
        return False

    def _store_fingerprints(self) -> None:
        if not self.new_fingerprints:
            return
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(kind=kind, legacy_id=legacy_id, fingerprint=fingerprint)
                for (kind, legacy_id), fingerprint in self.new_fingerprints.items()
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["kind", "legacy_id"],
            update_fields=["fingerprint", "imported_at"],
        )
        self.new_fingerprints = {}

    def _first_sighting(self, item: wxr.Item) -> bool:
        """Posts and pages are matched on their WordPress ID: one without an ID, or seen before, is skipped."""
        kind = f"{item.post_type}s"
        if item.post_id <= 0:
            self.report.count(kind, "skipped")
            self.report.note(f"A {item.post_type} ({item.title!r}) has no ID in the file; not imported.")
            self._skip_comments(item, f"a {item.post_type} without an ID")
            return False
        if item.post_id > LARGEST_STORABLE_ID:
            self.report.count(kind, "skipped")
            self.report.note(
                f"{item.post_type.title()} {item.title!r}: its ID {_shown_id(item.post_id)} is too large to keep "
                f"(ids here go up to {LARGEST_STORABLE_ID}); not imported."
            )
            self._skip_comments(item, f"a {item.post_type} whose ID is too large")
            return False
        if item.post_id in self.seen_items:
            self.report.count(kind, "skipped")
            self.report.note(
                f"{item.post_type.title()} {item.post_id} appears twice in the file; the first copy was kept."
            )
            self._skip_comments(item, f"a repeated {item.post_type}")
            return False
        self.seen_items.add(item.post_id)
        if item.post_type == "post" and item.post_id > LARGEST_RESERVED_ID:  # pages' ids are never reserved
            self.report.note(_unreserved_note("Post", item.post_id))
        return True

    def _skip_comments(self, item: wxr.Item, what: str) -> None:
        for comment in item.comments:
            self._tally_comment(comment)
            self.report.count("comments", "skipped")
        if item.comments:
            self.report.note(
                f"{len(item.comments)} comment(s) on {what} ({item.title or item.post_id!r}) skipped: "
                "discussions belong to posts and pages."
            )

    def _tally_comment(self, comment: wxr.WxrComment) -> None:
        self.report.comment_types[comment.type or "comment"] += 1
        self.report.comment_statuses[_COMMENT_STATUSES.get(comment.approved, comment.approved)] += 1

    # Authors

    def _check_author_map(self) -> None:
        User = get_user_model()
        for old, new in self.author_map.items():
            if not User.objects.filter(username=new).exists():
                raise wxr.WxrError(f"--author-map {old}={new}: there is no user {new!r} here. Nothing was imported.")

    def _import_authors(self, authors: Iterable[wxr.Author]) -> None:
        for author in authors:
            if not author.login:
                continue
            user = self._user_for(author.login, author)
            if author.legacy_id:
                self.user_by_legacy_id[author.legacy_id] = user

    def _user_for(self, login: str, author: wxr.Author | None = None):
        """The local user for a WordPress login: mapped, existing, or created without a password."""
        # Usernames here allow letters, digits and @.+-_ only; real exports carry stray characters (">admin").
        login = _USERNAME_JUNK.sub("", login or "") or "wordpress"
        if login in self.users:
            return self.users[login]
        User = get_user_model()
        username = self.author_map.get(login, login)
        if len(username) > USERNAME_LENGTH:
            self.report.note(
                f"WordPress login {username[:40]!r}… is {len(username)} characters long; "
                f"the user here is {username[:USERNAME_LENGTH][:40]!r}… ({USERNAME_LENGTH} characters)."
            )
            username = username[:USERNAME_LENGTH]
        user = User.objects.filter(username=username).first()
        if user is None and author is not None and author.email and login not in self.author_map:
            # The site owner usually has an account here already, under another username but the same address.
            same_email = list(User.objects.filter(email__iexact=author.email)[:2])
            if len(same_email) == 1:
                user = same_email[0]
                self.report.note(
                    f"WordPress author {login!r} has the address of the existing user {user.username!r}: "
                    "their content is attributed to that user."
                )
        if user is not None:
            self.report.count("authors", "unchanged")
        else:
            author = author or wxr.Author(login=login)
            first, last = author.first_name, author.last_name
            if not (first or last) and author.display_name:
                first, _, last = author.display_name.partition(" ")
            user = User(
                username=username,
                email=self._whole(author.email, EMAIL_LENGTH, f"WordPress author {login[:80]!r}: the email"),
                first_name=first[:150],
                last_name=last[:150],
            )
            user.set_unusable_password()  # they set one through "forgot password"
            user.save()
            assign_role(user, AUTHOR)
            self.report.count("authors", "created")
        self.users[login] = user
        return user

    # Categories and tags

    def _check_terms(self, terms: list[wxr.Term], what: str) -> None:
        """Fit terms to our columns before anything is matched on them, and say what was changed.

        An id too large to store is dropped: the term is then matched on its slug, as WordPress does.
        """
        for term in terms:
            if term.legacy_id is not None and abs(term.legacy_id) > LARGEST_STORABLE_ID:
                self.report.note(
                    f"{what} {term.name[:80] or term.slug[:80]!r}: its ID {_shown_id(term.legacy_id)} is too large to keep; "
                    "it is matched on its slug instead."
                )
                term.legacy_id = None
            if len(term.slug) > SLUG_LENGTH:
                self.report.note(
                    f"{what} {term.name[:80]!r}: its slug is {len(term.slug)} characters long; "
                    f"cut to the {SLUG_LENGTH} allowed here."
                )
            term.slug, term.parent_slug = term.slug[:SLUG_LENGTH], term.parent_slug[:SLUG_LENGTH]
            if len(term.name) > TERM_NAME_LENGTH:
                self.report.note(
                    f"{what} {term.name[:80]!r}…: its name is {len(term.name)} characters long; "
                    f"cut to the {TERM_NAME_LENGTH} allowed here."
                )
                term.name = term.name[: TERM_NAME_LENGTH - 1].rstrip() + "…"

    def _import_categories(self, terms: list[wxr.Term]) -> None:
        self._check_terms(terms, "Category")
        by_slug = {term.slug: term for term in terms if term.slug}
        existing = {
            c.legacy_id: c for c in Category.objects.filter(legacy_id__in=[t.legacy_id for t in terms if t.legacy_id])
        }

        def ensure(slug: str, chain: tuple[str, ...] = ()) -> Category | None:
            if slug in self.categories:
                return self.categories[slug]
            term = by_slug.get(slug)
            if term is None:
                return None
            parent = None
            if term.parent_slug and term.parent_slug not in chain:
                parent = ensure(term.parent_slug, (*chain, slug))
                if parent is None:
                    self.report.note(
                        f"Category {term.name!r}: parent {term.parent_slug!r} is not in the file; kept at the top level."
                    )
            elif term.parent_slug:
                self.report.note(f"Category {term.name!r}: its parents loop back to it; kept at the top level.")
            if parent is not None and len(parent.path) + 1 + len(slug) > PATH_LENGTH:
                self.report.note(
                    f"Category {term.name!r}: its address under {parent.path[:80]!r}… would be longer than "
                    f"{PATH_LENGTH} characters; kept at the top level."
                )
                parent = None
            category = existing.get(term.legacy_id) if term.legacy_id else None
            if category is None:
                category = Category.objects.filter(parent=parent, slug=slug).first()
            values = {
                "name": (term.name or slug)[:200],
                "slug": slug[:200],
                "parent": parent,
                "description": term.description,
            }
            self._save(category, Category, values, "categories", legacy_id=term.legacy_id)
            self.categories[slug] = self._last_saved
            return self._last_saved

        for term in terms:
            if term.slug:
                ensure(term.slug)

    def _import_tags(self, terms: list[wxr.Term]) -> None:
        self._check_terms(terms, "Tag")
        existing = {
            t.legacy_id: t for t in Tag.objects.filter(legacy_id__in=[t.legacy_id for t in terms if t.legacy_id])
        }
        for term in terms:
            if not term.slug:
                continue
            tag = existing.get(term.legacy_id) if term.legacy_id else None
            if tag is None:
                tag = Tag.objects.filter(slug=term.slug[:200]).first()
            self._save(
                tag,
                Tag,
                {"name": (term.name or term.slug)[:200], "slug": term.slug[:200]},
                "tags",
                legacy_id=term.legacy_id,
            )
            self.tags[term.slug] = self._last_saved

    def _save(self, instance, model, values: dict, kind: str, *, legacy_id: int | None = None):
        """Create or update one row, counting what happened; the row is left in self._last_saved."""
        if instance is None:
            instance = model(**values, legacy_id=legacy_id)
            instance.save()
            self.report.count(kind, "created")
        else:
            changed = [name for name, value in values.items() if getattr(instance, name) != value]
            if legacy_id and instance.legacy_id is None:
                instance.legacy_id = legacy_id
                changed.append("legacy_id")
            if changed:
                for name in changed:
                    if name in values:
                        setattr(instance, name, values[name])
                instance.save()
                self.report.count(kind, "updated")
            else:
                self.report.count(kind, "unchanged")
        self._last_saved = instance
        return instance

    def _terms_for(self, item: wxr.Item) -> tuple[set[int], set[int]]:
        """Category and tag primary keys for an item, creating terms the header did not declare."""
        categories, tags = set(), set()
        for domain, nicename, name in item.terms:
            slug = (nicename or slugify(name, allow_unicode=True))[:200]
            if not slug:
                continue
            if domain == "category":
                category = self.categories.get(slug)
                if category is None:
                    category = Category.objects.filter(parent=None, slug=slug).first()
                    category = (
                        self._save(
                            category,
                            Category,
                            {"name": (name or slug)[:200], "slug": slug, "parent": None, "description": ""},
                            "categories",
                        )
                        if category is None
                        else category
                    )
                    self.categories[slug] = category
                categories.add(category.pk)
            elif domain in ("post_tag", "tag"):
                tag = self.tags.get(slug)
                if tag is None:
                    tag = Tag.objects.filter(slug=slug).first() or self._save(
                        None, Tag, {"name": (name or slug)[:200], "slug": slug}, "tags"
                    )
                    self.tags[slug] = tag
                tags.add(tag.pk)
        return categories, tags

    # Attachments and media

    def _import_attachments(self, attachments: dict[int, Attachment]) -> None:
        for legacy_id in [legacy_id for legacy_id in attachments if abs(legacy_id) > LARGEST_STORABLE_ID]:
            attachment = attachments.pop(legacy_id)
            self.report.count("images", "skipped")
            self.report.note(
                f"Attachment {attachment.path or attachment.url!r}: its ID {_shown_id(legacy_id)} is too large to keep; "
                "not imported."
            )
        existing = {image.legacy_id: image for image in Image.objects.filter(legacy_id__in=list(attachments))}
        for attachment in sorted(attachments.values(), key=lambda a: (a.menu_order, a.legacy_id)):
            if attachment.parent:
                self.children[attachment.parent].append(attachment.legacy_id)
            image = existing.get(attachment.legacy_id)
            if image is not None:
                changed = image.caption != attachment.caption[:10000] or (
                    attachment.alt and image.alt_text != attachment.alt[:500]
                )
                if changed:
                    image.caption = attachment.caption
                    image.alt_text = attachment.alt[:500] or image.alt_text
                    image.save(update_fields=["caption", "alt_text"])
                self.report.count("images", "updated" if changed else "unchanged")
            else:
                image = self._add_image_file(
                    attachment.path,
                    alt=attachment.alt or attachment.title,
                    caption=attachment.caption,
                    legacy_id=attachment.legacy_id,
                    legacy_url=attachment.url,
                    uploaded_by=self._user_for(attachment.creator) if attachment.creator else None,
                )
            if image is not None:
                self.images[attachment.legacy_id] = image
                if attachment.path:
                    self.images_by_path[attachment.path] = image
            self.gallery_images[attachment.legacy_id] = GalleryImage(
                legacy_id=attachment.legacy_id,
                url=image.file.url if image is not None else attachment.url,
                alt=(image.alt_text if image is not None else attachment.alt) or attachment.title,
                caption=attachment.caption,
            )

    def _add_image_file(self, path: str, *, alt: str, caption: str, legacy_id=None, legacy_url="", uploaded_by=None):
        """Store one file from --uploads through the media library's Pillow pipeline, or report it missing."""
        file_path = self._find_upload(path)
        if file_path is None:
            self.report.count("images", "skipped")
            self.report.missing(path or legacy_url)
            return None
        try:
            with file_path.open("rb") as handle:
                image = add_image(
                    file=File(handle, name=file_path.name),
                    alt_text=(alt or file_path.stem.replace("-", " "))[:500],
                    caption=caption,
                    uploaded_by=uploaded_by,
                    legacy_id=legacy_id,
                    legacy_url=legacy_url[:1000],
                )
        except ValidationError as error:
            self.report.count("images", "skipped")
            self.report.note(f"{path}: not imported ({'; '.join(error.messages)}).")
            return None
        self.stored_files.append(image.file.name)
        self.stored_files.extend(rendition["name"] for rendition in image.renditions)
        self.report.count("images", "created")
        return image

    def _find_upload(self, path: str) -> Path | None:
        if not self.uploads_dir or not path:
            return None
        try:
            candidate = (self.uploads_dir / path).resolve()
            # Never read outside the uploads folder, whatever the export says.
            if self.uploads_dir.resolve() not in candidate.parents or not candidate.is_file():
                return None
        except (OSError, ValueError):  # a name too long for the file system: no such file here
            return None
        return candidate

    def _rewrite_upload_urls(self, body: str) -> str:
        """Point …/wp-content/uploads/… URLs (and resized variants) at the imported images."""
        if "/wp-content/uploads/" not in body and ".files.wordpress.com/" not in body:
            return body

        def replace(match: re.Match) -> str:
            path = match.group("path")
            image = self.images_by_path.get(path) or self.images_by_path.get(_SIZE_SUFFIX.sub("", path))
            if image is None and self.uploads_dir:
                # A file the body uses that was never an attachment: still worth bringing over.
                original = _SIZE_SUFFIX.sub("", path)
                legacy = Image.objects.filter(legacy_url=match.group(0)[:1000]).first()
                image = legacy or (
                    self._add_image_file(original, alt="", caption="", legacy_url=match.group(0))
                    if self._find_upload(original)
                    else None
                )
                if image is not None:
                    self.images_by_path[original] = image
            return image.file.url if image is not None else match.group(0)

        body = _UPLOAD_URL.sub(replace, body)
        return _WPCOM_UPLOAD_URL.sub(replace, body)

    # Posts

    def _post_date(self, item: wxr.Item) -> datetime:
        return (
            _parse_gmt(item.post_date_gmt)
            or _parse_local(item.post_date)
            or _parse_rfc822(item.pub_date)
            or self.fallback_date
        )

    def _body(self, item: wxr.Item) -> str:
        body = self._rewrite_upload_urls(item.content)
        if "[gallery" in body:
            body, missing = expand_galleries(
                body, images=self.gallery_images, attached=self.children.get(item.post_id, ())
            )
            if missing:
                self.report.note(f"{item.title!r}: {missing} gallery image(s) are not in the export.")
        self.report.unknown_shortcodes.update(unknown_shortcodes(body))
        return body

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
            with_comments.append((("post", post.pk), item))
        self._store_fingerprints()
        self._import_comments(with_comments)
        self._store_fingerprints()

    def _save_post(self, item: wxr.Item, post: Post | None) -> Post | None:
        status = _POST_STATUSES.get(item.status)
        if item.password and status == Post.Status.PUBLISHED:
            # Posts here have no passwords: keep a protected post out of public view rather than expose it.
            status = Post.Status.PRIVATE
            self.report.note(f"Post {item.post_id} ({item.title!r}) was password-protected; it is imported as private.")
        if status is None:
            self.report.count("posts", "skipped")
            self.report.note(f"Post {item.post_id} ({item.title!r}) has status {item.status!r}; not imported.")
            return None
        published_at = self._post_date(item)
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
        fingerprint = _fingerprint({**values, "categories": sorted(categories), "tags": sorted(tags)})
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

    def _title(self, item: wxr.Item) -> str:
        if len(item.title) <= TITLE_LENGTH:
            return item.title or "(no title)"
        self.report.note(
            f"{item.post_type.title()} {item.post_id}: its title is {len(item.title)} characters long; "
            f"cut to the {TITLE_LENGTH} allowed here."
        )
        return item.title[: TITLE_LENGTH - 1].rstrip() + "…"

    def _slug(self, item: wxr.Item, kind: str) -> str:
        slug = item.post_name or slugify(item.title, allow_unicode=True) or f"{kind}-{item.post_id}"
        if len(slug) > SLUG_LENGTH and item.post_name:
            self.report.note(
                f"{item.post_type.title()} {item.post_id} ({item.title[:80]!r}): its address {slug[:40]!r}… is "
                f"{len(slug)} characters long; cut to the {SLUG_LENGTH} allowed here."
            )
        return slug[:SLUG_LENGTH]

    def _unique_post_slug(self, slug: str, publish_date, *, exclude_pk: int | None) -> str:
        candidate, number = slug, 1
        while Post.objects.filter(publish_date=publish_date, slug=candidate).exclude(pk=exclude_pk).exists():
            number += 1
            suffix = f"-{number}"
            candidate = slug[: 200 - len(suffix)] + suffix
        return candidate

    # Comments

    def _comment_values(self, comment: wxr.WxrComment, target: tuple[str, int]) -> dict:
        created_at = _parse_gmt(comment.date_gmt) or _parse_local(comment.date) or self.fallback_date
        user = self.user_by_legacy_id.get(comment.user_id) if comment.user_id else None
        kind, pk = target
        return {
            "post_id": pk if kind == "post" else None,
            "page_id": pk if kind == "page" else None,
            "user_id": user.pk if user is not None else None,
            "author_name": self._fitted(
                comment.author, AUTHOR_NAME_LENGTH, f"Comment {comment.legacy_id}: its author's name"
            )
            or "Anonymous",
            "author_email": self._whole(
                comment.author_email, EMAIL_LENGTH, f"Comment {comment.legacy_id}: its author's email"
            ),
            "author_url": self._whole(
                comment.author_url, URL_LENGTH, f"Comment {comment.legacy_id}: its author's website"
            ),
            "body": comment.content,
            "status": _COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING),
            "type": _COMMENT_TYPES.get(comment.type, Comment.Type.COMMENT),
            "ip_address": _clean_ip(comment.author_ip),
            "created_at": created_at,
        }

    def _fitted(self, value: str, length: int, what: str) -> str:
        """Text cut to the column's length, with a note when it had to be."""
        if len(value) <= length:
            return value
        self.report.note(f"{what} is {len(value)} characters long; cut to the {length} allowed here.")
        return value[: length - 1].rstrip() + "…"

    def _whole(self, value: str, length: int, what: str) -> str:
        """An address kept whole or not at all: cut short, an email or URL would lead somewhere else."""
        if len(value) <= length:
            return value
        self.report.note(f"{what} is {len(value)} characters long (at most {length} here); left out.")
        return ""

    def _import_comments(self, items: list[tuple[tuple[str, int], wxr.Item]]) -> None:
        """Comments of posts or pages, each item given with its target: ("post" or "page", primary key)."""
        records = []
        for target, item in items:
            for comment in item.comments:
                self._tally_comment(comment)
                if not storable_id(comment.legacy_id) or comment.legacy_id in self.seen_comments:
                    self.report.count("comments", "skipped")
                    if comment.legacy_id <= 0:
                        problem = "has no ID in the file"
                    elif comment.legacy_id > LARGEST_STORABLE_ID:
                        problem = f"has the ID {_shown_id(comment.legacy_id)}, too large to keep"
                    else:
                        problem = f"repeats ID {comment.legacy_id} in the file"
                    self.report.note(f"A comment on {item.title!r} {problem}; not imported.")
                    continue
                self.seen_comments.add(comment.legacy_id)
                if comment.legacy_id > LARGEST_RESERVED_ID:
                    self.report.note(_unreserved_note("Comment", comment.legacy_id))
                records.append((target, item, comment))
        if not records:
            return
        legacy_ids = [comment.legacy_id for _, _, comment in records]
        existing = {
            comment.legacy_id: comment
            for comment in Comment.objects.filter(legacy_id__in=legacy_ids).select_related("parent")
        }
        self._load_fingerprints(ImportedItem.Kind.COMMENT, existing)
        in_file = {comment.legacy_id: (target, item, comment) for target, item, comment in records}
        # Parents outside this batch but already in the database (an earlier import, or an earlier batch).
        outside = {c.parent for _, _, c in records if storable_id(c.parent) and c.parent not in in_file}
        known_parents = (
            {comment.legacy_id: comment for comment in Comment.objects.filter(legacy_id__in=outside)} if outside else {}
        )

        new: dict[int, Comment] = {}
        changed: list[Comment] = []
        parent_of: dict[int, int | None] = {}
        for target, item, record in records:
            values = self._comment_values(record, target)
            parent_id = record.parent or None
            if parent_id is not None:
                parent_target = (
                    in_file[parent_id][0]
                    if parent_id in in_file
                    else getattr(known_parents.get(parent_id), "target_id", None)
                )
                if parent_target != target or parent_id == record.legacy_id:
                    self.report.note(
                        f"Comment {record.legacy_id} on {item.title!r} replies to comment {parent_id}, which is "
                        "not in the export; it is shown as a top-level comment."
                    )
                    parent_id = None
            parent_of[record.legacy_id] = parent_id
            comment = existing.get(record.legacy_id)
            fingerprint = _fingerprint({**values, "parent": parent_id})
            if self._unchanged_since_last_import(ImportedItem.Kind.COMMENT, record.legacy_id, fingerprint) and comment:
                self.report.count("comments", "unchanged")
                continue
            if comment is None:
                new[record.legacy_id] = Comment(
                    **values, body_html=render_comment(record.content), legacy_id=record.legacy_id, thread_path="~"
                )
                continue
            differences = [name for name, value in values.items() if getattr(comment, name) != value]
            old_parent = comment.parent.legacy_id if comment.parent_id else None
            if differences or old_parent != parent_id:
                for name in differences:
                    setattr(comment, name, values[name])
                if "body" in differences:
                    comment.body_html = render_comment(comment.body)
                comment._reparent = old_parent != parent_id or "created_at" in differences
                changed.append(comment)
                self.report.count("comments", "updated")
            else:
                self.report.count("comments", "unchanged")

        if new:
            Comment.objects.bulk_create(list(new.values()), batch_size=500)
            self.report.count("comments", "created", len(new))
        by_legacy = {**known_parents, **existing, **new}
        self._thread(new, changed, parent_of, by_legacy)

    def _thread(self, new: dict[int, Comment], changed: list[Comment], parent_of: dict, by_legacy: dict) -> None:
        """Link replies to parents and compute materialised paths, parents before children."""
        resolved: dict[int, tuple[int | None, str, int]] = {}  # legacy id → (parent pk, path, depth)

        def settled(legacy_id: int) -> tuple[str, int] | None:
            """(path, depth) of a comment whose place is already known, else None."""
            if legacy_id in resolved:
                return resolved[legacy_id][1:]
            comment = by_legacy[legacy_id]
            if legacy_id not in new and not getattr(comment, "_reparent", False):
                return comment.thread_path, comment.depth
            return None

        def resolve(legacy_id: int) -> None:
            # Walk up to a comment whose place is known (or a root), then down again: no recursion, so a
            # thread thousands of replies deep cannot exhaust the stack.
            chain: list[int] = []
            above: tuple[str, int] | None = None
            current = legacy_id
            while (above := settled(current)) is None:
                chain.append(current)
                parent_legacy = parent_of.get(current)
                if parent_legacy is not None and (parent_legacy in chain or parent_legacy not in by_legacy):
                    self.report.note(f"Comment {current}: its replies loop back to it; shown as a top-level comment.")
                    parent_of[current] = parent_legacy = None
                if parent_legacy is None:
                    break
                current = parent_legacy
            for child in reversed(chain):
                comment = by_legacy[child]
                parent_legacy = parent_of.get(child)
                if parent_legacy is None:
                    resolved[child] = (None, comment.compute_thread_path(""), 1)
                else:
                    path, depth = above
                    # Stored paths have a length limit: deeper replies join their parent's level.
                    place = threads.place_under(
                        parent_pk=by_legacy[parent_legacy].pk,
                        parent_path=path,
                        parent_depth=depth,
                        max_depth=threads.MAX_STORED_DEPTH,
                    )
                    if place.depth <= depth:
                        self.report.note(
                            f"Comment {child} is more than {threads.MAX_STORED_DEPTH} replies deep; shown at that depth."
                        )
                    resolved[child] = (place.parent_pk, comment.compute_thread_path(place.parent_path), place.depth)
                above = resolved[child][1:]

        for legacy_id in [*new, *(c.legacy_id for c in changed if getattr(c, "_reparent", False))]:
            resolve(legacy_id)
        rows = []
        for legacy_id, (parent_pk, path, depth) in resolved.items():
            comment = by_legacy[legacy_id]
            old_path, old_depth = comment.thread_path, comment.depth
            comment.parent_id, comment.thread_path, comment.depth = parent_pk, path, depth
            rows.append((comment.pk, parent_pk, path, depth))
            if legacy_id not in new and old_path != "~":
                threads.move_descendants(
                    Comment.objects, old_path=old_path, new_path=path, depth_change=depth - old_depth
                )
        _set_thread_positions(rows)
        plain = [c for c in changed if not getattr(c, "_reparent", False)]
        reparented = [c for c in changed if getattr(c, "_reparent", False)]
        fields = [
            "post",
            "page",
            "user",
            "author_name",
            "author_email",
            "author_url",
            "body",
            "body_html",
            "status",
            "type",
            "ip_address",
            "created_at",
        ]
        Comment.objects.bulk_update(plain + reparented, fields, batch_size=500)

    # Pages

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
        order = _clamped_int32(item.menu_order)
        if order != item.menu_order:
            self.report.note(
                f"Page {item.post_id} ({item.title!r}): its menu order {_shown_id(item.menu_order)} is out of range; "
                f"it is {order} here."
            )
        values = {
            "title": self._title(item),
            "slug": slug,
            "parent": parent,
            "body": self._body(item),
            "body_format": BodyFormat.HTML,
            "order": order,
            "status": Page.Status.PUBLISHED if item.status == "publish" else Page.Status.DRAFT,
            "comments_open": item.comment_status == "open",
            "author": self._user_for(item.creator),
            "created_at": self._post_date(item),
        }
        fingerprint = _fingerprint(values)
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

    # Files written during a run that did not commit

    def _delete_stored_files(self) -> None:
        from django.core.files.storage import default_storage

        for name in self.stored_files:
            default_storage.delete(name)
        self.stored_files = []
