"""Where a comment is shown and how it is reached: URLs, comment pages, absolute links and signed email links.

Read helpers only. Nothing here changes data, so every other module of the app (services, notifications,
actions, feeds, the admin, templates) can import this one without an import cycle.
"""

import bisect
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.urls import reverse

from posts.models import Page, Post

from .models import Action, Comment, DiscussionSettings, Subscription

# The actions a moderation email offers as one-click links.
EMAIL_LINK_ACTIONS = (Action.APPROVE, Action.SPAM, Action.TRASH)
LINK_SALT = "comments.moderation-link"
LINK_MAX_AGE = timedelta(days=7)
CONFIRM_SALT = "comments.subscription.confirm"
UNSUBSCRIBE_SALT = "comments.subscription.unsubscribe"
# A confirmation request goes stale; an unsubscribe link must keep working in old emails forever.
CONFIRM_MAX_AGE = timedelta(days=7)


# Absolute addresses ------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    """The one rule for links that leave the site (emails, feeds): the canonical origin SITE_URL plus `path`.

    There is no request to ask for the host when an email is written after commit, and a feed must not
    link to whatever Host header a client sent.
    """
    return f"{settings.SITE_URL}{path}"


# Where a comment is shown ------------------------------------------------------------------------


def posting_url(target: Post | Page) -> str:
    """Where the comment form of a post or page is sent."""
    if isinstance(target, Page):
        return reverse("comments:page", kwargs={"page_id": target.pk})
    return reverse("comments:post", kwargs={"post_id": target.pk})


def comment_page_url(post: Post | Page, page: int) -> str:
    """The address of the `page`th comment page of a post (the post itself for the first page)."""
    if page <= 1 or not isinstance(post, Post):
        return post.get_absolute_url()
    return reverse("comments:post_page", kwargs={**post.permalink_kwargs(), "comment_page": page})


def pages_of(comments: Iterable[Comment], *, discussion: DiscussionSettings) -> dict[int, int]:
    """The comment page of each comment, in one query whatever their number (none with pages off).

    A page holds `comments_per_page` public top-level comments; a comment is on the page where the top of
    its thread falls among them (a held one too: its author sees it there, and moderators are sent there).
    """
    comments = list(comments)
    per_page = discussion.comments_per_page
    paged = [comment for comment in comments if comment.post_id]  # static pages show their whole thread
    pages = dict.fromkeys((comment.pk for comment in comments), 1)
    if not per_page or not paged:
        return pages
    roots: dict[int, list[str]] = {}
    for post_id, path in (
        Comment.objects.public()
        .filter(post_id__in={comment.post_id for comment in paged}, parent__isnull=True)
        .values_list("post_id", "thread_path")
    ):
        roots.setdefault(post_id, []).append(path)
    for paths in roots.values():
        paths.sort()
    newest_first = discussion.comment_order == DiscussionSettings.Order.NEWEST_FIRST
    for comment in paged:
        paths = roots.get(comment.post_id, []) if comment.post_id else []
        root_path = comment.thread_path.split("/")[0]
        before = (
            len(paths) - bisect.bisect_right(paths, root_path) if newest_first else bisect.bisect_left(paths, root_path)
        )
        pages[comment.pk] = before // per_page + 1
    return pages


def comment_urls(comments: Iterable[Comment], *, discussion: DiscussionSettings | None = None) -> dict[int, str]:
    """The address that shows each comment (by primary key): its post's comment page, or its static page, and anchor.

    The one rule for links to a comment (the redirect after posting, emails, feeds, the admin), in a constant
    number of queries for any number of comments. `Comment.get_absolute_url()` stays the page-less anchor.
    """
    comments = list(comments)
    pages = pages_of(comments, discussion=discussion or DiscussionSettings.load())
    return {
        comment.pk: f"{comment_page_url(comment.target, pages[comment.pk])}#{comment.anchor}" for comment in comments
    }


def comment_url(comment: Comment, *, discussion: DiscussionSettings | None = None) -> str:
    """The address that shows the comment: its post (or comment page) or static page, and its anchor."""
    return comment_urls([comment], discussion=discussion)[comment.pk]


def admin_comment_url(comment: Comment) -> str:
    """The comment's page in the moderation desk (a path; emails make it absolute)."""
    return reverse("admin:comments_comment_change", args=[comment.pk])


def moderation_queue_url() -> str:
    """The moderation desk filtered to the comments that wait."""
    return reverse("admin:comments_comment_changelist") + "?comment_status=pending"


# Signed links in emails --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModerationLink:
    """What a one-click moderation link says: which comment, what to do, who acts, and the comment's status
    when the email was sent (the link acts only while the comment is still in that status)."""

    comment_id: int
    action: Action
    moderator_id: int
    sent_status: str
    token: str

    @property
    def digest(self) -> str:
        """A short fingerprint of the link, to remember that it was used."""
        return hashlib.sha256(self.token.encode()).hexdigest()


def link_token(*, comment: Comment, action: str, moderator: AbstractBaseUser) -> str:
    """Signed one-click moderation link for one moderator: the comment, the action, who acts, the status seen."""
    return signing.dumps({"c": comment.pk, "a": str(action), "m": moderator.pk, "s": comment.status}, salt=LINK_SALT)


def read_link_token(token: str) -> ModerationLink:
    """The link's content; raises BadSignature / SignatureExpired when forged or stale."""
    data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    try:
        action = Action(data["a"])
        # Links signed before the status was part of them were only ever sent for held comments.
        sent_status = Comment.Status(data.get("s", Comment.Status.PENDING))
        comment_id, moderator_id = int(data["c"]), int(data["m"])
    except (KeyError, ValueError, TypeError) as error:
        raise signing.BadSignature("Unknown moderation action.") from error
    if action not in EMAIL_LINK_ACTIONS:
        raise signing.BadSignature("Not an action offered by email.")
    return ModerationLink(comment_id, action, moderator_id, sent_status, token)


def moderation_links(comment: Comment, *, moderator: AbstractBaseUser) -> dict[str, str]:
    """The absolute one-click links (approve, spam, trash) of one moderator's email about `comment`."""
    return {
        str(action): absolute_url(
            reverse("comments:moderation_link", args=[link_token(comment=comment, action=action, moderator=moderator)])
        )
        for action in EMAIL_LINK_ACTIONS
    }


def confirmation_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=CONFIRM_SALT)


def read_confirmation_token(token: str) -> tuple[int, str]:
    """(subscription id, email); raises BadSignature / SignatureExpired when forged or stale."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    return data["s"], data["e"]


def confirmation_url(subscription: Subscription) -> str:
    """The absolute link that confirms a subscription (double opt-in)."""
    return absolute_url(reverse("comments:confirm_subscription", args=[confirmation_token(subscription)]))


def unsubscribe_token(subscription: Subscription) -> str:
    # Signed by what it stops, not by row id, so a link keeps working if the address re-subscribes.
    data = {"e": subscription.email, "k": subscription.kind, "p": subscription.post_id}
    if subscription.page_id:
        data["g"] = subscription.page_id  # only on page threads: links in older emails keep their form
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> dict:
    """{"email", "kind", "post_id", "page_id"} of an unsubscribe link; raises BadSignature when tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return {"email": data["e"], "kind": data["k"], "post_id": data["p"], "page_id": data.get("g")}


def unsubscribe_url(subscription: Subscription) -> str:
    """The absolute one-click unsubscribe link of an email sent for `subscription`."""
    return absolute_url(reverse("comments:unsubscribe", args=[unsubscribe_token(subscription)]))
