"""Email as background work: queued durably after commit, sent by a worker, retried, never lost or doubled.

These tests use the embedded default, the database queue (django-tasks-db), and run its worker in-process
(``db_worker --batch``), so what a worker would do after a restart is exactly what they check.
"""

import datetime
import logging
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import outbox, tasks
from comments.models import Comment, PostAnnouncement, UndeliveredEmail
from posts.models import Post
from tests.factories import PostFactory
from tests.queue import run_worker

from .helpers import post_comment, to
from .test_emails import _subscribe_to_posts

pytestmark = pytest.mark.django_db


class FlakyBackend(EmailBackend):
    """A mail server that refuses the first `refusals` messages, then takes them (into mail.outbox)."""

    refusals = 0

    def send_messages(self, messages):
        if FlakyBackend.refusals > 0:
            FlakyBackend.refusals -= 1
            raise ConnectionRefusedError("421 Try again later")
        return super().send_messages(messages)


def test_a_held_comment_waits_in_the_queue_until_a_worker_sends_its_email_exactly_once(
    client, post, editor, mailoutbox, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, post, comment="Is this safe in pregnancy?")

    assert response.status_code == 302
    assert mailoutbox == []  # the reader's request only queued it
    waiting = DBTaskResult.objects.ready()
    assert [result.task_path for result in waiting] == ["comments.tasks.comment_posted"]
    assert waiting.get().args_kwargs["args"] == [Comment.objects.get().pk]  # an id, not an object

    run_worker()  # a worker started later (after a restart) finds it in the database

    assert to(mailoutbox) == ["eddie@example.org"]
    assert "Is this safe in pregnancy?" in mailoutbox[0].body
    run_worker()
    assert len(mailoutbox) == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_queued_email_is_committed_with_the_comment_or_not_at_all(
    client, post, editor, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        response = post_comment(client, post, comment="Does fatigue count as a relapse?")

    assert response.status_code == 302
    # Written in the comment's own transaction: nothing is left to do after the commit, so a crash right after
    # it cannot lose the email.
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.all()] == [[Comment.objects.get().pk]]
    for callback in after_commit:
        callback()
    assert DBTaskResult.objects.count() == 1

    def queue_then_fail():
        with transaction.atomic():
            outbox.enqueue_on_commit(tasks.comment_posted, Comment.objects.get().pk)
            raise RuntimeError("the comment's transaction failed")

    with pytest.raises(RuntimeError):
        queue_then_fail()

    assert DBTaskResult.objects.count() == 1  # the rolled-back one queued nothing


def test_a_message_the_mail_server_refuses_is_retried_later_with_backoff(
    client, post, editor, mailoutbox, settings, database_queue, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.comments_moderation.test_email_tasks.FlakyBackend"
    FlakyBackend.refusals = 2
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Held while the mail server sulks.")

    run_worker()
    assert mailoutbox == []
    retry = DBTaskResult.objects.filter(task_path="comments.outbox.send_email", status="READY").get()
    assert retry.args_kwargs["args"][1] == 2  # the second attempt…
    wait = retry.run_after - timezone.now()
    assert datetime.timedelta(seconds=50) < wait <= datetime.timedelta(minutes=1)  # …a minute later

    run_worker()
    assert mailoutbox == []  # not due yet
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        run_worker()  # refused again: the third attempt waits five minutes
    assert mailoutbox == []
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=8)):
        run_worker()

    assert to(mailoutbox) == ["eddie@example.org"]
    assert not UndeliveredEmail.objects.exists()


def test_a_message_never_taken_is_kept_for_administrators_and_the_comment_is_kept(
    client, post, editor, superuser, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.comments_moderation.helpers.BrokenBackend"

    with (
        caplog.at_level(logging.WARNING, logger="comments.outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_comment(client, post, comment="Posted while mail is down for good.")

    assert response.status_code == 302
    assert Comment.objects.get().body == "Posted while mail is down for good."
    kept = UndeliveredEmail.objects.order_by("to")
    assert [email.to for email in kept] == ["eddie@example.org", "root@example.org"]
    assert kept[0].attempts == outbox.MAIL_ATTEMPTS
    assert "The mail server is down" in kept[0].error
    assert "Posted while mail is down for good." in kept[0].body
    assert any(record.levelno == logging.ERROR and "Gave up" in record.getMessage() for record in caplog.records)

    # The administrator sees them, fixes the mail server and sends them again.
    client.force_login(superuser)
    listing = client.get("/admin/comments/undeliveredemail/")
    assert "Please moderate" in listing.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/comments/undeliveredemail/",
            {"action": "send_again", "_selected_action": [str(email.pk) for email in kept]},
        )
    assert sorted(to(mail.outbox)) == ["eddie@example.org", "root@example.org"]
    assert not UndeliveredEmail.objects.exists()


def test_a_scheduled_post_is_announced_by_a_task_queued_for_its_publication_time(
    client, post, author, known_guest, mailoutbox, database_queue, django_capture_on_commit_callbacks
):
    _subscribe_to_posts_through_the_queue(client, post, mailoutbox, django_capture_on_commit_callbacks)
    PostAnnouncement.objects.bulk_create(PostAnnouncement(post=public) for public in Post.objects.all())
    publish_at = timezone.now() + datetime.timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        scheduled = PostFactory(title="Coming on Monday", author=author, published_at=publish_at)

    queued = DBTaskResult.objects.get(task_path="comments.tasks.announce_post")
    assert queued.run_after == publish_at
    run_worker()
    assert mailoutbox == []  # not public yet, and no cron needed to remember it

    with time_machine.travel(publish_at + datetime.timedelta(seconds=5)):
        run_worker()
        run_worker()

    assert to(mailoutbox) == ["ada@example.org"]
    assert mailoutbox[0].subject == "[MS Research Notes] New post: “Coming on Monday”"
    assert scheduled.get_absolute_url() in mailoutbox[0].body


def test_a_post_moved_later_is_announced_at_its_new_time_not_the_old_one(
    client, post, author, known_guest, mailoutbox, database_queue, django_capture_on_commit_callbacks
):
    _subscribe_to_posts_through_the_queue(client, post, mailoutbox, django_capture_on_commit_callbacks)
    PostAnnouncement.objects.bulk_create(PostAnnouncement(post=public) for public in Post.objects.all())
    first, second = timezone.now() + datetime.timedelta(hours=1), timezone.now() + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = PostFactory(title="Moved", author=author, published_at=first)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled.published_at = second
        scheduled.save()

    with time_machine.travel(first + datetime.timedelta(minutes=1)):
        run_worker()
    assert mailoutbox == []  # the task queued for the old time finds the post still scheduled
    with time_machine.travel(second + datetime.timedelta(minutes=1)):
        run_worker()
        run_worker()
    assert to(mailoutbox) == ["ada@example.org"]


def test_no_side_effect_runs_on_a_private_thread_pool():
    comments = Path(tasks.__file__).parent
    for source in comments.rglob("*.py"):
        text = source.read_text()
        assert "ThreadPoolExecutor" not in text, source
        assert "import threading" not in text, source


def _subscribe_to_posts_through_the_queue(client, post, mailoutbox, capture):
    """The reader subscribes and confirms; the worker sends the confirmation request in between."""

    class Capture:
        def __init__(self, **kwargs):
            self.inner = capture(**kwargs)

        def __enter__(self):
            return self.inner.__enter__()

        def __exit__(self, *exc):
            result = self.inner.__exit__(*exc)
            run_worker()
            return result

    _subscribe_to_posts(client, post, mailoutbox, Capture)


def test_a_task_that_fails_is_visible_to_administrators_and_the_comment_stays(
    client, post, editor, superuser, mailoutbox, database_queue, monkeypatch, django_capture_on_commit_callbacks
):
    from comments import notifications

    def broken(*args, **kwargs):
        raise RuntimeError("the template is broken")

    monkeypatch.setattr(notifications, "comment_posted", broken)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, post, comment="Saved whatever the worker does.")
    run_worker()

    assert Comment.objects.get().body == "Saved whatever the worker does."
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "the template is broken" in failed.traceback
    client.force_login(superuser)
    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert listing.status_code == 200
    assert "comment_posted" in listing.content.decode()
