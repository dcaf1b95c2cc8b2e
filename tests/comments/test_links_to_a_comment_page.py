"""With comment pages on, every link to a comment reaches the page that shows it: the reader's redirect, the
emails, both feeds and the admin, at a constant number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import links
from comments.models import Action, Comment, DiscussionSettings
from tests.comments.helpers import comment_data, post_url
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_the_feed_guid_stays_the_pageless_anchor_as_pages_fill_up(client, settings):
    post = paged_post()
    newest = Comment.objects.filter(post=post).latest("created_at")
    site = settings.SITE_URL

    feed = client.get(f"{post.get_absolute_url()}feed/").content.decode()

    assert f"<link>{site}{post.get_absolute_url()}comment-page-2/#comment-{newest.pk}</link>" in feed
    assert f'<guid isPermaLink="false">{site}{post.get_absolute_url()}#comment-{newest.pk}</guid>' in feed


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
@pytest.mark.parametrize("posts", [1, 6])
def test_feeds_link_every_comment_to_its_page_in_a_constant_number_of_queries(client, django_assert_num_queries, posts):
    for _ in range(posts):
        paged_post()
    client.get(reverse("comments:feed"))  # warm one-time caches, as on a running site

    # The comments, the discussion settings, and the top-level comments of their posts to find the pages.
    with django_assert_num_queries(3):
        feed = client.get(reverse("comments:feed")).content.decode()

    assert feed.count("comment-page-2/#comment-") == 2 * posts
