"""The site's other emails leave through the task queue too: allauth's and the error reports to administrators.

Nothing talks to the mail server on a request thread or a private thread pool: a password reset or an error
report is a queued ``send_email`` (retried with backoff like a comment notification) that a worker sends.
"""

import ast
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from tests.queue import run_worker

pytestmark = pytest.mark.django_db

APP_FOLDERS = ("accounts", "comments", "posts", "wordpress", "mssite")


def queued_emails() -> list[dict]:
    return [
        result.args_kwargs["args"][0]
        for result in DBTaskResult.objects.filter(task_path="comments.outbox.send_email", status="READY")
    ]


def test_an_authors_password_reset_email_is_queued_and_sent_by_the_worker(
    client, mailoutbox, database_queue, django_capture_on_commit_callbacks
):
    UserFactory(username="rosa", email="rosa@example.org", is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "rosa@example.org"})

    assert response.status_code == 302
    assert mailoutbox == []  # the request did not wait for the mail server
    assert [email["to"] for email in queued_emails()] == ["rosa@example.org"]
    run_worker()
    assert [message.to for message in mailoutbox] == [["rosa@example.org"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL


def test_an_error_report_to_administrators_is_queued_not_sent_on_the_request(
    client, mailoutbox, database_queue, settings
):
    settings.ADMINS = [("Operator", "ops@example.org")]

    response = client.get("/", headers={"host": "forged.example"})  # Django logs a DisallowedHost as an ERROR

    assert response.status_code == 400
    assert mailoutbox == []
    [report] = queued_emails()
    assert report["to"] == "ops@example.org"
    run_worker()
    [message] = mailoutbox
    assert message.subject.startswith(f"{settings.EMAIL_SUBJECT_PREFIX}ERROR")
    assert "forged.example" in message.subject
    assert message.from_email == settings.SERVER_EMAIL


def test_djangos_own_error_mailer_is_not_installed():
    """Django's AdminEmailHandler would talk SMTP on the request thread; ours queues the report."""
    handlers = logging.getLogger("django").handlers
    assert [type(handler).__name__ for handler in handlers] == ["QueuedAdminEmailHandler"]


def _imports(source: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_app_starts_threads_or_processes_of_its_own():
    root = Path(settings.BASE_DIR)
    modules = [path for folder in APP_FOLDERS for path in (root / folder).rglob("*.py")]
    assert len(modules) > 100
    for module in modules:
        assert not _imports(module) & {"threading", "_thread", "concurrent.futures", "multiprocessing"}, module
