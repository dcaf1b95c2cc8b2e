"""What readers do with comments: read a thread, post, edit and delete their own.

Views stay thin: they turn requests into these keyword-only calls and a refusal
(:class:`CommentRefused`) into a themed page that keeps what the reader typed.
"""

import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Left
from django.utils import timezone

from posts.models import Page, Post

from . import app_settings, outbox, tasks, threads
from .forms import parse_comment_id
from .models import BODY_START_LENGTH, Comment, DiscussionSettings, target_lookup
from .moderation import decide_status

SESSION_KEY = "comments_posted"
SESSION_LIMIT = 50


class CommentRefused(Exception):
    """A comment that cannot be accepted; `message` is shown to the reader, who keeps their text."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CommentsClosed(CommentRefused):
    status_code = 403

    def __init__(self, message: str = "Comments are closed."):
        super().__init__(message)


class PostingTooQuickly(CommentRefused):
    status_code = 429

    def __init__(self, message: str = "You are posting comments too quickly. Slow down."):
        super().__init__(message)


class DuplicateComment(CommentRefused):
    status_code = 409

    def __init__(self, message: str = "Duplicate comment detected; it looks as though you’ve already said that!"):
        super().__init__(message)


class EditWindowClosed(CommentRefused):
    status_code = 403


# Reading ------------------------------------------------------------------------------------------


@dataclass
class ThreadNode:
    """A comment and its displayed replies; `can_reply` is false at the maximum depth."""

    comment: Comment
    children: list["ThreadNode"] = field(default_factory=list)
    can_reply: bool = True
    is_held: bool = False
    can_change: bool = False
    depth: int = 1  # where it is shown: replies deeper than the thread depth are shown at that depth


@dataclass
class Discussion:
    """Everything the discussion template needs, gathered in a constant number of queries."""

    target: Post | Page
    settings: DiscussionSettings
    nodes: list[ThreadNode]
    count: int
    is_open: bool
    page: int = 1
    page_count: int = 1
    reply_to: Comment | None = None

    @property
    def is_paginated(self) -> bool:
        return self.page_count > 1


def own_comment_ids(request) -> list[int]:
    """Comments this browser posted, remembered in the session (held ones, and the edit window)."""
    if request is None or not hasattr(request, "session"):
        return []
    ids = (parse_comment_id(pk) for pk in request.session.get(SESSION_KEY, []))
    return [pk for pk in ids if pk is not None]


def remember_comment(request, comment: Comment) -> None:
    ids = [pk for pk in own_comment_ids(request) if pk != comment.pk] + [comment.pk]
    request.session[SESSION_KEY] = ids[-SESSION_LIMIT:]


def load_discussion(
    *, target: Post | Page, request=None, page: int | None = None, reply_to_id: str | None = None
) -> Discussion:
    """The thread of a post or page, nested, for this reader: one query for the settings, one for the comments.

    The comments come out of the database in display order (ORDER BY thread_path); nesting is
    rebuilt in Python, so a thread of any size and depth costs the same number of queries.
    """
    discussion_settings = DiscussionSettings.load()
    user = getattr(request, "user", None)
    own_ids = set(own_comment_ids(request))
    comments = list(
        Comment.objects.on(target).visible_to_reader(user=user, own_comment_ids=own_ids).order_by("thread_path")
    )
    now = timezone.now()
    by_pk: dict[int, ThreadNode] = {}
    roots: list[ThreadNode] = []
    shown_in: dict[int, list[ThreadNode]] = {}  # the list each shown comment sits in
    max_depth = discussion_settings.max_depth
    for comment in comments:
        comment.target = target  # the template builds links from it; never a query per comment
        node = ThreadNode(
            comment=comment,
            can_reply=comment.depth < max_depth
            and comment.status == Comment.Status.APPROVED
            and not comment.is_removed,
            is_held=comment.status != Comment.Status.APPROVED,
            can_change=_may_change(comment, user=user, own_ids=own_ids, settings=discussion_settings, now=now),
        )
        if comment.parent_id is None:
            siblings = roots
        elif comment.parent_id in by_pk:
            parent = by_pk[comment.parent_id]
            if parent.depth < max_depth:
                siblings, node.depth = parent.children, parent.depth + 1
            else:
                # Like WordPress: past the thread depth, replies follow their parent at its level, in order.
                siblings, node.depth = shown_in[parent.comment.pk], parent.depth
        else:
            continue  # a reply whose parent is not shown (held, trashed) is not shown either
        siblings.append(node)
        by_pk[comment.pk] = node
        shown_in[comment.pk] = siblings
    roots = _prune_removed(roots)
    if discussion_settings.comment_order == DiscussionSettings.Order.NEWEST_FIRST:
        roots.reverse()
    # Static pages show their whole thread: only posts have /comment-page-N/ addresses.
    per_page = discussion_settings.comments_per_page if isinstance(target, Post) else 0
    page_count = max(math.ceil(len(roots) / per_page), 1) if per_page else 1
    page = min(max(page or 1, 1), page_count)
    if per_page:
        roots = roots[(page - 1) * per_page : page * per_page]
    reply_to = None
    wanted = parse_comment_id(reply_to_id)
    candidate = next((node for node in by_pk.values() if node.comment.public_number == wanted), None)
    if candidate is not None and candidate.can_reply:
        reply_to = candidate.comment
    count = sum(1 for c in comments if c.status == Comment.Status.APPROVED and not c.is_removed)
    return Discussion(
        target=target,
        settings=discussion_settings,
        nodes=roots,
        count=count,
        is_open=discussion_settings.comments_open_for(target),
        page=page,
        page_count=page_count,
        reply_to=reply_to,
    )


def _prune_removed(nodes: list[ThreadNode]) -> list[ThreadNode]:
    """Drop deleted comments that no longer have any reply to keep a place for."""
    kept = []
    for node in nodes:
        node.children = _prune_removed(node.children)
        if not node.comment.is_removed or node.children:
            kept.append(node)
    return kept


def _may_change(comment: Comment, *, user, own_ids: set[int], settings: DiscussionSettings, now) -> bool:
    if comment.is_removed or comment.status == Comment.Status.TRASH:
        return False
    is_own = comment.pk in own_ids or (user is not None and user.is_authenticated and comment.user_id == user.pk)
    return is_own and now <= comment.editable_until(settings.edit_window_minutes)


def reader_may_change(comment: Comment, *, request, discussion: DiscussionSettings | None = None) -> bool:
    """Whether this reader may still edit or delete `comment` (their own, inside the edit window)."""
    discussion = discussion or DiscussionSettings.load()
    return _may_change(
        comment,
        user=getattr(request, "user", None),
        own_ids=set(own_comment_ids(request)),
        settings=discussion,
        now=timezone.now(),
    )


# Posting ------------------------------------------------------------------------------------------


def flood_keys(*, user, ip_address: str | None) -> list[str]:
    keys = []
    if ip_address:
        keys.append(f"comments:flood:ip:{ip_address}")
    if user is not None and user.is_authenticated:
        keys.append(f"comments:flood:user:{user.pk}")
    return keys


def claim_posting_slot(*, user, ip_address: str | None) -> list[str]:
    """Take the one comment per COMMENTS_FLOOD_SECONDS (15) an address and an account may post; moderators
    are exempt. Raises PostingTooQuickly when it is taken; returns the keys claimed, to give back if the
    comment is not saved after all.

    Check and record are one atomic `cache.add` per key in the shared cache (Redis, or the database table
    every worker process shares), so simultaneous posts on several workers get exactly one slot.
    """
    if user is not None and user.is_authenticated and user.has_perm("comments.moderate_comment"):
        return []
    seconds = app_settings.FLOOD_SECONDS
    if not seconds:
        return []
    claimed: list[str] = []
    for key in flood_keys(user=user, ip_address=ip_address):
        if not cache.add(key, True, timeout=seconds):
            cache.delete_many(claimed)
            raise PostingTooQuickly()
        claimed.append(key)
    return claimed


def check_duplicate(*, target: Post | Page, body: str, author_name: str, author_email: str, user) -> None:
    """The same text by the same person in the same discussion, unless it went to the trash (WordPress's rule)."""
    same_author = Q(author_name=author_name)
    if author_email:
        same_author |= Q(author_email__iexact=author_email)
    if user is not None and user.is_authenticated:
        same_author |= Q(user=user)
    body = body.strip()
    duplicate = (
        Comment.objects.on(target)
        # The start of the text is indexed (comment_body_start_idx): the same text is found without reading the
        # whole discussion, however long.
        .alias(body_start=Left("body", BODY_START_LENGTH))
        .filter(body_start=body[:BODY_START_LENGTH], body=body)
        .filter(same_author)
        .exclude(status=Comment.Status.TRASH)
        .exists()
    )
    if duplicate:
        raise DuplicateComment()


def resolve_parent(*, target: Post | Page, parent_id, discussion: DiscussionSettings) -> Comment | None:
    """The comment being replied to; past the maximum depth, its deepest allowed ancestor (like WordPress)."""
    if parent_id in (None, "", 0, "0"):
        return None
    parent = (
        Comment.objects.public()
        .on(target)
        .numbered(parse_comment_id(parent_id))
        .filter(is_removed=False)
        .only("pk", "legacy_id", "post_id", "page_id", "thread_path", "depth", "author_name")
        .first()
    )
    if parent is None:
        raise CommentRefused("The comment you are replying to is no longer available.")
    place = threads.place_reply(parent, max_depth=discussion.max_depth)
    if place.parent_pk is None:
        return None
    if place.parent_pk != parent.pk:
        parent = Comment.objects.get(pk=place.parent_pk)
    return parent


def post_comment(
    *,
    target: Post | Page,
    parent: Comment | None,
    body: str,
    author_name: str,
    author_email: str,
    author_url: str = "",
    author_avatar_url: str = "",
    user=None,
    ip_address: str | None = None,
    user_agent: str = "",
    request=None,
    notify_comments: bool = False,
    notify_posts: bool = False,
    discussion: DiscussionSettings | None = None,
) -> Comment:
    """Check, moderate and save a reader's comment on a post or page, then tell people once it is committed.

    `discussion` is the site's discussion settings when the caller has read them already (the view has).
    Raises CommentsClosed (403), PostingTooQuickly (429), DuplicateComment (409) or CommentRefused (400).
    """
    discussion = discussion or DiscussionSettings.load()
    if not discussion.comments_open_for(target):
        raise CommentsClosed()
    if parent is not None and not parent.same_discussion(target):
        raise CommentRefused("The comment you are replying to belongs to another discussion.")
    if user is not None and not user.is_authenticated:
        user = None
    body = body.strip()
    comment = Comment(
        **target_lookup(target),
        parent=parent,
        user=user,
        author_name=author_name.strip()[:245],
        author_email=author_email.strip(),
        author_url=author_url.strip(),
        author_avatar_url=author_avatar_url,
        body=body,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:500],
        created_at=timezone.now(),
        type=Comment.Type.COMMENT,
    )
    comment.render_body()  # once: moderation counts its links, and save() keeps it
    comment.status = decide_status(comment, discussion=discussion, request=request).status
    claimed: list[str] = []
    try:
        with transaction.atomic():
            # The post's (or page's) row stays locked until this comment is committed, so two identical POSTs
            # at once (a double-clicked Post Comment) are checked one after the other: the second is a duplicate.
            type(target).objects.select_for_update().filter(pk=target.pk).only("pk").first()
            check_duplicate(target=target, body=body, author_name=author_name, author_email=author_email, user=user)
            claimed = claim_posting_slot(user=user, ip_address=ip_address)
            comment.save()
            outbox.enqueue_on_commit(
                tasks.comment_posted, comment.pk, notify_comments=notify_comments, notify_posts=notify_posts
            )
    except BaseException:
        cache.delete_many(claimed)  # nothing was posted: the slot is still the reader's
        raise
    if request is not None and hasattr(request, "session"):
        remember_comment(request, comment)
    return comment


def edit_comment(*, comment: Comment, body: str, request=None) -> Comment:
    """A reader's correction inside the edit window: re-rendered, re-moderated, marked as edited."""
    discussion = DiscussionSettings.load()
    if not reader_may_change(comment, request=request, discussion=discussion):
        raise EditWindowClosed("This comment can no longer be edited.")
    if not discussion.comments_open_for(comment.target):
        raise CommentsClosed()
    comment.body = body.strip()
    comment.render_body()
    was_approved = comment.status == Comment.Status.APPROVED
    comment.status = decide_status(comment, discussion=discussion, request=request).status
    comment.edited_at = timezone.now()
    with transaction.atomic():
        comment.save(update_fields=["body", "status", "edited_at"])
        if not (was_approved and comment.status == Comment.Status.APPROVED):
            # Newly held (or newly visible): moderators and subscribers may need to know.
            outbox.enqueue_on_commit(tasks.comment_posted, comment.pk)
    return comment


def delete_comment(*, comment: Comment, request=None) -> None:
    """A reader withdraws their comment: with replies it keeps its place as "This comment was deleted."."""
    if not reader_may_change(comment, request=request):
        raise EditWindowClosed("This comment can no longer be deleted.")
    if comment.replies.exclude(status=Comment.Status.TRASH).exists():
        comment.is_removed = True
        comment.save(update_fields=["is_removed"])
    else:
        comment.trash()
