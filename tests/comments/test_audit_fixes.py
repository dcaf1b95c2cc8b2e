"""Stories for the bugs the issue 4 audit found in comments/ (notes/audit-issue4.md, "Bugs found"), now fixed."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import links
from comments.models import Action, Comment, DiscussionSettings
from comments.rendering import render_comment
from tests.comments.helpers import comment_data, post_url
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


# Bug 1: nh3 kept its generic `title` and `lang` on every tag ------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('<b title="t">b</b>', "<p><b>b</b></p>"),
        ('<code title="t">c</code>', "<p><code>c</code></p>"),
        ('<q cite="https://a.org" title="t">q</q>', '<p><q cite="https://a.org">q</q></p>'),
        ('<abbr title="t" lang="en">MS</abbr>', '<p><abbr title="t">MS</abbr></p>'),
        ('<strong lang="fr">s</strong>', "<p><strong>s</strong></p>"),
        ('<acronym title="t" lang="en">NEDA</acronym>', '<p><acronym title="t">NEDA</acronym></p>'),
        (
            '<a href="https://a.org" title="t" lang="en">a</a>',
            '<p><a href="https://a.org" title="t" rel="nofollow ugc">a</a></p>',
        ),
        (
            '<blockquote cite="https://a.org" title="t" lang="en">q</blockquote>',
            '<blockquote cite="https://a.org">q</blockquote>',
        ),
    ],
)
def test_title_and_lang_are_kept_only_where_wordpress_allows_them(typed, expected):
    assert render_comment(typed) == expected


# Bug 5: a blockquote between single line breaks left text outside any paragraph ------------------------


def test_a_blockquote_between_lines_leaves_no_text_outside_a_paragraph():
    html = render_comment("Intro\n<blockquote>Quoted</blockquote>\nAfter")

    assert html == "<p>Intro</p>\n<blockquote>Quoted</blockquote>\n<p>After</p>"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "You wrote <blockquote>Quoted</blockquote> and I agree.",
            "<p>You wrote</p>\n<blockquote>Quoted</blockquote>\n<p>and I agree.</p>",
        ),
        (
            "<blockquote>One</blockquote><blockquote>Two</blockquote>\nBoth true.",
            "<blockquote>One</blockquote>\n<blockquote>Two</blockquote>\n<p>Both true.</p>",
        ),
        (
            "First line\nsecond line\n<blockquote>Quoted\nover two lines</blockquote>\nMy answer",
            "<p>First line<br>\nsecond line</p>\n<blockquote>Quoted<br>\nover two lines</blockquote>\n<p>My answer</p>",
        ),
        ("<b>Bold <blockquote>Quoted</blockquote> bold</b>", "<b>Bold <blockquote>Quoted</blockquote> bold</b>"),
    ],
)
def test_quotes_inside_a_line_become_blocks_between_whole_paragraphs(typed, expected):
    html = render_comment(typed)

    assert html == expected
    assert "<p></p>" not in html


# Bug 2: lists invited comments on posts closed by age -----------------------------------------------------


def close_after(days: int) -> None:
    discussion = DiscussionSettings.load()
    discussion.close_after_days = days
    discussion.save()


def days_ago(days: int):
    return timezone.now() - datetime.timedelta(days=days)


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


# Bug 3: with comment pages on, emails, feeds and the admin linked to the first page -----------------------


def paged_post(**post_fields):
    """A post whose discussion shows two top-level comments a page and already holds four: a new one is on page 3."""
    discussion = DiscussionSettings.load()
    discussion.comments_per_page = 2
    discussion.save()
    post = PostFactory(**post_fields)
    old = timezone.now() - datetime.timedelta(hours=1)
    for n in range(4):
        CommentFactory(post=post, created_at=old + datetime.timedelta(minutes=n))
    return post


def on_page_three(comment) -> str:
    return f"{comment.post.get_absolute_url()}comment-page-3/#comment-{comment.pk}"


def test_email_and_feed_links_reach_the_comment_page_that_shows_the_comment(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    post = paged_post()
    CommentFactory(author_name="Ada Reader", author_email="ada@example.org")  # a returning guest: approved at once

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(post_url(post), comment_data(post, comment="On page three."))

    last = Comment.objects.get(body="On page three.")
    assert response["Location"] == on_page_three(last)  # the reader's redirect...
    assert [message.to for message in mailoutbox] == [[post.author.email]]
    assert on_page_three(last) in mailoutbox[0].body  # ...the post author's email...
    assert on_page_three(last) in client.get(reverse("comments:feed")).content.decode()  # ...and both feeds agree
    assert on_page_three(last) in client.get(f"{post.get_absolute_url()}feed/").content.decode()
    page_three = client.get(on_page_three(last).split("#")[0]).content.decode()
    assert f'<li id="comment-{last.pk}"' in page_three  # and that page really shows it


def test_the_feed_guid_stays_the_pageless_anchor_as_pages_fill_up(client, settings):
    post = paged_post()
    newest = Comment.objects.filter(post=post).latest("created_at")
    site = settings.SITE_URL

    feed = client.get(f"{post.get_absolute_url()}feed/").content.decode()

    assert f"<link>{site}{post.get_absolute_url()}comment-page-2/#comment-{newest.pk}</link>" in feed
    assert f'<guid isPermaLink="false">{site}{post.get_absolute_url()}#comment-{newest.pk}</guid>' in feed


def test_the_moderators_email_and_its_approve_link_lead_to_the_comment_page(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    moderator = UserFactory(email="mod@example.org", is_staff=True, is_superuser=True)
    post = paged_post(author=moderator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(post), comment_data(post, comment="A first-timer's question."))

    held = Comment.objects.get(body="A first-timer's question.")
    assert held.status == Comment.Status.PENDING
    assert on_page_three(held) in mailoutbox[0].body
    token = links.link_token(comment=held, action=Action.APPROVE, moderator=moderator)
    done = client.post(reverse("comments:moderation_link", args=[token])).content.decode()
    assert f'<a href="{on_page_three(held)}">View the comment</a>' in done


def test_the_admin_links_an_editors_reply_and_the_comment_to_their_comment_page(client):
    editor = UserFactory(username="eddie", email="eddie@example.org", is_staff=True, is_superuser=True)
    post = paged_post()
    question = CommentFactory(post=post, body="Is it safe?")
    client.force_login(editor)

    done = client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]), {"body": "Yes, with monitoring."}, follow=True
    ).content.decode()
    change_page = client.get(reverse("admin:comments_comment_change", args=[question.pk])).content.decode()

    reply = Comment.objects.get(parent=question)
    assert f'<a href="{on_page_three(reply)}">View it on the site</a>' in done
    assert re.search(rf'href="{re.escape(on_page_three(question))}"[^>]*>View on site', change_page)


@pytest.mark.parametrize("posts", [1, 6])
def test_feeds_link_every_comment_to_its_page_in_a_constant_number_of_queries(client, django_assert_num_queries, posts):
    for _ in range(posts):
        paged_post()
    client.get(reverse("comments:feed"))  # warm one-time caches, as on a running site

    # The comments, the discussion settings, and the top-level comments of their posts to find the pages.
    with django_assert_num_queries(3):
        feed = client.get(reverse("comments:feed")).content.decode()

    assert feed.count("comment-page-2/#comment-") == 2 * posts


# Bug 4: a comment the spam hook caught was shown to its author as "awaiting moderation" ------------------


class SaysSpam:
    """A spam-check hook (Akismet-style) that calls everything spam."""

    def check(self, comment, request):
        return True


def test_a_comment_marked_spam_is_not_shown_to_its_author_as_awaiting_moderation(client, settings, notified):
    settings.COMMENTS_SPAM_CHECKERS = ["tests.comments.test_audit_fixes.SaysSpam"]
    # A returning guest, so only the hook holds it back.
    CommentFactory(author_name="Ada Reader", author_email="ada@example.org")
    post = PostFactory()

    client.post(post_url(post), comment_data(post, comment="Cheap pills"))

    assert Comment.objects.get(post=post).status == Comment.Status.SPAM
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Cheap pills" not in html
    assert "Your comment is awaiting moderation." not in html


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


# Bug 6 (kept, as on WordPress): the count includes approved replies whose parent is not shown ---------------


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
