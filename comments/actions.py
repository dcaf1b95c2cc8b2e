"""What moderators do to comments, shared by the admin and the one-click links in moderation emails.

Every change of status goes through here so that the emails owed when a comment becomes visible
(post author, thread subscribers) are sent exactly once, after the transaction commits.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import models, transaction
from django.utils import timezone

from posts import pagecache

from . import notifications
from .models import Comment, DiscussionSettings


class Action(models.TextChoices):
    APPROVE = "approve", "Approve"
    UNAPPROVE = "unapprove", "Unapprove"
    SPAM = "spam", "Mark as spam"
    NOT_SPAM = "not_spam", "Not spam"
    TRASH = "trash", "Move to Trash"
    RESTORE = "restore", "Restore"


# Action -> the Comment method that performs it (each returns whether the status changed).
_METHODS = {
    Action.APPROVE: Comment.approve,
    Action.UNAPPROVE: Comment.unapprove,
    Action.SPAM: Comment.mark_spam,
    Action.NOT_SPAM: Comment.mark_not_spam,
    Action.TRASH: Comment.trash,
    Action.RESTORE: Comment.restore,
}

# The actions a moderation email offers as one-click links.
EMAIL_LINK_ACTIONS = (Action.APPROVE, Action.SPAM, Action.TRASH)
LINK_SALT = "comments.moderation-link"
LINK_MAX_AGE = timedelta(days=7)


def can_moderate(user: AbstractBaseUser | None) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.has_perm("comments.moderate_comment")))


def moderate(*, comments: Iterable[Comment], action: str) -> list[Comment]:
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
                _empty(comment)
                kept += 1
            else:
                comment.delete()
                deleted += 1
    return deleted, kept


def _empty(comment: Comment) -> None:
    comment.body = comment.body_html = ""
    comment.author_email = comment.author_url = comment.author_avatar_url = comment.user_agent = ""
    comment.ip_address = None
    comment.user = None
    comment.is_removed = True
    Comment.objects.filter(pk=comment.pk).update(
        body="",
        body_html="",
        author_email="",
        author_url="",
        author_avatar_url="",
        user_agent="",
        ip_address=None,
        user=None,
        is_removed=True,
    )
    pagecache.invalidate()  # a queryset update sends no signal


def reply_as_moderator(*, parent: Comment, user: AbstractBaseUser, body: str) -> Comment:
    """A moderator's reply from the admin: approved at once, and it approves the comment it answers.

    At the site's maximum depth the reply joins the parent's level instead, as the "Reply" link on the
    site would not be offered there.
    """
    max_depth = DiscussionSettings.load().thread_depth
    with transaction.atomic():
        if parent.status != Comment.Status.APPROVED:
            moderate(comments=[parent], action=Action.APPROVE)
        attach_to = parent
        while attach_to.depth >= max_depth and attach_to.parent_id:
            attach_to = attach_to.parent
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


def link_token(*, comment: Comment, action: str, moderator: AbstractBaseUser) -> str:
    """Signed one-click moderation link for one moderator: it names the comment, the action and who acts."""
    return signing.dumps({"c": comment.pk, "a": str(action), "m": moderator.pk}, salt=LINK_SALT)


def read_link_token(token: str) -> tuple[int, Action, int]:
    """(comment id, action, moderator id); raises BadSignature / SignatureExpired when forged or stale."""
    data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    try:
        action = Action(data["a"])
    except (KeyError, ValueError) as error:
        raise signing.BadSignature("Unknown moderation action.") from error
    if action not in EMAIL_LINK_ACTIONS:
        raise signing.BadSignature("Not an action offered by email.")
    return int(data["c"]), action, int(data["m"])
