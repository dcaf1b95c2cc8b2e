"""A mail server that is down, hung or misconfigured never costs a reader their comment, nor much of their time."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from comments import notifications
from comments.models import Comment
from tests.comments.helpers import post_comment
from tests.factories import PostFactory, UserFactory
from tests.fakes.smtp_server import FakeSMTPServer

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 1  # EMAIL_TIMEOUT for these tests, in seconds
MODERATORS = 5  # a held comment writes to each of them

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = TIMEOUT
    settings.COMMENTS_EMAIL_IN_BACKGROUND = False  # the worst case: mail sent while the reader waits
    cache.clear()
    notifications._unreachable_until.clear()
    for number in range(MODERATORS):
        UserFactory(username=f"moderator{number}", is_superuser=True, is_staff=True)
    yield settings
    notifications._unreachable_until.clear()


def post_and_time(client, django_capture_on_commit_callbacks):
    post = PostFactory()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        # Held for moderation (an email to each moderator) and asking to follow the discussion (a confirmation).
        response = post_comment(
            client, post, comment="Mail is down, but my words are not lost.", notify_comments="on", notify_posts="on"
        )
    return response, time.monotonic() - started


@pytest.mark.parametrize("hang_at", ["GREETING", "DATA"])
def test_a_hung_mail_server_neither_loses_the_comment_nor_holds_the_reader(
    client, smtp, django_capture_on_commit_callbacks, hang_at
):
    with FakeSMTPServer(hang_at=hang_at) as server:
        smtp.EMAIL_PORT = server.port
        response, seconds = post_and_time(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert Comment.objects.filter(body__contains="my words are not lost").count() == 1
    # One timeout to notice the hang, not one for each batch of emails the comment sends.
    assert server.connections == 1
    assert seconds < 2.5 * TIMEOUT


def test_a_mail_server_that_is_down_costs_nothing(client, smtp, django_capture_on_commit_callbacks):
    with FakeSMTPServer() as server:
        smtp.EMAIL_PORT = server.port
    # Stopped: the port now refuses connections.
    response, seconds = post_and_time(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert Comment.objects.filter(body__contains="my words are not lost").count() == 1
    assert seconds < TIMEOUT


def test_a_working_mail_server_gets_every_moderator_email(client, smtp, django_capture_on_commit_callbacks):
    with FakeSMTPServer() as server:
        smtp.EMAIL_PORT = server.port
        response, _ = post_and_time(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert len(server.messages) == MODERATORS + 2  # and the reader's two confirmation requests


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
