"""A reader opens a post and reads its discussion: heading, nested thread, avatars, links, depth, order, pages."""

import datetime
import re

import pytest
from django.core.paginator import Paginator
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from posts.models import Post
from tests.comments.helpers import comment_data, comment_ids, configure, page, post_url
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def heading(html: str) -> str:
    return re.search(r'<h2 id="comments-title"[^>]*>(.*?)</h2>', html, re.DOTALL).group(1)


# The one rule ---------------------------------------------------------------------------------------


def test_public_means_approved_comments_on_public_posts():
    post = PostFactory()
    approved = CommentFactory(post=post)
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH):
        CommentFactory(post=post, status=status)
    CommentFactory(post=PostFactory(status="draft"))
    CommentFactory(post=PostFactory(published_at=timezone.now() + datetime.timedelta(days=30)))

    assert list(Comment.objects.public()) == [approved]


# Heading ----------------------------------------------------------------------------------------------


def test_one_approved_comment_is_one_thought_with_curly_quotes(client):
    post = PostFactory(title="Rituximab in relapsing MS")
    CommentFactory(post=post)
    CommentFactory(post=post, status=Comment.Status.PENDING)
    CommentFactory(post=post, status=Comment.Status.SPAM)

    assert heading(page(client, post)) == "One thought on “Rituximab in relapsing MS”"


def test_twelve_approved_comments_are_twelve_thoughts(client):
    post = PostFactory(title="Vitamin D")
    CommentFactory.create_batch(12, post=post)
    CommentFactory.create_batch(3, post=post, status=Comment.Status.PENDING)

    assert heading(page(client, post)) == "12 thoughts on “Vitamin D”"


def test_a_post_without_comments_shows_no_count(client):
    post = PostFactory(title="Quiet post")

    assert "thought on" not in heading(page(client, post))
    assert "thoughts on" not in heading(page(client, post))


# Each comment -----------------------------------------------------------------------------------------


def test_each_comment_has_anchor_avatar_author_link_says_permalink_body_and_reply(client):
    post = PostFactory()
    comment = CommentFactory(
        post=post,
        author_name="Ada Reader",
        author_email=" Ada@Example.org ",
        author_url="https://ada.example",
        body="Thank you for **this** summary.",
    )
    html = page(client, post)
    item = html[html.index(f'<li id="comment-{comment.pk}"') :]

    # A local picture of the initials (comments/avatars.py); Gravatar only when an administrator turns it on.
    assert re.search(r'<img class="avatar" src="/avatars/AR/\d+\.svg"', item)
    assert '<a href="https://ada.example" rel="external nofollow ugc" class="url">Ada Reader</a>' in item
    assert '<span class="says">says:</span>' in item
    assert re.search(rf'<a href="#comment-{comment.pk}"><time datetime="[^"]+">', item)
    assert "<p>Thank you for **this** summary.</p>" in item
    assert f'href="?replytocom={comment.pk}#respond"' in item
    assert ">Reply</a>" in item


def test_an_author_without_website_is_plain_text(client):
    post = PostFactory()
    CommentFactory(post=post, author_name="No Site", author_url="")

    html = page(client, post)

    assert '<b class="fn">No Site</b>' in html


def test_a_social_avatar_replaces_the_gravatar(client):
    configure(remote_avatars=True)
    post = PostFactory()
    CommentFactory(post=post, author_avatar_url="https://avatars.example/ada.png")

    html = page(client, post)

    assert 'src="https://avatars.example/ada.png"' in html
    assert "gravatar.com" not in html


def test_comment_author_name_and_body_are_escaped(client):
    post = PostFactory()
    CommentFactory(post=post, author_name='<script>alert("x")</script>', body="<script>alert(1)</script>hello")

    html = page(client, post)

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_only_approved_comments_are_shown_to_strangers(client):
    post = PostFactory()
    shown = CommentFactory(post=post)
    hidden = [CommentFactory(post=post, status=status) for status in ("pending", "spam", "trash")]

    ids = comment_ids(page(client, post))

    assert ids == [shown.pk]
    assert not set(ids) & {c.pk for c in hidden}


def test_a_reply_to_a_hidden_comment_is_not_shown_either(client):
    post = PostFactory()
    held = CommentFactory(post=post, status=Comment.Status.PENDING)
    CommentFactory(post=post, parent=held)

    assert comment_ids(page(client, post)) == []


# Nesting, depth and order -----------------------------------------------------------------------------


def chain(post, length):
    """A reply to a reply to a reply…, `length` deep."""
    comments, parent = [], None
    for _ in range(length):
        parent = CommentFactory(post=post, parent=parent)
        comments.append(parent)
    return comments


def test_replies_nest_under_their_parent_in_display_order(client):
    post = PostFactory()
    first = CommentFactory(post=post)
    second = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=first)
    reply_to_reply = CommentFactory(post=post, parent=reply)

    html = page(client, post)

    assert comment_ids(html) == [first.pk, reply.pk, reply_to_reply.pk, second.pk]
    first_item = html[html.index(f'id="comment-{first.pk}"') : html.index(f'id="comment-{second.pk}"')]
    assert first_item.count('<ol class="children">') == 2


def test_at_the_default_depth_of_five_the_deepest_comment_has_no_reply_link(client):
    post = PostFactory()
    comments = chain(post, 5)

    html = page(client, post)

    for comment in comments[:4]:
        assert f"?replytocom={comment.pk}#respond" in html
    assert f"?replytocom={comments[4].pk}#respond" not in html


def test_depth_is_a_setting(client):
    configure(thread_depth=2)
    post = PostFactory()
    top, reply = chain(post, 2)

    html = page(client, post)

    assert f"?replytocom={top.pk}#respond" in html
    assert f"?replytocom={reply.pk}#respond" not in html


def test_replies_deeper_than_the_setting_follow_their_parent_at_the_deepest_level(client):
    configure(thread_depth=3)
    post = PostFactory()
    top, reply, third, fourth, fifth = chain(post, 5)  # imported threads can be deeper than the setting
    later = CommentFactory(post=post)

    html = page(client, post)

    assert comment_ids(html) == [top.pk, reply.pk, third.pk, fourth.pk, fifth.pk, later.pk]
    levels = dict(re.findall(r'<li id="comment-(\d+)" class="comment depth-(\d+)', html))
    assert [levels[str(c.pk)] for c in (top, reply, third, fourth, fifth, later)] == ["1", "2", "3", "3", "3", "1"]
    top_item = html[html.index(f'id="comment-{top.pk}"') : html.index(f'id="comment-{later.pk}"')]
    assert top_item.count('<ol class="children">') == 2


def test_oldest_first_by_default_and_newest_first_as_a_setting(client):
    post = PostFactory()
    older = CommentFactory(post=post, created_at=timezone.now() - datetime.timedelta(hours=2))
    newer = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=older)

    assert comment_ids(page(client, post)) == [older.pk, reply.pk, newer.pk]

    configure(comment_order=DiscussionSettings.Order.NEWEST_FIRST)

    assert comment_ids(page(client, post)) == [newer.pk, older.pk, reply.pk]


# Pagination of top-level comments --------------------------------------------------------------------


def test_comment_pages_are_off_by_default(client):
    post = PostFactory()
    CommentFactory.create_batch(60, post=post)

    html = page(client, post)

    assert len(comment_ids(html)) == 60
    assert "comment-page-2" not in html


def test_with_pages_on_top_level_comments_are_split_and_replies_follow_their_parent(client):
    configure(comments_per_page=2)
    post = PostFactory()
    roots = CommentFactory.create_batch(5, post=post)
    reply = CommentFactory(post=post, parent=roots[2])

    first = page(client, post)
    second = page(client, post, "comment-page-2/")
    third = page(client, post, "comment-page-3/")

    assert comment_ids(first) == [roots[0].pk, roots[1].pk]
    assert comment_ids(second) == [roots[2].pk, reply.pk, roots[3].pk]
    assert comment_ids(third) == [roots[4].pk]
    assert heading(second).startswith("6 thoughts")
    assert f'href="{post.get_absolute_url()}comment-page-2/#comments"' in first
    assert "Page 2 of 3" in second


def test_a_comment_page_past_the_end_shows_the_last_page(client):
    configure(comments_per_page=2)
    post = PostFactory()
    roots = CommentFactory.create_batch(3, post=post)

    assert comment_ids(page(client, post, "comment-page-99/")) == [roots[2].pk]
    assert comment_ids(page(client, post, "comment-page-0/")) == [roots[0].pk, roots[1].pk]


# Counts on lists of posts ----------------------------------------------------------------------------


LIST = Template("{% load discussion %}{% for post in posts %}[{% comments_link post %}]{% endfor %}")


def test_comment_counts_on_a_list_of_posts_cost_one_query_and_the_settings_one(django_assert_num_queries):
    posts = PostFactory.create_batch(4)
    CommentFactory.create_batch(2, post=posts[0])
    CommentFactory(post=posts[1])
    CommentFactory(post=posts[1], status=Comment.Status.PENDING)
    CommentFactory(post=posts[2], status=Comment.Status.SPAM)
    posts[3].comments_open = False
    DiscussionSettings.load()  # the settings row exists on a running site

    # The counts, then the discussion settings: a post without comments invites one only while open (by age too).
    with django_assert_num_queries(2):
        html = LIST.render(Context({"posts": posts}))

    links = re.findall(r"\[(.*?)\]", html, re.DOTALL)
    assert ">2 Comments</a>" in links[0]
    assert ">1 Comment</a>" in links[1]
    assert ">Leave a comment</a>" in links[2]
    assert "Comments off" in links[3]


def test_with_comment_counts_filter_annotates_posts_in_one_query(django_assert_num_queries):
    posts = PostFactory.create_batch(3)
    CommentFactory.create_batch(3, post=posts[1])
    template = Template(
        "{% load discussion %}{% for post in posts|with_comment_counts %}{{ post.approved_comment_count }},{% endfor %}"
    )

    with django_assert_num_queries(1):
        assert template.render(Context({"posts": posts})) == "0,3,0,"


def test_counts_on_a_paginated_list_cost_the_same_for_three_or_ten_posts():
    template = Template(
        "{% load discussion %}{% for post in page %}{{ post.title }} {% comments_link post %}\n{% endfor %}"
    )

    def render_list() -> tuple[int, str]:
        page_of_posts = Paginator(Post.objects.published().order_by("pk"), 10).page(1)
        with CaptureQueriesContext(connection) as captured:
            html = template.render(Context({"page": page_of_posts}))
        return len(captured.captured_queries), html

    for post in PostFactory.create_batch(3):
        CommentFactory(post=post)
    few, _ = render_list()
    for post in PostFactory.create_batch(7):
        CommentFactory.create_batch(2, post=post)

    many, html = render_list()

    assert many == few
    assert html.count(">1 Comment</a>") == 3
    assert html.count(">2 Comments</a>") == 7


def test_comment_dates_read_like_wordpress(client, settings):
    settings.TIME_ZONE = "UTC"
    post = PostFactory(published_at=datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC))
    CommentFactory(post=post, created_at=datetime.datetime(2024, 3, 5, 14, 7, tzinfo=datetime.UTC))

    html = page(client, post)

    assert '<time datetime="2024-03-05T14:07:00+00:00">March 5, 2024 at 2:07 pm</time>' in html


def test_a_comment_saved_without_a_date_gets_now_and_an_old_import_date_still_sorts_first():
    post = PostFactory()
    undated = Comment.objects.create(post=post, author_name="Undated", body="No date given")
    ancient = CommentFactory(post=post, created_at=datetime.datetime(1965, 1, 1, tzinfo=datetime.UTC))

    assert undated.created_at is not None
    assert list(Comment.objects.filter(post=post).order_by("thread_path")) == [ancient, undated]


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "ftp://x.example"])
def test_an_author_website_that_is_not_http_is_never_linked(client, url):
    post = PostFactory()
    CommentFactory(post=post, author_name="Imported", author_url=url)

    html = page(client, post)

    assert '<b class="fn">Imported</b>' in html
    assert 'rel="external nofollow ugc"' not in html


def close_after(days: int) -> None:
    discussion = DiscussionSettings.load()
    discussion.close_after_days = days
    discussion.save()


def days_ago(days: int):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.mark.usefixtures("notified")
def test_the_wordpress_comment_id_is_unique_but_new_comments_need_none():
    post = PostFactory()
    CommentFactory(post=post, legacy_id=None)
    CommentFactory(post=post, legacy_id=None)
    CommentFactory(post=post, legacy_id=4242)

    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(post=post, legacy_id=4242)
    assert Comment.objects.filter(post=post).count() == 3


@pytest.mark.usefixtures("notified")
def test_the_commenters_email_address_is_never_on_the_page(client):
    post = PostFactory()
    CommentFactory(post=post, author_name="Private Person", author_email="private.person@example.org")
    reply_form = page(client, post, f"?replytocom={Comment.objects.get().pk}")

    for html in (page(client, post), reply_form):
        assert "Private Person" in html
        assert "private.person" not in html.lower()


@pytest.mark.usefixtures("notified")
def test_the_heading_counts_one_thought_then_two_thoughts_as_comments_arrive(client):
    post = PostFactory(title="Vitamin D")
    CommentFactory(post=post)
    assert "One thought on “Vitamin D”" in page(client, post)

    CommentFactory(post=post)
    html = page(client, post)
    assert "2 thoughts on “Vitamin D”" in html
    assert "One thought" not in html


@pytest.mark.usefixtures("notified")
def test_the_permalink_time_of_a_reply_points_at_the_reply_itself(client):
    post = PostFactory()
    parent = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=parent)

    html = page(client, post)
    item = html[html.index(f'<li id="comment-{reply.pk}"') :]

    assert re.search(
        rf'^<li id="comment-{reply.pk}"[^>]*>\s*<article[^>]*>.*?<a href="#comment-{reply.pk}"><time ', item, re.S
    )


@pytest.mark.usefixtures("notified")
def test_an_imported_comment_keeps_its_wordpress_anchor(client):
    post = PostFactory()
    imported = CommentFactory(post=post, legacy_id=987654)

    html = page(client, post)

    assert '<li id="comment-987654"' in html
    assert '<a href="#comment-987654"><time' in html
    assert imported.get_absolute_url().endswith("#comment-987654")


@pytest.mark.usefixtures("notified")
def test_newest_first_puts_the_newest_reply_first_among_its_siblings_only(client):
    configure(comment_order=DiscussionSettings.Order.NEWEST_FIRST)
    post = PostFactory()
    earlier = timezone.now() - datetime.timedelta(hours=3)
    top = CommentFactory(post=post, created_at=earlier)
    first_reply = CommentFactory(post=post, parent=top, created_at=earlier + datetime.timedelta(minutes=5))
    second_reply = CommentFactory(post=post, parent=top, created_at=earlier + datetime.timedelta(minutes=10))
    newer_top = CommentFactory(post=post)

    # Like WordPress: the setting orders top-level comments; a conversation under one still reads in order.
    assert comment_ids(page(client, post)) == [newer_top.pk, top.pk, first_reply.pk, second_reply.pk]


def test_the_list_does_not_invite_comments_on_a_post_closed_by_age(client):
    close_after(14)
    old = PostFactory(title="Old news", published_at=days_ago(30))

    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()
    assert "Leave a comment" not in home
    assert '<span class="comments-link">Comments off</span>' in home


def test_the_list_still_invites_comments_on_recent_posts_and_counts_old_discussions(client):
    close_after(14)
    fresh = PostFactory(title="This week", published_at=days_ago(2))
    discussed = PostFactory(title="Last month", published_at=days_ago(40))
    CommentFactory.create_batch(2, post=discussed)

    home = client.get("/").content.decode()

    assert f'<a class="comments-link" href="{fresh.get_absolute_url()}#respond">Leave a comment</a>' in home
    assert f'<a class="comments-link" href="{discussed.get_absolute_url()}#comments">2 Comments</a>' in home


@pytest.mark.parametrize("posts", [3, 10])
def test_the_closing_age_costs_one_query_per_page_not_one_per_post(client, django_assert_num_queries, posts):
    """The settings are read once, and only because some post on the page has no comments yet."""
    close_after(14)
    PostFactory.create_batch(posts, published_at=days_ago(30))
    client.get("/")  # warm one-time caches, as on a running site

    with django_assert_num_queries(7):  # the front page's six, plus the discussion settings once
        html = client.get("/").content.decode()

    assert html.count("Comments off") == posts


def test_a_signed_in_reader_sees_their_held_comment_but_not_their_spam_or_trash(client):
    reader = UserFactory()
    post = PostFactory()
    for status in Comment.Status:
        CommentFactory(post=post, user=reader, status=status, body=f"My {status.label.lower()} comment")
    client.force_login(reader)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "My approved comment" in html
    assert "My pending comment" in html
    assert html.count("Your comment is awaiting moderation.") == 1
    assert "My spam comment" not in html
    assert "My trash comment" not in html


@pytest.mark.parametrize("parent_status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH])
def test_a_reply_under_a_hidden_parent_is_counted_like_wordpress_but_breaks_nothing(client, parent_status):
    """WordPress counts every approved comment (comment_count), shown or not; the page, list and feed stay whole."""
    discussion = DiscussionSettings.load()
    discussion.comments_per_page = 2
    discussion.save()
    post = PostFactory(title="T")
    hidden = CommentFactory(post=post, status=parent_status, body="The parent")
    reply = CommentFactory(post=post, parent=hidden, body="The orphaned reply")

    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    asking_to_reply = client.get(post.get_absolute_url(), {"replytocom": reply.pk})
    home = client.get("/").content.decode()
    feed = client.get(reverse("comments:feed")).content.decode()

    assert response.status_code == 200
    assert html.count('<li id="comment-') == 0
    assert "The orphaned reply" not in html
    assert "One thought on “T”" in html  # WordPress parity: the count is of approved comments
    assert '<div id="respond"' in html
    assert asking_to_reply.status_code == 200
    assert "Leave a Reply to" not in asking_to_reply.content.decode()
    assert f'href="{post.get_absolute_url()}#comments">1 Comment</a>' in home
    assert f"{post.get_absolute_url()}#comment-{reply.pk}</link>" in feed


def test_the_author_of_a_held_comment_sees_it_with_the_approved_reply_under_it(client, notified):
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="My first question"))
    held = Comment.objects.get(post=post)
    CommentFactory(post=post, parent=held, body="An answer from the editor")

    html = client.get(post.get_absolute_url()).content.decode()

    assert held.status == Comment.Status.PENDING
    assert "Your comment is awaiting moderation." in html
    assert html.index("My first question") < html.index("An answer from the editor")
    assert html.count('<li id="comment-') == 2
