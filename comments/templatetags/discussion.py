"""Post and page templates pull their discussion in through `{% discussion post %}` (or `{% discussion page %}`);
lists show counts with `{% comments_link post %}`."""

from collections.abc import Iterable

from django import template
from django.core.paginator import Page as ListPage
from django.db.models import Count, QuerySet
from django.utils.functional import LazyObject

from posts import pagecache
from posts.models import Page, Post

from ..avatars import avatar_url
from ..links import comment_page_url as _comment_page_url
from ..links import comment_url
from ..models import Comment, DiscussionSettings
from ..reply_form import REPLY_FORM_HOLE, kept_reply_form, reply_form_context, reply_form_hole_data
from ..services import load_discussion
from ..thread_html import render_nodes

register = template.Library()


def _comment_page(request) -> int | None:
    match = getattr(request, "resolver_match", None)
    page = match.kwargs.get("comment_page") if match else None
    return page if isinstance(page, int) else None


@register.inclusion_tag("comments/discussion.html", takes_context=True)
def discussion(context, target):
    """The whole discussion under a post or page: count, thread, pagination and the reply form (or "closed").

    A static page with comments off and no comments shows no discussion at all, as on WordPress.
    """
    request = context.get("request")
    reply_to_id = request.GET.get("replytocom") if request is not None else None
    thread = load_discussion(target=target, request=request, page=_comment_page(request), reply_to_id=reply_to_id)
    data = reply_form_hole_data(target)
    start, end = pagecache.hole(request, REPLY_FORM_HOLE, data)
    # The usual form (not answering a comment) is rendered once per reader kind and generation, then reused.
    reusable = request is not None and thread.is_open and thread.reply_to is None
    return {
        "reply_form_html": kept_reply_form(request, data, target) if reusable else None,
        **reply_form_context(target, request, reply_to=thread.reply_to, is_open=thread.is_open),
        "hidden": isinstance(target, Page) and not thread.is_open and not thread.nodes,
        "discussion": thread,
        "csrf_token": context.get("csrf_token"),
        # Around the form on a page that may be cached: readers with a cookie get it filled in for them.
        "reply_form_start": start,
        "reply_form_end": end,
    }


@register.simple_tag(takes_context=True)
def comment_thread(context, nodes):
    """`{% comment_thread discussion.nodes %}`: the whole nested thread in one pass (comments/thread_html.py)."""
    post = context.get("post")
    thread = context.get("discussion")
    return render_nodes(
        nodes,
        has_form=bool(context.get("form")),
        post_author_id=getattr(post, "author_id", None),
        remote_avatars=thread.settings.remote_avatars if thread is not None else None,
    )


@register.simple_tag(name="comment_url")
def comment_url_tag(comment: Comment) -> str:
    """`{% comment_url comment %}`: the address that shows the comment, on its comment page (as emails and feeds link)."""
    return comment_url(comment)


@register.simple_tag
def comment_page_url(post, page: int) -> str:
    """`{% comment_page_url post 2 %}`: the address of a post's second comment page."""
    return _comment_page_url(post, page)


# Counts on lists of posts ----------------------------------------------------------------------------


def annotate_comment_counts(posts: Iterable[Post]) -> list[Post]:
    """Set `approved_comment_count` on every post in one query (no query per post on a list page)."""
    posts = [post for post in posts if isinstance(post, Post)]
    missing = [post for post in posts if not hasattr(post, "approved_comment_count")]
    if missing:
        counts = dict(
            Comment.objects.counted()
            .filter(post__in=[post.pk for post in missing])
            .values_list("post")
            .annotate(n=Count("pk"))
            .values_list("post", "n")
        )
        for post in missing:
            post.approved_comment_count = counts.get(post.pk, 0)  # type: ignore[attr-defined]  # an annotation
    return posts


@register.filter
def with_comment_counts(posts):
    """`{% for post in posts|with_comment_counts %}`: the list, each post knowing its approved-comment count."""
    return annotate_comment_counts(posts)


def _posts_in_context(context) -> list[Post]:
    """Every post in the lists the page is already showing (never triggers a query of its own)."""
    found: list[Post] = []
    for value in context.flatten().values():
        if issubclass(type(value), LazyObject):
            # csrf_token, user, perms: evaluating them would issue a CSRF cookie or read the session.
            continue
        if isinstance(value, ListPage):
            value = value.object_list
        if isinstance(value, QuerySet) and value._result_cache is None:
            continue
        if isinstance(value, list | tuple | QuerySet):
            found.extend(item for item in value if isinstance(item, Post))
    return found


@register.inclusion_tag("comments/comments_link.html", takes_context=True)
def comments_link(context, post):
    """ "Leave a comment" / "1 Comment" / "N Comments" linking to the discussion, or "Comments off".

    The first call on a page counts the comments of every post the page lists, in one query, and keeps
    the answers on the template context (which every include of a list item shares). Whether a post
    without comments still takes them follows the same rule as its own page (closed by age too).
    """
    count = getattr(post, "approved_comment_count", None)
    if count is None:
        counts = context.__dict__.setdefault("_approved_comment_counts", {})
        if post.pk not in counts:
            batch = {p.pk: p for p in _posts_in_context(context) if p.pk not in counts}
            batch[post.pk] = post
            counts.update(
                (p.pk, getattr(p, "approved_comment_count", 0)) for p in annotate_comment_counts(batch.values())
            )
        count = counts[post.pk]
    # Comments link to their thread even once closed (as on WordPress); no comments invites one only while open.
    links = bool(count) or (post.comments_open and _discussion_settings(context).comments_open_for(post))
    return {"post": post, "count": count, "links": links, "url": post.get_absolute_url()}


def _discussion_settings(context) -> DiscussionSettings:
    """The discussion settings, read at most once per page and only when a post without comments asks."""
    cache = context.__dict__
    if "_discussion_settings" not in cache:
        cache["_discussion_settings"] = DiscussionSettings.load()
    return cache["_discussion_settings"]


@register.simple_tag
def commenter_avatar_url(identity) -> str:
    """The picture beside "You are commenting as…": local initials unless remote pictures are turned on."""
    return avatar_url(
        name=getattr(identity, "name", ""),
        email=getattr(identity, "email", ""),
        picture=getattr(identity, "avatar_url", ""),
        remote=DiscussionSettings.remote_avatars_allowed(),
    )
