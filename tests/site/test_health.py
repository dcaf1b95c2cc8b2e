"""/healthz: what a load balancer and an operator learn about database, cache, task queue and storage."""

import datetime
import socket
from unittest import mock

import pytest
from botocore.config import Config
from django.db import OperationalError
from django.utils import timezone
from django_tasks import task

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@task
def waiting_chore() -> None:
    """A task that only ever waits in these tests."""


def test_everything_up_answers_200_with_each_part_ok_and_is_never_cached(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert {report[part]["status"] for part in ("database", "cache", "queue", "storage")} == {"ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_database_outage_is_a_503_that_names_the_error(client):
    with mock.patch("mssite.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "error"
    assert report["database"] == {"status": "error", "error": "OperationalError: connection refused"}


def test_an_unreachable_redis_cache_is_a_503(client, settings):
    port = port_nobody_listens_on()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"]["status"] == "error"
    assert "Connection" in response.json()["cache"]["error"]
    assert response.json()["database"]["status"] == "ok"


def test_unreachable_object_storage_is_a_503(client, settings):
    from tests.fakes.s3 import storage_options

    port = port_nobody_listens_on()
    options = storage_options(f"http://127.0.0.1:{port}", "media-nowhere")
    options["OPTIONS"]["client_config"] = Config(connect_timeout=1, retries={"max_attempts": 0})
    settings.STORAGES = {**settings.STORAGES, "default": options}
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["storage"]["status"] == "error"


def test_object_storage_that_answers_is_ok(client, s3_media):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["storage"] == {"status": "ok", "backend": "S3Storage"}


def test_the_queue_reports_how_long_the_oldest_due_task_has_waited(client, settings):
    settings.TASKS = DATABASE_QUEUE
    assert client.get("/healthz").json()["queue"]["oldest_waiting_seconds"] is None

    from django_tasks_db.models import DBTaskResult

    result = waiting_chore.enqueue()
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=5))
    waiting_chore.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue()  # not due: not late

    queue = client.get("/healthz").json()["queue"]

    assert queue["backend"] == "DatabaseBackend"
    assert 299 <= queue["oldest_waiting_seconds"] <= 330


def port_nobody_listens_on() -> int:
    """A loopback port that was free a moment ago and has nobody listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
