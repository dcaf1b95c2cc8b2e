"""The tree rules of a discussion: thread paths, where a reply goes past the maximum depth, moving a subtree.

Every comment stores a materialised path (``Comment.thread_path``): its ancestors' segments, then its own,
root first. A segment is fixed-width (creation time, then primary key, in base 36), so ``ORDER BY
thread_path`` yields a whole thread depth-first, oldest first, in one query.

Pure functions over paths and depths; this module imports no model, so ``models.py`` can use it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

SEGMENT_WIDTH = 7  # base-36 digits for the timestamp, and again for the primary key
SEGMENT_LENGTH = 2 * SEGMENT_WIDTH
SEPARATOR = "/"
PATH_MAX_LENGTH = 2000  # Comment.thread_path's column
# The deepest a reply is ever stored (WordPress shows at most 10 levels): 100 segments take 1,499 characters,
# well inside the column. A reply to a comment this deep is stored beside it, at this depth.
MAX_STORED_DEPTH = 100
assert MAX_STORED_DEPTH * (SEGMENT_LENGTH + len(SEPARATOR)) - len(SEPARATOR) <= PATH_MAX_LENGTH
# How deep replies are shown and offered "Reply" (the thread depth setting): WordPress's choices, 2 to 10.
THREAD_DEPTHS = range(2, 11)

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


class Placed(Protocol):
    """What the tree rules read of a stored comment."""

    pk: int
    thread_path: str
    depth: int


@dataclass(frozen=True)
class Place:
    """Where a new comment goes: under which comment (None at the top), after which path, at which depth."""

    parent_pk: int | None
    parent_path: str
    depth: int


TOP = Place(parent_pk=None, parent_path="", depth=1)


def _base36(number: int, width: int) -> str:
    out = ""
    while number:
        number, remainder = divmod(number, 36)
        out = _DIGITS[remainder] + out
    return out.rjust(width, "0")


def segment(*, created_at: datetime, pk: int) -> str:
    """A comment's sortable piece of the path: creation time, then primary key, in fixed-width base 36."""
    # Clamped at the epoch: a (bogus) imported date before 1970 must not break the fixed-width key.
    return _base36(max(int(created_at.timestamp()), 0), SEGMENT_WIDTH) + _base36(pk, SEGMENT_WIDTH)


def child_path(parent_path: str, own_segment: str) -> str:
    """The parent's path plus a segment (just the segment at the top level)."""
    return f"{parent_path}{SEPARATOR}{own_segment}" if parent_path else own_segment


def ancestor_path(path: str, depth: int) -> str:
    """The path of the ancestor at `depth` (1 is the top-level comment), read from a path without a query."""
    return SEPARATOR.join(path.split(SEPARATOR)[:depth])


def ancestor_pk(path: str, depth: int) -> int:
    """The primary key of the ancestor at `depth`, read from a path without a query."""
    return int(path.split(SEPARATOR)[depth - 1][SEGMENT_WIDTH:], 36)


def root_segment(path: str) -> str:
    """The top-level comment's segment: which thread a comment belongs to (and so its comment page)."""
    return path.split(SEPARATOR, 1)[0]


def shown_depth(setting: int) -> int:
    """The thread depth setting within WordPress's 2–10, whatever an older version or a shell stored."""
    return min(max(setting, THREAD_DEPTHS.start), THREAD_DEPTHS.stop - 1)


def place_under(*, parent_pk: int | None, parent_path: str, parent_depth: int, max_depth: int) -> Place:
    """Where a reply to the given comment goes when replies nest at most `max_depth` levels.

    Under the comment while it is shallower than `max_depth`; past it, beside the comment at the deepest
    level (under its ancestor at ``max_depth - 1``), as WordPress places a reply sent to a comment whose
    "Reply" link it no longer offers. With one level, every reply is a top-level comment. Never deeper than
    MAX_STORED_DEPTH, so a path always fits its column.
    """
    limit = min(max_depth, MAX_STORED_DEPTH)
    if parent_pk is None or limit <= 1:
        return TOP
    if parent_depth < limit:
        return Place(parent_pk=parent_pk, parent_path=parent_path, depth=parent_depth + 1)
    return Place(
        parent_pk=ancestor_pk(parent_path, limit - 1), parent_path=ancestor_path(parent_path, limit - 1), depth=limit
    )


def place_reply(parent: Placed | None, *, max_depth: int = MAX_STORED_DEPTH) -> Place:
    """`place_under` for a stored comment (or None for a top-level comment)."""
    if parent is None:
        return TOP
    return place_under(
        parent_pk=parent.pk, parent_path=parent.thread_path, parent_depth=parent.depth, max_depth=max_depth
    )


def move_descendants(comments, *, old_path: str, new_path: str, depth_change: int) -> int:
    """Re-root the replies under `old_path` at `new_path` (a comment that moved in its thread takes them along).

    A reply the move would take past MAX_STORED_DEPTH is placed at that depth instead, under the ancestor one
    level up (as `place_under` does for a new reply), so no path outgrows its column. `comments` is the
    Comment manager or a queryset of the discussion; returns how many replies moved.
    """
    descendants = list(comments.filter(thread_path__startswith=f"{old_path}{SEPARATOR}"))
    for descendant in descendants:
        path = new_path + descendant.thread_path[len(old_path) :]
        depth = descendant.depth + depth_change
        if depth > MAX_STORED_DEPTH:
            above = MAX_STORED_DEPTH - 1
            descendant.parent_id = ancestor_pk(path, above)
            path, depth = child_path(ancestor_path(path, above), path.rsplit(SEPARATOR, 1)[-1]), MAX_STORED_DEPTH
        descendant.thread_path, descendant.depth = path, depth
    comments.bulk_update(descendants, ["parent", "thread_path", "depth"], batch_size=500)
    return len(descendants)
