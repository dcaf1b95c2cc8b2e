"""Comments of posts and pages: values, statuses, and threading replies under their parents."""

from __future__ import annotations

from django.db import connection

from comments import threads
from comments.models import Comment
from comments.rendering import render_comment

from .. import wxr
from ..models import ImportedItem
from .base import ImportState
from .values import (
    AUTHOR_NAME_LENGTH,
    EMAIL_LENGTH,
    LARGEST_RESERVED_ID,
    LARGEST_STORABLE_ID,
    URL_LENGTH,
    clean_ip,
    fingerprint_of,
    is_web_address,
    model_field,
    parse_gmt,
    parse_local,
    plain_text,
    shown_id,
    storable_id,
    unreserved_note,
)

THREAD_UPDATE_BATCH = 1000

COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
COMMENT_TYPES = {"pingback": Comment.Type.PINGBACK, "trackback": Comment.Type.TRACKBACK}


def set_thread_positions(rows: list[tuple[int, int | None, str, int]]) -> None:
    """Store (parent, thread path, depth) per comment primary key, a thousand rows per statement.

    ``bulk_update`` builds a CASE expression per row and took most of a 50,000-comment import, and one
    UPDATE per row costs a round trip each on PostgreSQL. ``UPDATE … FROM (VALUES …)`` works on both
    PostgreSQL and SQLite (3.33+), whose VALUES columns are both named column1, column2, …
    """
    quote = connection.ops.quote_name
    meta = Comment._meta
    table = quote(meta.db_table)
    parent, path, depth = (quote(model_field(Comment, name).column) for name in ("parent", "thread_path", "depth"))
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


class CommentsMixin(ImportState):
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
        self.report.comment_statuses[COMMENT_STATUSES.get(comment.approved, comment.approved)] += 1

    def _comment_values(self, comment: wxr.WxrComment, target: tuple[str, int]) -> dict:
        created_at = parse_gmt(comment.date_gmt) or parse_local(comment.date) or self.fallback_date
        user = self.user_by_legacy_id.get(comment.user_id) if comment.user_id else None
        kind, pk = target
        return {
            "post_id": pk if kind == "post" else None,
            "page_id": pk if kind == "page" else None,
            "user_id": user.pk if user is not None else None,
            "author_name": self._fitted(
                plain_text(comment.author), AUTHOR_NAME_LENGTH, f"Comment {comment.legacy_id}: its author's name"
            )
            or "Anonymous",
            "author_email": self._whole(
                comment.author_email, EMAIL_LENGTH, f"Comment {comment.legacy_id}: its author's email"
            ),
            "author_url": self._whole(
                self._web_address(comment), URL_LENGTH, f"Comment {comment.legacy_id}: its author's website"
            ),
            "body": comment.content,
            "status": COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING),
            "type": COMMENT_TYPES.get(comment.type, Comment.Type.COMMENT),
            "ip_address": clean_ip(comment.author_ip),
            "created_at": created_at,
        }

    def _web_address(self, comment: wxr.WxrComment) -> str:
        """The commenter's website, unless it is a javascript:, data: or other non-web address (dropped)."""
        url = comment.author_url.strip()
        if is_web_address(url):
            return url
        self.report.note(
            f"Comment {comment.legacy_id}: its author's website {url[:80]!r} is not a web address; left out."
        )
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
                        problem = f"has the ID {shown_id(comment.legacy_id)}, too large to keep"
                    else:
                        problem = f"repeats ID {comment.legacy_id} in the file"
                    self.report.note(f"A comment on {item.title!r} {problem}; not imported.")
                    continue
                self.seen_comments.add(comment.legacy_id)
                if comment.legacy_id > LARGEST_RESERVED_ID:
                    self.report.note(unreserved_note("Comment", comment.legacy_id))
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
        changed: dict[int, Comment] = {}  # legacy id → a comment of an earlier import that the file changes
        moved: set[int] = set()  # legacy ids of changed comments whose place in their thread is worked out again
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
            stored = existing.get(record.legacy_id)
            fingerprint = fingerprint_of({**values, "parent": parent_id})
            if self._unchanged_since_last_import(ImportedItem.Kind.COMMENT, record.legacy_id, fingerprint) and stored:
                self.report.count("comments", "unchanged")
                continue
            if stored is None:
                new[record.legacy_id] = Comment(
                    **values, body_html=render_comment(record.content), legacy_id=record.legacy_id, thread_path="~"
                )
                continue
            differences = [name for name, value in values.items() if getattr(stored, name) != value]
            old_parent = stored.parent.legacy_id if stored.parent is not None else None
            if differences or old_parent != parent_id:
                for name in differences:
                    setattr(stored, name, values[name])
                if "body" in differences:
                    stored.body_html = render_comment(stored.body)
                if old_parent != parent_id or "created_at" in differences:
                    moved.add(record.legacy_id)
                changed[record.legacy_id] = stored
                self.report.count("comments", "updated")
            else:
                self.report.count("comments", "unchanged")

        if new:
            Comment.objects.bulk_create(list(new.values()), batch_size=500)
            self.report.count("comments", "created", len(new))
        by_legacy = {**known_parents, **existing, **new}
        self._thread(new, changed, moved, parent_of, by_legacy)

    def _thread(
        self,
        new: dict[int, Comment],
        changed: dict[int, Comment],
        moved: set[int],
        parent_of: dict[int, int | None],
        by_legacy: dict[int, Comment],
    ) -> None:
        """Link replies to parents and compute materialised paths, parents before children.

        By legacy id: `new` comments and the `changed` ones of earlier imports (the `moved` among them change
        place), `parent_of` each one's parent, and `by_legacy` every comment they may hang under.
        """
        resolved: dict[int, tuple[int | None, str, int]] = {}  # legacy id → (parent pk, path, depth)

        def settled(legacy_id: int) -> tuple[str, int] | None:
            """(path, depth) of a comment whose place is already known, else None."""
            if legacy_id in resolved:
                return resolved[legacy_id][1:]
            if legacy_id not in new and legacy_id not in moved:
                comment = by_legacy[legacy_id]
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
                    assert above is not None  # the walk up stopped at a placed parent, or placed it just now
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

        for legacy_id in [*new, *(legacy_id for legacy_id in changed if legacy_id in moved)]:
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
        set_thread_positions(rows)
        plain = [comment for legacy_id, comment in changed.items() if legacy_id not in moved]
        reparented = [comment for legacy_id, comment in changed.items() if legacy_id in moved]
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
