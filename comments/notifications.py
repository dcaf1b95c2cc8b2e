"""Email about comments and posts. Runs after the transaction commits; never blocks or fails a request.

Who hears what:

- moderators (superusers and holders of ``comments.moderate_comment``), when a comment waits:
  signed one-click approve / spam / trash links;
- the post's (or page's) author, when a comment on their post is approved (setting ``notify_post_author``),
  never about their own comment;
- confirmed subscribers of the thread, when a comment is approved, never about their own comment;
- confirmed new-post subscribers, once, when a post becomes public (``PostAnnouncement``);
- an address that ticked a "Notify me" box, a confirmation request first (double opt-in).

Nothing here runs on a request: the tasks of comments/tasks.py call these functions on a worker, and each
message goes out as a ``send_email`` task of its own (retried with backoff; kept for administrators when the
mail server never takes it), so a bad address or a failing mail server never reaches the reader who posted.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from posts.models import Page, Post

from . import links, outbox, subscriptions
from .links import absolute_url
from .models import Comment, DiscussionSettings, PostAnnouncement, Subscription, discussion_kind, target_lookup

logger = logging.getLogger(__name__)

# A post published longer ago than this is never announced: imports and old posts stay quiet.
ANNOUNCE_WITHIN = timedelta(days=7)


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
    """Write each letter now (the database is at hand) and queue one ``send_email`` task per message.

    Returns how many were queued; a letter that cannot even be written is logged and skipped.
    """
    queued = 0
    for letter in letters:
        try:
            message = letter.message()
            html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
            payload = {
                "to": letter.to,
                "subject": message.subject,
                "body": message.body,
                "html": html,
                "headers": message.extra_headers,
            }
        except Exception:
            logger.exception("Could not write the email to %s (%s)", letter.to, letter.subject)
            continue
        outbox.send_email.enqueue(payload)
        queued += 1
    return queued


# Entry points -----------------------------------------------------------------------------------


def comment_posted(comment_id: int, *, notify_comments: bool = False, notify_posts: bool = False) -> int:
    """A reader posted (or edited) a comment: tell moderators, the post's author and subscribers.

    Queued by the posting service after commit (``tasks.comment_posted``), for a new comment and for an edit
    that changed its visibility (an edit held again asks the moderators again; an edit that became
    visible is announced). An approved comment edited in place is not passed here, so not re-announced.
    Returns how many emails were queued.
    """
    comment = Comment.objects.select_related("post__author", "page__author", "user").filter(pk=comment_id).first()
    if comment is None:
        return 0
    queued = 0
    if comment.status in (Comment.Status.APPROVED, Comment.Status.PENDING):
        # A comment that went to spam or trash must not make us mail the address it typed.
        if notify_comments:
            queued += _subscribe(comment, kind=Subscription.Kind.COMMENTS, post=comment.target)
        if notify_posts:
            queued += _subscribe(comment, kind=Subscription.Kind.POSTS, post=None)
    if comment.status == Comment.Status.PENDING:
        queued += _ask_moderators(comment)
    elif comment.status == Comment.Status.APPROVED:
        queued += _announce_comment(comment)
    return queued


def comments_approved(comment_ids: list[int]) -> int:
    """Moderators approved held comments: the post's author and the thread's subscribers hear now."""
    return sum(
        _announce_comment(comment)
        for comment in Comment.objects.select_related("post__author", "page__author", "user").filter(
            pk__in=comment_ids, status=Comment.Status.APPROVED
        )
    )


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


def announce_post_by_id(post_id: int) -> int:
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    return announce_post(post) if post is not None else 0


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


def _ask_moderators(comment: Comment) -> int:
    if not DiscussionSettings.load().notify_moderators:
        return 0
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
    return send_letters(letters)


def _announce_comment(comment: Comment) -> int:
    """A comment became visible: the author of the post or page (setting) and the thread's subscribers hear of it."""
    post = comment.target
    if comment.is_removed or not post.is_public:
        return 0
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
    return send_letters(letters)


def _subscribe(comment: Comment, *, kind: str, post: Post | Page | None) -> int:
    request = subscriptions.subscribe(email=comment.author_email, kind=kind, post=post, user=comment.user)
    if request is not None and request.needs_confirmation:
        return send_confirmation(request.subscription)
    return 0


def send_confirmation_by_id(subscription_id: int) -> int:
    subscription = Subscription.objects.filter(pk=subscription_id, confirmed_at__isnull=True).first()
    return send_confirmation(subscription) if subscription is not None else 0


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
