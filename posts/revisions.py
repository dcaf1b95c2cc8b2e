"""Never lose writing: a revision for each saved version of a post, an autosave beside it, and a readable diff.

A revision is kept whenever the words of a post change (title, excerpt or body) through the admin; restoring
one saves its words as the post's current version (itself a new revision, so a restore can be undone). An
autosave is one row per post and person that the editor's script refreshes every 30 seconds and on leaving:
it never touches the post, and is offered for restore when its author opens the post again.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from posts.models import Autosave, Post, Revision

WORDS_FIELDS = ("title", "excerpt", "body")
# Revisions kept per post: the newest; older ones go (WordPress keeps all, which grows without end).
MAX_REVISIONS = 100


def record_revision(*, post: Post, user) -> Revision | None:
    """Keep the post's current words as a revision, unless the newest revision already has them."""
    latest = post.revisions.first()
    if latest is not None and latest.same_words_as(post):
        return None
    revision = Revision.objects.create(post=post, author=user, title=post.title, excerpt=post.excerpt, body=post.body)
    stale = post.revisions.values_list("pk", flat=True)[MAX_REVISIONS:]
    Revision.objects.filter(pk__in=list(stale)).delete()
    return revision


@transaction.atomic
def restore_revision(*, revision: Revision, user) -> Post:
    """Make a revision's words the post's current version; the version replaced stays in the history."""
    post = Post.objects.select_for_update().get(pk=revision.post_id)
    record_revision(post=post, user=user)  # the current words, in case they were saved outside the admin
    post.title, post.excerpt, post.body = revision.title, revision.excerpt, revision.body
    post.save()
    record_revision(post=post, user=user)
    Autosave.objects.filter(post=post, user=user).delete()
    return post


def save_autosave(*, post: Post | None, user, title: str, excerpt: str, body: str) -> Autosave:
    """Keep what ``user`` is typing into ``post`` (or into a new post) without touching the post."""
    fields = {"title": title[:300], "excerpt": excerpt, "body": body, "saved_at": timezone.now()}
    try:
        with transaction.atomic():
            autosave, _ = Autosave.objects.update_or_create(post=post, user=user, defaults=fields)
    except IntegrityError:
        # Two autosaves at once (the 30-second one and the one on leaving): the other one created the row.
        Autosave.objects.filter(post=post, user=user).update(**fields)
        autosave = Autosave.objects.get(post=post, user=user)
    return autosave


def autosave_to_offer(*, post: Post | None, user) -> Autosave | None:
    """The person's autosave of this post if it holds words the saved post does not (else it is dropped)."""
    autosave = Autosave.objects.filter(post=post, user=user).first()
    if autosave is None:
        return None
    if post is None:
        return autosave if any(getattr(autosave, name).strip() for name in WORDS_FIELDS) else None
    if not autosave.differs_from(post) or autosave.saved_at < post.updated_at:
        # Already saved, or older than the saved version (someone saved since): nothing to offer.
        autosave.delete()
        return None
    return autosave


def discard_autosave(*, post: Post | None, user) -> None:
    Autosave.objects.filter(post=post, user=user).delete()


# -- a readable diff -------------------------------------------------------------------------------

TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffLine:
    """One line of a side-by-side comparison: its kind and the old and new line as safe HTML."""

    kind: str  # "same", "changed", "removed" or "added"
    old: str
    new: str


def _marked_words(old: str, new: str) -> tuple[str, str]:
    """Two versions of a line as HTML, the words that differ wrapped in <del> and <ins>."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    old_parts, new_parts = [], []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "equal":
            old_parts.append(format_html("{}", before))
            new_parts.append(format_html("{}", after))
            continue
        if before:
            old_parts.append(format_html("<del>{}</del>", before))
        if after:
            new_parts.append(format_html("<ins>{}</ins>", after))
    # Every part was escaped by format_html.
    return mark_safe("".join(old_parts)), mark_safe("".join(new_parts))  # noqa: S308


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """Line by line, with changed lines paired and their changed words marked; unchanged runs kept whole."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [DiffLine("same", format_html("{}", line), format_html("{}", line)) for line in old_lines[i1:i2]]
            continue
        removed, added = old_lines[i1:i2], new_lines[j1:j2]
        for index in range(max(len(removed), len(added))):
            before = removed[index] if index < len(removed) else None
            after = added[index] if index < len(added) else None
            if before is not None and after is not None:
                rows.append(DiffLine("changed", *_marked_words(before, after)))
            elif before is not None:
                rows.append(DiffLine("removed", format_html("<del>{}</del>", before), ""))
            else:
                rows.append(DiffLine("added", "", format_html("<ins>{}</ins>", after)))
    return rows


@dataclass(frozen=True)
class FieldDiff:
    label: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


def compare(old, new) -> list[FieldDiff]:
    """Title, excerpt and body of two versions (revisions, autosaves or posts), compared field by field."""
    return [
        FieldDiff(label, diff_lines(getattr(old, name), getattr(new, name)))
        for name, label in (("title", "Title"), ("excerpt", "Excerpt"), ("body", "Body"))
    ]


def summary(diffs: list[FieldDiff]) -> str:
    """ "Title and body changed" for the list of revisions."""
    changed = [diff.label.lower() for diff in diffs if diff.changed]
    if not changed:
        return "No change in the words"
    return (
        ", ".join(changed[:-1]) + " and " + changed[-1] if len(changed) > 1 else changed[0]
    ).capitalize() + " changed"
