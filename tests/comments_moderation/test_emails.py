"""Email about comments: sent after commit, never failing the reader; moderators, the post's author, subscribers."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.links import LINK_SALT, read_link_token
from comments.models import Comment, Subscription
from tests.factories import CommentFactory, PostFactory

from .helpers import html_body, link_path, links, post_comment, to

pytestmark = pytest.mark.django_db

A = Comment.Status


# After commit, never in the way -------------------------------------------------------------------


def test_email_waits_until_the_comment_is_committed(
    client, post, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_comment(client, post, comment="My first comment here.")

    assert response.status_code == 302
    assert Comment.objects.get().status == A.PENDING
    assert mailoutbox == []  # nothing goes out while the transaction could still roll back

    for callback in callbacks:
        callback()

    assert to(mailoutbox) == ["eddie@example.org"]


@pytest.mark.parametrize("backend", ["BrokenBackend", "UnreachableBackend"])
def test_a_broken_mail_server_never_loses_the_comment(
    client, post, editor, known_guest, settings, caplog, mailoutbox, django_capture_on_commit_callbacks, backend
):
    settings.EMAIL_BACKEND = f"tests.comments_moderation.helpers.{backend}"

    with (
        caplog.at_level(logging.ERROR, logger="comments.outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        held = post_comment(client, PostFactoryWithAuthor(post), name="Newcomer", email="new@example.org")
        shown = post_comment(client, post, comment="Still posted while mail is down.", notify_comments="on")

    assert held.status_code == shown.status_code == 302
    assert Comment.objects.filter(author_email="new@example.org", status=A.PENDING).exists()
    assert Comment.objects.filter(body="Still posted while mail is down.", status=A.APPROVED).exists()
    assert client.get(post.get_absolute_url()).content.decode().count("Still posted while mail is down.") == 1
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors, "the failure must be logged"
    assert all(record.name == "comments.outbox" for record in errors)


def PostFactoryWithAuthor(post):  # noqa: N802 - reads like the factory it wraps
    """Another public post by the same author."""
    from tests.factories import PostFactory

    return PostFactory(author=post.author, title="Another post")


# Moderators -------------------------------------------------------------------------------------


def test_moderators_are_asked_about_a_held_comment_with_one_click_links(
    client, post, editor, superuser, author, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, name="Nora", email="nora@example.org", comment="Is this safe in pregnancy?")

    assert to(mailoutbox) == ["eddie@example.org", "root@example.org"]  # not the post's author: she cannot moderate
    message = next(message for message in mailoutbox if message.to == ["eddie@example.org"])
    assert message.subject == "[MS Research Notes] Please moderate: “Rituximab and relapses”"
    assert "Is this safe in pregnancy?" in message.body
    assert "nora@example.org" in message.body
    assert len({url for url in links(message) if "/comments/moderate/" in url}) == 3  # approve, spam, trash
    assert "Approve" in html_body(message)
    assert "/comments/moderate/" in html_body(message)


def test_no_moderation_email_when_the_setting_is_off(
    client, post, editor, discussion, mailoutbox, django_capture_on_commit_callbacks
):
    discussion.notify_moderators = False
    discussion.save()

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Held quietly.")

    assert Comment.objects.get().status == A.PENDING
    assert mailoutbox == []


def _moderation_links(mailoutbox, email="eddie@example.org") -> dict[str, str]:
    message = next(message for message in mailoutbox if message.to == [email])
    found = {}
    for label, action in (("Approve it", "approve"), ("Mark it as spam", "spam"), ("Move it to the trash", "trash")):
        line = next(line for line in message.body.splitlines() if line.startswith(label))
        found[action] = line.split(": ", 1)[1].replace("http://127.0.0.1:8000", "")
    return found


@pytest.fixture
def held_comment(client, post, editor, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, name="Nora", email="nora@example.org", comment="Waiting for a moderator.")
    return Comment.objects.get(author_email="nora@example.org")


def test_approve_link_asks_first_then_approves_and_tells_the_post_author(
    client, post, held_comment, mailoutbox, django_capture_on_commit_callbacks
):
    approve = _moderation_links(mailoutbox)["approve"]
    mailoutbox.clear()

    page = client.get(approve)  # a mail scanner fetching the link changes nothing

    assert page.status_code == 200
    assert "Approve this comment?" in page.content.decode()
    assert "Waiting for a moderator." in page.content.decode()
    held_comment.refresh_from_db()
    assert held_comment.status == A.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(approve)

    held_comment.refresh_from_db()
    assert held_comment.status == A.APPROVED
    assert "The comment is approved and visible to everyone." in done.content.decode()
    assert to(mailoutbox) == ["ann@example.org"]
    assert "Waiting for a moderator." in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("action", "status", "text"), [("spam", A.SPAM, "marked as spam"), ("trash", A.TRASH, "trash")]
)
def test_spam_and_trash_links_act_on_post(client, held_comment, mailoutbox, action, status, text):
    url = _moderation_links(mailoutbox)[action]

    assert client.get(url).status_code == 200
    held_comment.refresh_from_db()
    assert held_comment.status == A.PENDING

    response = client.post(url)

    held_comment.refresh_from_db()
    assert held_comment.status == status
    assert text in response.content.decode()


def test_using_an_approve_link_twice_says_it_was_already_done(client, held_comment, mailoutbox):
    approve = _moderation_links(mailoutbox)["approve"]
    client.post(approve)

    again = client.post(approve)

    assert again.status_code == 200
    assert "This comment was already approved." in again.content.decode()


def test_each_moderator_gets_links_signed_for_themselves(
    client, post, editor, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Held for two moderators.")
    comment = Comment.objects.get()

    for moderator in (editor, superuser):
        for action, url in _moderation_links(mailoutbox, moderator.email).items():
            token = url.rstrip("/").rsplit("/", 1)[1]
            link = read_link_token(token)
            assert (link.comment_id, link.action, link.moderator_id) == (comment.pk, action, moderator.pk)


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), id="tampered"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(lambda token: token.replace(":", "", 1), id="truncated"),
    ],
)
def test_a_tampered_moderation_link_gets_a_friendly_page(client, held_comment, mailoutbox, mangle):
    approve = _moderation_links(mailoutbox)["approve"]
    token = approve.rstrip("/").rsplit("/", 1)[1]
    bad = reverse("comments:moderation_link", args=[mangle(token)])

    shown = client.get(bad)
    posted = client.post(bad)

    for response in (shown, posted):
        assert response.status_code == 400
        assert "This moderation link is not valid." in response.content.decode()
    held_comment.refresh_from_db()
    assert held_comment.status == A.PENDING


def test_a_link_for_an_action_email_never_offers_is_refused(client, held_comment, editor):
    forged = signing.dumps({"c": held_comment.pk, "a": "unapprove", "m": editor.pk}, salt=LINK_SALT)

    response = client.post(reverse("comments:moderation_link", args=[forged]))

    assert response.status_code == 400


def test_an_old_moderation_link_has_expired(client, held_comment, mailoutbox):
    approve = _moderation_links(mailoutbox)["approve"]

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(approve)

    assert response.status_code == 400
    assert "This moderation link has expired." in response.content.decode()
    held_comment.refresh_from_db()
    assert held_comment.status == A.PENDING


def test_a_link_sent_to_someone_who_no_longer_moderates_is_refused(client, held_comment, editor, mailoutbox):
    approve = _moderation_links(mailoutbox)["approve"]
    editor.groups.remove(Group.objects.get(name="Editor"))

    response = client.post(approve)

    assert response.status_code == 403
    assert "may no longer moderate comments" in response.content.decode()
    held_comment.refresh_from_db()
    assert held_comment.status == A.PENDING


def test_a_link_to_a_deleted_comment_says_so(client, held_comment, mailoutbox):
    approve = _moderation_links(mailoutbox)["approve"]
    held_comment.delete()

    response = client.get(approve)

    assert response.status_code == 404
    assert "This comment has been deleted since the email was sent." in response.content.decode()


# The post's author ------------------------------------------------------------------------------


def test_post_author_hears_of_a_new_approved_comment(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Thank you for writing this up.")

    assert to(mailoutbox) == ["ann@example.org"]
    message = mailoutbox[0]
    assert message.subject == "[MS Research Notes] New comment on “Rituximab and relapses”"
    assert "Ada Reader commented on your post" in message.body
    assert "Thank you for writing this up." in message.body
    comment = Comment.objects.get(post=post)
    assert f"{comment.get_absolute_url()}" in message.body


def test_post_author_is_not_told_when_the_setting_is_off(
    client, post, known_guest, discussion, mailoutbox, django_capture_on_commit_callbacks
):
    discussion.notify_post_author = False
    discussion.save()

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Thank you for writing this up.")

    assert Comment.objects.get(post=post).status == A.APPROVED
    assert mailoutbox == []


def test_post_author_is_not_told_about_a_held_comment_until_it_is_approved(
    client, post, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="First time here.")
    assert "ann@example.org" not in to(mailoutbox)
    mailoutbox.clear()
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "bulk_approve", "_selected_action": [Comment.objects.get().pk]},
        )

    assert to(mailoutbox) == ["ann@example.org"]


def test_post_author_is_not_told_about_their_own_comment(
    client, post, author, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(author)

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Thanks, everyone, for reading.")

    assert Comment.objects.get().status == A.APPROVED  # the post's author is trusted
    assert mailoutbox == []


# Subscribers of a thread: double opt-in, one-click unsubscribe ------------------------------------


def _subscribe_to_comments(client, post, mailoutbox, capture, *, email="ada@example.org"):
    """Tick "Notify me of new comments" and answer the confirmation email; returns that email."""
    with capture(execute=True):
        post_comment(client, post, email=email, comment=f"Please keep me posted ({email}).", notify_comments="on")
    confirmation = next(message for message in mailoutbox if message.to == [email])
    with capture(execute=True):
        client.post(link_path(confirmation, "/comments/subscription/confirm/"))
    mailoutbox.clear()
    return confirmation


def test_ticking_notify_me_sends_a_confirmation_and_nothing_else_until_confirmed(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Following this thread.", notify_comments="on")

    confirmation = next(message for message in mailoutbox if message.to == ["ada@example.org"])
    assert confirmation.subject == "[MS Research Notes] Please confirm: new comments on “Rituximab and relapses”"
    assert "/comments/subscription/confirm/" in confirmation.body
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        # A known author.
        CommentFactory(post=PostFactoryWithAuthor(post), author_name="Bob", author_email="bob@example.org")
        post_comment(client, post, name="Bob", email="bob@example.org", comment="Another reply.")

    assert "ada@example.org" not in to(mailoutbox)  # unconfirmed: hears nothing


def test_the_confirmation_page_asks_before_confirming(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Following this thread.", notify_comments="on")
    confirm = link_path(_to(mailoutbox, "ada@example.org"), "/comments/subscription/confirm/")
    subscription = post.comment_subscriptions.get()

    page = client.get(confirm)

    assert page.status_code == 200
    assert "Send ada@example.org an email for each new comment on “Rituximab and relapses”?" in _text(page)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None

    done = client.post(confirm)

    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert "Subscription confirmed" in done.content.decode()


def test_confirmed_subscriber_hears_of_new_comments_and_unsubscribes_with_one_click(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    _subscribe_to_comments(client, post, mailoutbox, django_capture_on_commit_callbacks)
    CommentFactory(post=PostFactoryWithAuthor(post), author_name="Bob", author_email="bob@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, name="Bob", email="bob@example.org", comment="Ocrelizumab worked for me.")

    news = next(message for message in mailoutbox if message.to == ["ada@example.org"])
    assert news.subject == "[MS Research Notes] New comment on “Rituximab and relapses”"
    assert "Ocrelizumab worked for me." in news.body
    unsubscribe_url = news.extra_headers["List-Unsubscribe"].strip("<>")
    assert news.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe with one click: {unsubscribe_url}" in news.body
    assert f'<a href="{unsubscribe_url}"' in html_body(news)

    # RFC 8058: the mail client POSTs by itself, with no page, no cookie and no CSRF token.
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(unsubscribe_url.replace("http://127.0.0.1:8000", ""), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "ada@example.org will no longer receive these emails." in response.content.decode()
    assert not post.comment_subscriptions.exists()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, name="Bob", email="bob@example.org", comment="One more thought.")
    assert "ada@example.org" not in to(mailoutbox)


def test_the_unsubscribe_link_in_a_browser_asks_first(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    _subscribe_to_comments(client, post, mailoutbox, django_capture_on_commit_callbacks)
    CommentFactory(post=PostFactoryWithAuthor(post), author_name="Bob", author_email="bob@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, name="Bob", email="bob@example.org", comment="Ocrelizumab worked for me.")
    news = next(message for message in mailoutbox if message.to == ["ada@example.org"])
    unsubscribe = link_path(news, "/comments/unsubscribe/")

    page = client.get(unsubscribe)

    assert "Stop sending ada@example.org an email for each new comment on “Rituximab and relapses”?" in _text(page)
    assert post.comment_subscriptions.exists()

    client.post(unsubscribe)
    again = client.post(unsubscribe)  # an old email's link still answers politely

    assert not post.comment_subscriptions.exists()
    assert again.status_code == 200
    assert "was already unsubscribed" in again.content.decode()


def test_a_subscriber_is_not_told_about_their_own_comment(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    _subscribe_to_comments(client, post, mailoutbox, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Replying to myself, oddly.")

    assert "ada@example.org" not in to(mailoutbox)


def test_subscribers_hear_of_a_held_comment_once_it_is_approved(
    client, post, known_guest, editor, mailoutbox, django_capture_on_commit_callbacks
):
    _subscribe_to_comments(client, post, mailoutbox, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, name="Stranger", email="stranger@example.org", comment="A first comment.")
    assert "ada@example.org" not in to(mailoutbox)
    held = Comment.objects.get(author_email="stranger@example.org")
    mailoutbox.clear()
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:comments_comment_changelist"), {"action": "bulk_approve", "_selected_action": [held.pk]}
        )
        client.post(  # approving twice announces nothing twice
            reverse("admin:comments_comment_changelist"), {"action": "bulk_approve", "_selected_action": [held.pk]}
        )

    assert to(mailoutbox) == ["ada@example.org", "ann@example.org"]


def test_a_comment_sent_to_the_trash_never_mails_the_address_it_typed(
    client, post, discussion, mailoutbox, django_capture_on_commit_callbacks
):
    discussion.disallowed_keys = "casino"
    discussion.save()

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, email="victim@example.org", comment="Best casino", notify_comments="on")

    assert Comment.objects.get().status == A.TRASH
    assert "victim@example.org" not in to(mailoutbox)
    assert not post.comment_subscriptions.exists()


def test_a_signed_in_reader_with_a_verified_address_needs_no_confirmation(
    client, post, mailoutbox, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    reader = UserFactory(username="carla", email="carla@example.org")
    EmailAddress.objects.create(user=reader, email="carla@example.org", verified=True, primary=True)
    client.force_login(reader)

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Following along.", notify_comments="on")

    assert "carla@example.org" not in to(mailoutbox)
    assert post.comment_subscriptions.get().confirmed_at is not None


@pytest.mark.parametrize("what", ["confirmation", "unsubscribe"])
def test_tampered_subscription_links_get_a_friendly_page(client, what):
    name = "comments:confirm_subscription" if what == "confirmation" else "comments:unsubscribe"

    for method in (client.get, client.post):
        response = method(reverse(name, args=["eyJlIjoiYUBiLmMifQ:1tamper:forged"]))
        assert response.status_code == 400
        assert f"This {what} link is not valid." in response.content.decode()


def test_an_old_confirmation_link_has_expired(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Following this thread.", notify_comments="on")
    confirm = link_path(_to(mailoutbox, "ada@example.org"), "/comments/subscription/confirm/")

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(confirm)

    assert response.status_code == 400
    assert "This confirmation link has expired." in response.content.decode()
    assert post.comment_subscriptions.get().confirmed_at is None


# New posts ------------------------------------------------------------------------------------------


def _subscribe_to_posts(client, post, mailoutbox, capture, *, email="ada@example.org"):
    with capture(execute=True):
        post_comment(client, post, email=email, comment="Tell me about new posts.", notify_posts="on")
    confirmation = next(message for message in mailoutbox if message.to == [email])
    assert confirmation.subject == "[MS Research Notes] Please confirm: new posts"
    with capture(execute=True):
        client.post(link_path(confirmation, "/comments/subscription/confirm/"))
    mailoutbox.clear()


def test_a_confirmed_reader_gets_one_email_when_a_post_is_published(
    client, post, author, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    from posts.models import Post
    from tests.factories import PostFactory

    _subscribe_to_posts(client, post, mailoutbox, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        draft = PostFactory(title="Vitamin D and relapses", author=author, status=Post.Status.DRAFT)
    assert mailoutbox == []  # a draft is nobody's news

    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Post.Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        draft.title = "Vitamin D and relapses (updated)"
        draft.save()  # re-saving a published post is not news either

    assert to(mailoutbox) == ["ada@example.org"]
    news = mailoutbox[0]
    assert news.subject == "[MS Research Notes] New post: “Vitamin D and relapses”"
    assert draft.get_absolute_url() in news.body
    assert news.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Unsubscribe with one click:" in news.body


def test_an_unconfirmed_reader_gets_no_new_post_email(
    client, post, author, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import PostFactory

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Tell me about new posts.", notify_posts="on")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(title="Vitamin D and relapses", author=author, published_at=timezone.now())

    assert mailoutbox == []


def test_unsubscribing_from_new_posts_works_with_one_click(
    client, post, author, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import PostFactory

    _subscribe_to_posts(client, post, mailoutbox, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(title="Vitamin D and relapses", author=author, published_at=timezone.now())
    unsubscribe = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "")

    response = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "ada@example.org will no longer receive these emails." in response.content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(title="Exercise and fatigue", author=author, published_at=timezone.now())
    assert mailoutbox == []


def test_an_imported_or_old_post_is_never_announced(
    client, post, author, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import PostFactory

    _subscribe_to_posts(client, post, mailoutbox, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(title="From WordPress", author=author, legacy_id=1234)
        PostFactory(title="Years ago", author=author, published_at=timezone.now() - timedelta(days=400))

    assert mailoutbox == []


def _to(mailoutbox, email):
    return next(message for message in mailoutbox if message.to == [email])


def _text(response) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def test_a_scheduled_post_is_announced_once_its_time_comes(
    client, post, author, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    from comments.models import PostAnnouncement
    from posts.models import Post
    from tests.factories import PostFactory

    _subscribe_to_posts(client, post, mailoutbox, django_capture_on_commit_callbacks)
    # The posts already public were announced when they were published (before this test's subscriber).
    PostAnnouncement.objects.bulk_create(PostAnnouncement(post=public) for public in Post.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = PostFactory(
            title="Coming on Monday", author=author, published_at=timezone.now() + timedelta(hours=1)
        )
    assert mailoutbox == []  # not public yet

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        dry = io.StringIO()
        call_command("send_post_announcements", "--dry-run", stdout=dry)
        assert mailoutbox == []
        assert "Would announce “Coming on Monday”" in dry.getvalue()
        call_command("send_post_announcements", stdout=io.StringIO())
        call_command("send_post_announcements", stdout=io.StringIO())  # safe to run again

    assert to(mailoutbox) == ["ada@example.org"]
    assert mailoutbox[0].subject == "[MS Research Notes] New post: “Coming on Monday”"
    assert scheduled.get_absolute_url() in mailoutbox[0].body


def test_a_confirmation_link_for_a_subscription_that_was_removed_says_so(
    client, post, known_guest, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Following this thread.", notify_comments="on")
    confirm = link_path(_to(mailoutbox, "ada@example.org"), "/comments/subscription/confirm/")
    post.comment_subscriptions.all().delete()

    response = client.post(confirm)

    assert response.status_code == 404
    assert "This subscription no longer exists." in response.content.decode()


def test_hostile_comment_text_is_escaped_in_the_moderation_email(
    client, post, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(
            client,
            post,
            name='<img src=x onerror="steal()">Eve',
            email="eve@example.org",
            comment='<script>alert("hi")</script><a href="javascript:alert(1)">win</a>',
        )

    html = html_body(_to(mailoutbox, "eddie@example.org"))
    assert "<script>" not in html
    assert "javascript:" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html  # the name is shown as text


SITE = "http://127.0.0.1:8000"


def _assert_one_click_unsubscribe(message) -> str:
    """RFC 2369/8058 headers, and the same link in the text and the HTML part; returns the link's path."""
    header = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://[^>]+/comments/unsubscribe/[^>]+/>", header)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url in message.body
    assert f'href="{url}"' in html_body(message)
    return url.replace(SITE, "")


def _confirm(client, mailoutbox, capture, email):
    confirmation = next(message for message in mailoutbox if message.to == [email])
    with capture(execute=True):
        client.post(link_path(confirmation, "/comments/subscription/confirm/"))
    mailoutbox.clear()


CHANGELIST = reverse("admin:comments_comment_changelist")


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
