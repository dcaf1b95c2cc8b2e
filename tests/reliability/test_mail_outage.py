"""A mail server that is down, hung or misconfigured never costs a reader their comment, nor their time, nor an email.

The embedded default runs mail on the database queue: the reader's POST only queues the work; a worker talks
to the (here real, local, misbehaving) SMTP server, gives up after EMAIL_TIMEOUT and retries later.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, UndeliveredEmail
from tests.comments.helpers import post_comment
from tests.factories import PostFactory, UserFactory
from tests.fakes.smtp_server import FakeSMTPServer

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 1  # EMAIL_TIMEOUT for these tests, in seconds
MODERATORS = 3  # a held comment writes to each of them

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = TIMEOUT
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    cache.clear()
    for number in range(MODERATORS):
        UserFactory(username=f"moderator{number}", is_superuser=True, is_staff=True)
    return settings


def run_worker() -> None:
    """What `manage.py db_worker` does, until no task is due. A real worker is its own process: its habit of
    closing "old" connections would close this test's transaction on PostgreSQL, so it is kept from that."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def post_and_time(client, django_capture_on_commit_callbacks):
    post = PostFactory()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, post, comment="Mail is down, but my words are not lost.")
    return response, time.monotonic() - started


@pytest.mark.parametrize("hang_at", ["GREETING", "DATA"])
def test_a_hung_mail_server_neither_loses_the_comment_nor_its_emails_nor_holds_the_reader(
    client, smtp, django_capture_on_commit_callbacks, hang_at
):
    with FakeSMTPServer(hang_at=hang_at) as server:
        smtp.EMAIL_PORT = server.port
        response, seconds = post_and_time(client, django_capture_on_commit_callbacks)

        # The reader's request only queued the work: it never met the mail server.
        assert response.status_code == 302
        assert server.connections == 0
        assert seconds < TIMEOUT
        assert Comment.objects.filter(body__contains="my words are not lost").count() == 1

        run_worker()  # each message waits EMAIL_TIMEOUT, then is put back in the queue for later

    assert server.connections == MODERATORS
    retries = DBTaskResult.objects.filter(task_path="comments.outbox.send_email", status="READY")
    assert retries.count() == MODERATORS
    assert not UndeliveredEmail.objects.exists()

    # The mail server is back: the next run of the worker, a minute later, delivers every message once.
    with FakeSMTPServer() as server, time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        smtp.EMAIL_PORT = server.port
        run_worker()
    assert len(server.messages) == MODERATORS
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_mail_server_that_is_down_costs_the_reader_nothing(client, smtp, django_capture_on_commit_callbacks):
    with FakeSMTPServer() as server:
        smtp.EMAIL_PORT = server.port
    # Stopped: the port now refuses connections.
    response, seconds = post_and_time(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert Comment.objects.filter(body__contains="my words are not lost").count() == 1
    assert seconds < TIMEOUT
    run_worker()
    assert DBTaskResult.objects.filter(task_path="comments.outbox.send_email", status="READY").count() == MODERATORS


def test_the_default_mail_timeout_is_short():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT <= 5


def test_the_file_backend_writes_where_email_file_path_says(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    environment.update(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(tmp_path / "mail")
    )
    script = "from django.core.mail import send_mail; print(send_mail('Hello', 'Body', None, ['a@example.org']))"

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "1"
    [written] = (tmp_path / "mail").iterdir()
    assert "Subject: Hello" in written.read_text()
