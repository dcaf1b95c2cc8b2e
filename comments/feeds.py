"""RSS 2.0 comment feeds, as WordPress serves them: all comments, and one post's comments.

Only ``Comment.objects.public()`` (approved comments on public posts and published pages) and never a removed one;
the author's name only, never their email. Links are absolute from SITE_URL, like the emails.
"""

from datetime import date

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape, linebreaks

from posts.feeds import XmlSafeFeed
from posts.models import Post
from posts.pagecache import public_page

from .links import absolute_url, comment_urls
from .models import Comment

FEED_LENGTH = 50


class XmlSafeRssFeed(XmlSafeFeed, Rss201rev2Feed):
    """RSS 2.0 that leaves out characters XML cannot carry (a vertical tab pasted into a title)."""


@public_page
class _CommentFeed(Feed):
    feed_type = XmlSafeRssFeed

    def feed_url(self, obj=None):
        return absolute_url(self.feed_path(obj))

    def feed_path(self, obj) -> str:
        raise NotImplementedError

    def item_description(self, comment: Comment) -> str:
        # body_html is sanitised on save; very old rows may predate that, so fall back to escaped text.
        return comment.body_html or linebreaks(escape(comment.body))

    # WordPress's comment GUID: the page-less anchor, which never changes as comment pages fill up.
    item_guid_is_permalink = False

    def item_link(self, comment: Comment) -> str:
        return absolute_url(getattr(comment, "feed_url", "") or comment.get_absolute_url())

    def item_guid(self, comment: Comment) -> str:
        return absolute_url(comment.get_absolute_url())

    def item_author_name(self, comment: Comment) -> str:
        return comment.author_name

    def item_pubdate(self, comment: Comment):
        return comment.created_at

    def item_updateddate(self, comment: Comment):
        return comment.edited_at


class LatestCommentsFeed(_CommentFeed):
    """/comments/feed/: the newest comments on every public post and published page."""

    def title(self):
        return f"Comments for {settings.SITE_NAME}"

    def description(self):
        return settings.SITE_TAGLINE

    def link(self):
        return absolute_url("/")

    def feed_path(self, obj) -> str:
        return reverse("comments:feed")

    def items(self):
        return _linked(
            Comment.objects.public()
            .filter(is_removed=False)
            .select_related("post", "page")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, comment: Comment) -> str:
        return f"Comment on {comment.target.title} by {comment.author_name}"


class PostCommentsFeed(_CommentFeed):
    """/YYYY/MM/DD/slug/feed/: the newest comments on one public post."""

    def __call__(self, request, *args, **kwargs):
        # An old permalink (slug or date changed) keeps its feed: send readers to the new address.
        try:
            return super().__call__(request, *args, **kwargs)
        except _MovedPost as moved:
            return HttpResponsePermanentRedirect(moved.url)

    def get_object(self, request, year, month, day, slug):
        try:
            day_published = date(int(year), int(month), int(day))
        except ValueError as error:
            raise Http404("No such date.") from error
        public = Post.objects.published()
        post = public.filter(publish_date=day_published, slug=slug).first()
        if post is not None:
            return post
        moved = public.moved_from(publish_date=day_published, slug=slug)
        if moved is not None:
            raise _MovedPost(absolute_url(self.feed_path(moved)))
        raise Http404("No public post at this address.")

    def title(self, post: Post) -> str:
        return f"Comments on: {post.title}"

    def description(self, post: Post) -> str:
        return f"Comments on “{post.title}” at {settings.SITE_NAME}"

    def link(self, post: Post) -> str:
        return absolute_url(post.get_absolute_url())

    def feed_path(self, post: Post) -> str:
        return reverse("comments:post_feed", kwargs=post.permalink_kwargs())

    def items(self, post: Post):
        return _linked(
            Comment.objects.public()
            .filter(post=post, is_removed=False)
            .select_related("post")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, comment: Comment) -> str:
        return f"By: {comment.author_name}"


class _MovedPost(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def _linked(comments) -> list[Comment]:
    """The feed's comments, each knowing the comment page that shows it (one query for all of them).

    Kept on the comments, not on the feed: one feed object answers every request.
    """
    comments = list(comments)
    urls = comment_urls(comments)
    for comment in comments:
        comment.feed_url = urls[comment.pk]
    return comments
