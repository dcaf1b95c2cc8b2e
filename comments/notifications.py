"""Email about comments and posts. Runs after the transaction commits; never blocks or fails a request.

Who hears what:

- moderators (superusers and holders of ``comments.moderate_comment``), when a comment waits:
  signed one-click approve / spam / trash links;
- the post's (or page's) author, when a comment on their post is approved (setting ``notify_post_author``),
  never about their own comment;
- confirmed subscribers of the thread, when a comment is approved, never about their own comment;
- confirmed new-post subscribers, once, when a post becomes public (``PostAnnouncement``);
- an address that ticked a "Notify me" box, a confirmation request first (double opt-in).

Each message is sent on its own: a bad address or a failing mail server is logged with
``logger.exception`` and never reaches the reader who posted. With ``COMMENTS_EMAIL_IN_BACKGROUND``
(meant for production) delivery happens on a background thread, so the reader never waits for it.
"""

import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from posts.models import Page, Post

from . import app_settings, links, subscriptions
from .links import absolute_url
from .models import Comment, DiscussionSettings, PostAnnouncement, Subscription, discussion_kind, target_lookup

logger = logging.getLogger(__name__)

# A post published longer ago than this is never announced: imports and old posts stay quiet.
ANNOUNCE_WITHIN = timedelta(days=7)


def _never_raise(function: Callable) -> Callable:
    """Mail is a side effect: whatever goes wrong is logged, never raised into the request that caused it."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:
            logger.exception("Comment email step %s failed", function.__name__)
            return None

    return wrapper


@dataclass
class Letter:
    """One email to one address, rendered from comments/email/<template>.txt and .html."""

    to: str
    subject: str
    template: str
    context: dict = field(default_factory=dict)
    unsubscribe_url: str = ""

    def message(self, connection=None) -> EmailMultiAlternatives:
        context = {
            **self.context,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": self.unsubscribe_url,
        }
        headers = {}
        if self.unsubscribe_url:
            # RFC 2369 + RFC 8058: mail clients offer "Unsubscribe" and POST to it without a page.
            headers["List-Unsubscribe"] = f"<{self.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        subject = " ".join(f"[{settings.SITE_NAME}] {self.subject}".split())  # no newlines in a header
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"comments/email/{self.template}.txt", context),
            to=[self.to],
            headers=headers,
            connection=connection,
        )
        message.attach_alternative(render_to_string(f"comments/email/{self.template}.html", context), "text/html")
        return message


def send_letters(letters: list[Letter]) -> int:
    """Write each letter now (the database is at hand), then deliver them one by one.

    With ``COMMENTS_EMAIL_IN_BACKGROUND`` (production) the delivery runs on a background thread, so a
    slow or hung mail server never holds up the reader's response; returns how many were handed over.
    Without it (development, tests) they are delivered here; returns how many went out.
    """
    messages = []
    for letter in letters:
        try:
            messages.append(letter.message(connection=None))
        except Exception:
            logger.exception("Could not write the email to %s (%s)", letter.to, letter.subject)
    if not messages:
        return 0
    if app_settings.EMAIL_IN_BACKGROUND:
        _pending.append(_mail_thread().submit(deliver, messages))
        return len(messages)
    return deliver(messages)


def deliver(messages: list[EmailMultiAlternatives]) -> int:
    """Send each message separately over one connection; a failure is logged and the rest still go."""
    sent = 0
    try:
        with get_connection() as connection:
            for message in messages:
                try:
                    sent += connection.send_messages([message]) or 0
                except Exception:
                    logger.exception("Could not email %s (%s)", ", ".join(message.to), message.subject)
    except Exception:
        logger.exception("Could not reach the mail server; %d of %d emails sent", sent, len(messages))
    return sent


_executor: ThreadPoolExecutor | None = None
_pending: list[Future] = []


def _mail_thread() -> ThreadPoolExecutor:
    # One worker: emails go out in order, and a slow server is never hit by many connections at once.
    # Its thread is joined when the interpreter exits, so a management command's emails still go out.
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="comment-mail")
    _pending[:] = [future for future in _pending if not future.done()]
    return _executor


def wait_for_background_mail(timeout: float | None = None) -> int:
    """Block until emails handed to the background thread are delivered; returns how many were sent."""
    done = [future.result(timeout=timeout) for future in list(_pending)]
    _pending.clear()
    return sum(done)


# Entry points -----------------------------------------------------------------------------------


@_never_raise
def comment_posted(comment: Comment, *, notify_comments: bool = False, notify_posts: bool = False) -> None:
    """A reader posted (or edited) a comment: tell moderators, the post's author and subscribers.

    Called by the posting service inside ``transaction.on_commit``, for a new comment and for an edit
    that changed its visibility (an edit held again asks the moderators again; an edit that became
    visible is announced). An approved comment edited in place is not passed here, so not re-announced.
    """
    fresh = Comment.objects.select_related("post__author", "page__author", "user").filter(pk=comment.pk).first()
    if fresh is None:
        return
    comment = fresh
    if comment.status in (Comment.Status.APPROVED, Comment.Status.PENDING):
        # A comment that went to spam or trash must not make us mail the address it typed.
        if notify_comments:
            _subscribe(comment, kind=Subscription.Kind.COMMENTS, post=comment.target)
        if notify_posts:
            _subscribe(comment, kind=Subscription.Kind.POSTS, post=None)
    if comment.status == Comment.Status.PENDING:
        _ask_moderators(comment)
    elif comment.status == Comment.Status.APPROVED:
        _announce_comment(comment)


@_never_raise
def comments_approved(comment_ids: list[int]) -> None:
    """Moderators approved held comments: the post's author and the thread's subscribers hear now."""
    for comment in Comment.objects.select_related("post__author", "page__author", "user").filter(
        pk__in=comment_ids, status=Comment.Status.APPROVED
    ):
        _announce_comment(comment)


@_never_raise
def announce_post(post: Post) -> int:
    """Email confirmed new-post subscribers about a public post, once ever; returns how many were sent."""
    if not is_announceable(post):
        return 0
    try:
        with transaction.atomic():
            _, created = PostAnnouncement.objects.get_or_create(post=post)
    except IntegrityError:  # another process is announcing it right now
        return 0
    if not created:
        return 0
    post_url = absolute_url(post.get_absolute_url())
    author_email = (post.author.email or "").lower()
    letters = [
        Letter(
            to=subscription.email,
            subject=f"New post: “{post.title}”",
            template="new_post",
            context={"post": post, "post_url": post_url},
            unsubscribe_url=links.unsubscribe_url(subscription),
        )
        for subscription in Subscription.objects.filter(
            kind=Subscription.Kind.POSTS, confirmed_at__isnull=False
        ).order_by("pk")
        if subscription.email != author_email
    ]
    return send_letters(letters)


def announceable_posts():
    """The one rule for posts subscribers hear about: public, recent, and not imported from WordPress.

    Old and imported posts must not flood subscribers; whether one was already announced is PostAnnouncement's.
    """
    return Post.objects.published().filter(legacy_id__isnull=True, published_at__gte=timezone.now() - ANNOUNCE_WITHIN)


def is_announceable(post: Post) -> bool:
    """`announceable_posts()` for one post in hand."""
    return post.is_public and announceable_posts().filter(pk=post.pk).exists()


def post_saved(sender, instance: Post, created: bool = False, raw: bool = False, **kwargs) -> None:
    """post_save receiver: a post saved as public now is announced after the transaction commits."""
    if raw or not is_announceable(instance):
        return
    post_id = instance.pk
    transaction.on_commit(lambda: _announce_post_by_id(post_id))


def _announce_post_by_id(post_id: int) -> None:
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is not None:
        announce_post(post)


# Building the letters ---------------------------------------------------------------------------


def moderators():
    """Active users who may moderate and have an address: superusers and holders of the permission."""
    has_permission = Q(
        user_permissions__codename="moderate_comment", user_permissions__content_type__app_label="comments"
    ) | Q(groups__permissions__codename="moderate_comment", groups__permissions__content_type__app_label="comments")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | has_permission)
        .distinct()
        .order_by("pk")
    )


def _ask_moderators(comment: Comment) -> None:
    if not DiscussionSettings.load().notify_moderators:
        return
    own_email = (comment.author_email or "").lower()
    waiting = Comment.objects.filter(status=Comment.Status.PENDING).count()
    context = {
        "comment": comment,
        "post": comment.target,
        "target_noun": discussion_kind(comment.target),
        "comment_url": absolute_url(links.comment_url(comment)),
        "admin_url": absolute_url(links.admin_comment_url(comment)),
        "queue_url": absolute_url(links.moderation_queue_url()),
        "waiting": waiting,
        "edited": comment.edited_at is not None,
    }
    letters = []
    for moderator in moderators():
        if moderator.email.lower() == own_email:
            continue
        letters.append(
            Letter(
                to=moderator.email,
                subject=f"Please moderate: “{comment.target.title}”",
                template="moderate",
                context={
                    **context,
                    "links": links.moderation_links(comment, moderator=moderator),
                    "moderator": moderator,
                },
            )
        )
    send_letters(letters)


def _announce_comment(comment: Comment) -> None:
    """A comment became visible: the author of the post or page (setting) and the thread's subscribers hear of it."""
    post = comment.target
    if comment.is_removed or not post.is_public:
        return
    already = {email.lower() for email in (comment.author_email, comment.user.email if comment.user else "") if email}
    context = {
        "comment": comment,
        "post": post,
        "target_noun": discussion_kind(comment.target),
        "comment_url": absolute_url(links.comment_url(comment)),
        "post_url": absolute_url(post.get_absolute_url()),
    }
    letters = []
    author = post.author  # a page may have none
    if (
        DiscussionSettings.load().notify_post_author
        and author is not None
        and author.email
        and author.is_active
        and comment.user_id != author.pk
        and author.email.lower() not in already
    ):
        already.add(author.email.lower())
        letters.append(
            Letter(
                to=author.email,
                subject=f"New comment on “{post.title}”",
                template="new_comment_author",
                context={
                    **context,
                    "admin_url": absolute_url(links.admin_comment_url(comment)),
                },
            )
        )
    thread_subscriptions = Subscription.objects.filter(
        kind=Subscription.Kind.COMMENTS, confirmed_at__isnull=False, **target_lookup(post)
    ).order_by("pk")
    for subscription in thread_subscriptions:
        if subscription.email.lower() in already:
            continue
        already.add(subscription.email.lower())
        letters.append(
            Letter(
                to=subscription.email,
                subject=f"New comment on “{post.title}”",
                template="new_comment_subscriber",
                context=context,
                unsubscribe_url=links.unsubscribe_url(subscription),
            )
        )
    send_letters(letters)


def _subscribe(comment: Comment, *, kind: str, post: Post | Page | None) -> None:
    request = subscriptions.subscribe(email=comment.author_email, kind=kind, post=post, user=comment.user)
    if request is not None and request.needs_confirmation:
        send_confirmation(request.subscription)


def send_confirmation(subscription: Subscription) -> int:
    """Double opt-in: ask the address to confirm before it gets anything else."""
    post = subscription.target
    what = f"new comments on “{post.title}”" if post else "new posts"
    return send_letters(
        [
            Letter(
                to=subscription.email,
                subject=f"Please confirm: {what}",
                template="confirm_subscription",
                context={
                    "subscription": subscription,
                    "post": post,
                    "what": what,
                    "confirm_url": links.confirmation_url(subscription),
                    "valid_days": links.CONFIRM_MAX_AGE.days,
                },
            )
        ]
    )
