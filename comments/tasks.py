"""The comments app's background work (Django Tasks API): what happened, by id, worked out on a worker.

Tasks take ids, never model instances, so any worker on any machine can run them. Each asks
comments/notifications.py who hears of it; every message then leaves through comments/outbox.py (one
``send_email`` task each, retried with backoff). ``post_saved`` queues a post's announcement for the moment it
goes public, so scheduled posts need no cron.
"""

from django.utils import timezone
from django_tasks import task

from posts.models import Post

from . import notifications
from .outbox import QUEUE, enqueue_on_commit
from .outbox import send_email as send_email  # rows queued before it moved name comments.tasks.send_email

# Entry points: what happened, by id. Each works out who hears of it, then queues one send_email each.


@task(queue_name=QUEUE)
def comment_posted(comment_id: int, notify_comments: bool = False, notify_posts: bool = False) -> int:
    """A reader posted (or edited) a comment: moderators, the post's author and subscribers, as the case may be."""
    return notifications.comment_posted(comment_id, notify_comments=notify_comments, notify_posts=notify_posts)


@task(queue_name=QUEUE)
def comments_approved(comment_ids: list[int]) -> int:
    """Moderators approved held comments: the post's author and the thread's subscribers hear now."""
    return notifications.comments_approved(comment_ids)


@task(queue_name=QUEUE)
def announce_post(post_id: int) -> int:
    """A post went public (enqueued to run at its publication time: scheduled posts need no cron)."""
    return notifications.announce_post_by_id(post_id)


@task(queue_name=QUEUE)
def send_confirmation(subscription_id: int) -> int:
    """Double opt-in: ask an address to confirm its subscription."""
    return notifications.send_confirmation_by_id(subscription_id)


def post_saved(sender, instance: Post, created: bool = False, raw: bool = False, **kwargs) -> None:
    """post_save receiver: announce a post once it is public, after the transaction commits.

    A post public now is announced at once; a scheduled one by a task queued to run at its publication time
    (no cron). Rescheduling queues another; whichever runs while the post is public announces it, once.
    """
    if raw or instance.legacy_id is not None or instance.status != Post.Status.PUBLISHED:
        return
    if notifications.is_announceable(instance):
        enqueue_on_commit(announce_post, instance.pk)
    elif instance.published_at > timezone.now():
        enqueue_on_commit(announce_post, instance.pk, run_after=instance.published_at)
