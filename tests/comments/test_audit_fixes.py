"""Stories for the bugs the issue 4 audit found in comments/ (notes/audit-issue4.md, "Bugs found"), now fixed."""

import datetime

import pytest
from django.utils import timezone

from comments.models import DiscussionSettings
from comments.rendering import render_comment
from tests.factories import CommentFactory, PostFactory

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
