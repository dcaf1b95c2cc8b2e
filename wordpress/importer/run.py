"""One import run: the two passes over the file, dispatching each item to its kind, and the files to undo."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import IO

from django.db import connection, transaction
from django.db.models import Max

from comments.models import Comment
from posts.models import Page, Post

from .. import wxr
from ..report import ImportReport
from .media import Attachment, upload_path
from .posts import PagesMixin, PostsMixin
from .terms import declared_once
from .values import LARGEST_RESERVED_ID, LARGEST_STORABLE_ID, parse_rfc822, shown_id, unreserved_note

POST_BATCH = 100
COMMENT_BATCH = 2000


@dataclass
class Scan:
    """The first pass: the file is well-formed, and these are its small parts."""

    channel: wxr.Channel
    authors: list[wxr.Author]
    terms: list[wxr.Term]
    attachments: dict[int, Attachment]
    items_total: int


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


class WxrImporter(PostsMixin, PagesMixin):
    """One import run. Use ``import_wxr`` in ``wordpress.services`` rather than this class directly.

    Each kind's mixin builds on the kinds it uses (posts and pages on media, comments and terms; media on
    authors), so these two bring them all.
    """

    # The run

    def run(self, source: IO[bytes]) -> ImportReport:
        scan = self.scan(source)
        self.report.items_total = scan.items_total
        self._check_author_map()
        try:
            with transaction.atomic():
                self._import(source, scan)
                if self.report.dry_run:
                    transaction.set_rollback(True)
                else:
                    self._reserve_ids()
        except BaseException:
            self._delete_stored_files()
            raise
        if self.report.dry_run:
            self._delete_stored_files()
        return self.report

    def _reserve_ids(self) -> None:
        """After this, ids given to new posts, pages and comments never equal a WordPress id, so a new comment's
        #comment-ID anchor (or a new post's /?p=ID, a new page's /?page_id=ID) can't clash with an imported one.

        Posts and pages share WordPress's numbering (/?p=ID reaches either), so both start past the larger.
        """

        def highest(model) -> int:
            sane = model.objects.filter(legacy_id__lte=LARGEST_RESERVED_ID)
            return sane.aggregate(highest=Max("legacy_id"))["highest"] or 0

        items = max(highest(Post), highest(Page))
        for model in (Post, Page):
            reserve_ids_up_to(model, items)
        reserve_ids_up_to(Comment, highest(Comment))

    def scan(self, source: IO[bytes]) -> Scan:
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

    def _import(self, source: IO[bytes], scan: Scan) -> None:
        self.fallback_date = parse_rfc822(scan.channel.pub_date) or self.fallback_date
        self._import_authors(scan.authors)
        terms = declared_once(scan.terms)
        self._import_categories([term for term in terms if term.taxonomy == "category"])
        self._import_tags([term for term in terms if term.taxonomy == "post_tag"])
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
                f"{item.post_type.title()} {item.title!r}: its ID {shown_id(item.post_id)} is too large to keep "
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
        if item.post_id > LARGEST_RESERVED_ID:
            self.report.note(unreserved_note(item.post_type.title(), item.post_id))
        return True

    # Files written during a run that did not commit

    def _delete_stored_files(self) -> None:
        from django.core.files.storage import default_storage

        for name in self.stored_files:
            default_storage.delete(name)
        self.stored_files = []
