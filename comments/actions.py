"""What moderators do to comments, shared by the admin and the one-click links in moderation emails.

Every change of status goes through here so that the emails owed when a comment becomes visible
(post author, thread subscribers) are sent exactly once, after the transaction commits.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import notifications, threads
from .models import Action, Comment, DiscussionSettings

# Action -> the Comment method that performs it (each returns whether the status changed).
_METHODS = {
    Action.APPROVE: Comment.approve,
    Action.UNAPPROVE: Comment.unapprove,
    Action.SPAM: Comment.mark_spam,
    Action.NOT_SPAM: Comment.mark_not_spam,
    Action.TRASH: Comment.trash,
    Action.RESTORE: Comment.restore,
}


def can_moderate(user: Any) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.has_perm("comments.moderate_comment")))


def apply_action(*, comments: Iterable[Comment], action: str) -> list[Comment]:
    """Apply one action to each comment; returns those whose status changed.

    Comments that became approved are announced (post author, subscribers) once the transaction commits.
    """
    perform = _METHODS[Action(action)]
    with transaction.atomic():
        changed = [comment for comment in comments if perform(comment)]
        approved_ids = [comment.pk for comment in changed if comment.status == Comment.Status.APPROVED]
        if approved_ids:
            transaction.on_commit(lambda: notifications.comments_approved(approved_ids))
    return changed


def delete_permanently(*, comments: Iterable[Comment]) -> tuple[int, int]:
    """Delete comments; one that still has replies is emptied and kept as "This comment was deleted."

    Deleting a parent row would cascade to its replies and tear the thread apart, so its content and
    personal data go but its place stays. Returns (deleted, kept as placeholders).
    """
    deleted = kept = 0
    with transaction.atomic():
        # Deepest first: replies deleted in the same batch no longer hold their parent in place.
        for comment in sorted(comments, key=lambda comment: -comment.depth):
            if Comment.objects.filter(parent_id=comment.pk).exists():
                comment.empty()
                kept += 1
            else:
                comment.delete()
                deleted += 1
    return deleted, kept


def reply_as_moderator(*, parent: Comment, user: Any, body: str) -> Comment:
    """A moderator's reply from the admin: approved at once, and it approves the comment it answers.

    At the site's maximum depth the reply joins the parent's level instead, by the same rule as a reader's
    reply (threads.place_reply).
    """
    place = threads.place_reply(parent, max_depth=DiscussionSettings.load().max_depth)
    attach_to: Comment | None = parent
    if place.parent_pk is None:
        attach_to = None
    elif place.parent_pk != parent.pk:
        attach_to = Comment.objects.filter(pk=place.parent_pk).first()
    with transaction.atomic():
        if parent.status != Comment.Status.APPROVED:
            apply_action(comments=[parent], action=Action.APPROVE)
        reply = Comment(
            post_id=parent.post_id,
            page_id=parent.page_id,
            parent=attach_to,
            user=user,
            author_name=user.get_full_name() or user.get_username(),
            author_email=user.email,
            body=body.strip(),
            status=Comment.Status.APPROVED,
            created_at=timezone.now(),
        )
        reply.save()
        transaction.on_commit(lambda: notifications.comment_posted(reply))
    return reply
