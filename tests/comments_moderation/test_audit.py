"""Issue 4, point by point: moderation, email and feed rules the other tests did not yet pin down."""

import re

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Subscription
from posts.models import Post
from tests.factories import CommentFactory, PostFactory

from .helpers import html_body, link_path, post_comment, to

pytestmark = pytest.mark.django_db

A = Comment.Status
CHANGELIST = reverse("admin:comments_comment_changelist")
SITE = "http://127.0.0.1:8000"


def _confirm(client, mailoutbox, capture, email):
    confirmation = next(message for message in mailoutbox if message.to == [email])
    with capture(execute=True):
        client.post(link_path(confirmation, "/comments/subscription/confirm/"))
    mailoutbox.clear()


def _assert_one_click_unsubscribe(message) -> str:
    """RFC 2369/8058 headers, and the same link in the text and the HTML part; returns the link's path."""
    header = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://[^>]+/comments/unsubscribe/[^>]+/>", header)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url in message.body
    assert f'href="{url}"' in html_body(message)
    return url.replace(SITE, "")


# One-click unsubscribe on every email a subscriber gets ------------------------------------------------


def test_every_email_to_a_subscriber_has_a_one_click_unsubscribe_that_works_without_a_page(
    client, post, author, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        post_comment(client, post, comment="Keep me posted on both.", notify_comments="on", notify_posts="on")
    confirmations = [message for message in mailoutbox if message.to == ["ada@example.org"]]
    assert len(confirmations) == 2  # one per subscription: double opt-in for each
    for confirmation in confirmations:
        with capture(execute=True):
            client.post(link_path(confirmation, "/comments/subscription/confirm/"))
    mailoutbox.clear()

    CommentFactory(post=PostFactory(), author_name="Bob", author_email="bob@example.org")
    with capture(execute=True):
        post_comment(Client(REMOTE_ADDR="192.0.2.5"), post, name="Bob", email="bob@example.org", comment="Reply.")
        PostFactory(title="Exercise and fatigue", author=author, published_at=timezone.now())

    received = [message for message in mailoutbox if message.to == ["ada@example.org"]]
    assert sorted(message.subject for message in received) == [
        "[MS Research Notes] New comment on “Rituximab and relapses”",
        "[MS Research Notes] New post: “Exercise and fatigue”",
    ]
    mail_client = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no CSRF token
    for message in received:
        response = mail_client.post(_assert_one_click_unsubscribe(message), {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    assert not Subscription.objects.filter(email="ada@example.org").exists()


def test_a_confirmed_subscriber_hears_of_an_editors_reply_from_the_admin(
    client, post, editor, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        post_comment(client, post, comment="Does anyone know?", notify_comments="on")
    _confirm(client, mailoutbox, capture, "ada@example.org")
    question = Comment.objects.get(post=post)
    moderator = Client()
    moderator.force_login(editor)

    with capture(execute=True):
        moderator.post(reverse("admin:comments_comment_reply", args=[question.pk]), {"body": "Yes: ask your nurse."})

    news = next(message for message in mailoutbox if message.to == ["ada@example.org"])
    assert "Yes: ask your nurse." in news.body
    _assert_one_click_unsubscribe(news)


# Email only after commit, for every kind ------------------------------------------------------------


def test_nobody_is_emailed_about_an_approval_until_it_is_committed(
    editor_client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    held = CommentFactory(post=post, status=A.PENDING, author_email="nora@example.org")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        editor_client.post(CHANGELIST, {"action": "bulk_approve", "_selected_action": [held.pk]})

    held.refresh_from_db()
    assert held.status == A.APPROVED
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert to(mailoutbox) == ["ann@example.org"]


def test_the_post_author_is_emailed_only_after_the_comment_is_committed(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_comment(client, post, comment="Approved at once.")

    assert Comment.objects.get(post=post).status == A.APPROVED
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert to(mailoutbox) == ["ann@example.org"]


# Editing re-runs moderation, and the emails follow ---------------------------------------------------


def test_an_edit_that_is_held_again_asks_the_moderators_again(
    client, post, editor, known_guest, discussion, mailoutbox, django_capture_on_commit_callbacks
):
    discussion.moderation_keys = "miracle"
    discussion.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="A sober comment.")
    comment = Comment.objects.get(post=post)
    assert comment.status == A.APPROVED
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comments:edit", kwargs={"pk": comment.pk}), {"comment": "A miracle cure!"})

    comment.refresh_from_db()
    assert comment.status == A.PENDING
    assert to(mailoutbox) == ["eddie@example.org"]
    assert "An edited comment" in mailoutbox[0].body
    assert "A miracle cure!" in mailoutbox[0].body


def test_an_approved_comment_corrected_in_place_is_not_announced_twice(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="A comment with a tpyo.")
    assert to(mailoutbox) == ["ann@example.org"]
    mailoutbox.clear()
    comment = Comment.objects.get(post=post)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comments:edit", kwargs={"pk": comment.pk}), {"comment": "A comment with a typo."})

    comment.refresh_from_db()
    assert comment.body == "A comment with a typo."
    assert comment.status == A.APPROVED
    assert mailoutbox == []


# The admin: WordPress's bulk actions, by name ---------------------------------------------------------


def test_the_comment_list_offers_each_wordpress_bulk_action_by_name(editor_client, post):
    CommentFactory(post=post)

    html = editor_client.get(CHANGELIST).content.decode()

    options = re.findall(r'<option value="([a-z_]+)">([^<]+)</option>', html)
    assert options == [
        ("bulk_approve", "Approve"),
        ("bulk_unapprove", "Unapprove"),
        ("bulk_spam", "Mark as spam"),
        ("bulk_not_spam", "Not spam"),
        ("bulk_trash", "Move to Trash"),
        ("bulk_restore", "Restore"),
        ("delete_permanently", "Delete permanently"),
    ]


def test_the_pending_count_follows_moderation_in_the_navigation(editor_client, post):
    held = CommentFactory.create_batch(2, post=post, status=A.PENDING)
    badge = re.compile(r'<span class="pending-count"[^>]*>(\d+)</span>')

    assert badge.search(editor_client.get(reverse("admin:index")).content.decode()).group(1) == "2"
    editor_client.post(CHANGELIST, {"action": "bulk_spam", "_selected_action": [held[0].pk]})
    assert badge.search(editor_client.get(reverse("admin:index")).content.decode()).group(1) == "1"


def test_a_comment_in_the_trash_is_restored_then_approved_and_shown_again(editor_client, post, client):
    comment = CommentFactory(post=post, body="Trashed by mistake.")
    editor_client.post(CHANGELIST, {"action": "bulk_trash", "_selected_action": [comment.pk]})
    assert "Trashed by mistake." not in Client().get(post.get_absolute_url()).content.decode()

    editor_client.post(
        f"{CHANGELIST}?comment_status=trash", {"action": "bulk_restore", "_selected_action": [comment.pk]}
    )
    editor_client.post(
        f"{CHANGELIST}?comment_status=pending", {"action": "bulk_approve", "_selected_action": [comment.pk]}
    )

    comment.refresh_from_db()
    assert comment.status == A.APPROVED
    assert "Trashed by mistake." in Client().get(post.get_absolute_url()).content.decode()


# Feeds ----------------------------------------------------------------------------------------------


def test_a_posts_feed_leaves_out_held_spam_trashed_and_deleted_comments(client, post):
    CommentFactory(post=post, body="Shown")
    for status in (A.PENDING, A.SPAM, A.TRASH):
        CommentFactory(post=post, status=status, body=f"Hidden {status}")
    CommentFactory(post=post, is_removed=True, body="Hidden removed")

    response = client.get(reverse("comments:post_feed", kwargs=post.permalink_kwargs()))

    feed = feedparser.parse(response.content)
    assert [entry.summary for entry in feed.entries] == ["<p>Shown</p>"]
    assert "Hidden" not in response.content.decode()


def test_a_post_made_private_takes_its_comments_out_of_the_all_comments_feed(client, post):
    CommentFactory(post=post, body="Was public")
    assert "Was public" in client.get(reverse("comments:feed")).content.decode()

    post.status = Post.Status.PRIVATE
    post.save()

    assert "Was public" not in client.get(reverse("comments:feed")).content.decode()
