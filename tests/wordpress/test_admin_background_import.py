"""A whole site moves in from the admin: an export above the request's limit is imported by a task worker
while the run's page shows how it goes, then the report."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import ADMINISTRATOR
from comments.models import Comment
from posts.models import Post
from wordpress import services
from wordpress.models import ImportRun

from .test_admin_import import UPLOAD, WXR, person, text_of, wxr_file

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def admin_client(client):
    client.force_login(person(ADMINISTRATOR))
    return client


@pytest.fixture
def small_request_limit(monkeypatch):
    """Make the test export count as big: anything over 1 KB goes to the background."""
    monkeypatch.setattr(services, "ADMIN_UPLOAD_LIMIT", 1024)


def run_worker() -> None:
    # The worker closes "old" connections between tasks; inside a test's transaction that would be the test's own
    # connection (PostgreSQL), so here it keeps it.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def stored_exports(storage) -> list[str]:
    return storage.listdir("wordpress-imports")[1] if storage.exists("wordpress-imports") else []


def test_a_big_export_is_queued_its_page_polls_and_then_shows_the_report(
    admin_client, small_request_limit, settings, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    settings.TASKS = DATABASE_QUEUE
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(UPLOAD, {"file": wxr_file(WXR, name="whole-site.xml")})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:wordpress_importrun_change", args=[run.pk])
    assert run.status == ImportRun.Status.RUNNING
    assert not Post.objects.exists()  # nothing imported on the request
    assert len(stored_exports(default_storage)) == 1  # kept where any worker can read it

    page = admin_client.get(response["Location"])
    assert "Waiting for a worker to start importing whole-site.xml" in text_of(page)
    assert "js/import-progress.js" in page.content.decode()
    progress_url = reverse("admin:wordpress_importrun_progress", args=[run.pk])
    assert admin_client.get(progress_url).json() == {"status": "running", "finished": False, "task": "READY"}

    run_worker()

    assert admin_client.get(progress_url).json() == {"status": "succeeded", "finished": True, "task": None}
    run.refresh_from_db()
    assert run.items_total == 3
    assert Post.objects.get().title == "Rituximab and relapses"
    assert Comment.objects.count() == 2
    report = text_of(admin_client.get(response["Location"]))
    assert "What the import did" in report
    assert "js/import-progress.js" not in admin_client.get(response["Location"]).content.decode()
    assert stored_exports(default_storage) == []  # the upload does not linger


def test_a_broken_big_export_fails_with_its_message_and_imports_nothing(
    admin_client, small_request_limit, django_capture_on_commit_callbacks
):
    broken = WXR.replace("</channel>", "<item><title>cut off")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(UPLOAD, {"file": wxr_file(broken, name="broken.xml")})

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.error
    assert not Post.objects.exists()


def test_a_big_export_waits_in_object_storage_when_media_is_on_s3(
    admin_client, small_request_limit, settings, s3_media, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(UPLOAD, {"file": wxr_file(WXR, name="whole-site.xml")})

    assert [item.key.split("/")[0] for item in s3_media.objects.all()] == ["wordpress-imports"]
    run_worker()
    assert ImportRun.objects.get().status == ImportRun.Status.SUCCEEDED
    assert list(s3_media.objects.all()) == []
