"""What moderators do to comments, shared by the admin and the one-click links in moderation emails.

Every change of status goes through here so that the emails owed when a comment becomes visible
(post author, thread subscribers) are sent exactly once, after the transaction commits.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import links, outbox, tasks, threads
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
    """May this person moderate every discussion (editors, administrators)?"""
    return bool(user and user.is_active and (user.is_superuser or user.has_perm("comments.moderate_comment")))


def can_moderate_comment(user: AbstractBaseUser | None, comment: Comment) -> bool:
    """Moderators moderate every comment; a post's author those under their own post, if the settings allow."""
    if can_moderate(user):
        return True
    return bool(
        user
        and user.is_active
        and comment.post is not None
        and comment.post.author_id == user.pk
        and DiscussionSettings.load().authors_moderate_own_posts
    )


def apply_action(*, comments: Iterable[Comment], action: str) -> list[Comment]:
    """Apply one action to each comment; returns those whose status changed.

    Comments that became approved are announced (post author, subscribers) once the transaction commits.
    """
    perform = _METHODS[Action(action)]
    with transaction.atomic():
        changed = [comment for comment in comments if perform(comment)]
        approved_ids = [comment.pk for comment in changed if comment.status == Comment.Status.APPROVED]
        if approved_ids:
            outbox.enqueue_on_commit(tasks.comments_approved, approved_ids)
    return changed


# What a comment's status becomes by each action a moderation email offers.
_EMAIL_LINK_RESULTS = {
    Action.APPROVE: Comment.Status.APPROVED,
    Action.SPAM: Comment.Status.SPAM,
    Action.TRASH: Comment.Status.TRASH,
}


class LinkOutcome(StrEnum):
    DONE = "done"
    ALREADY = "already"  # the comment is already where the link would put it
    MODERATED_SINCE = "moderated-since"  # someone moved it elsewhere after the email was sent
    USED = "used"  # this very link acted before


def email_link_state(*, comment: Comment, link: links.ModerationLink) -> LinkOutcome | None:
    """Why a moderation link can no longer act on `comment`, or None while it may."""
    if comment.status == link.sent_status:
        return None
    if comment.status == _EMAIL_LINK_RESULTS[link.action]:
        return LinkOutcome.ALREADY
    return LinkOutcome.MODERATED_SINCE


def apply_email_link(*, link: links.ModerationLink) -> LinkOutcome:
    """One-click moderation from an email: acts only while the comment is still in the status the email was
    sent for, and only once per link (a stale Approve must never undo a moderator's later Trash)."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=link.comment_id)
        if stale := email_link_state(comment=comment, link=link):
            return stale
        # Remembered in the shared cache for as long as the link is valid; `add` is atomic.
        if not cache.add(f"comments:used-link:{link.digest}", True, timeout=int(links.LINK_MAX_AGE.total_seconds())):
            return LinkOutcome.USED
        apply_action(comments=[comment], action=link.action)
    return LinkOutcome.DONE


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
        outbox.enqueue_on_commit(tasks.comment_posted, reply.pk)
    return reply
