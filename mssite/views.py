"""Operational endpoints that belong to the deployment rather than to any app."""

import datetime as dt
import logging
import sys
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as default_server_error
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

logger = logging.getLogger(__name__)


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def check_cache() -> dict:
    # A key of its own per probe: concurrent health checks on several servers never read each other's value.
    key, value = f"healthz:{uuid.uuid4().hex}", "1"
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was just stored")
    finally:
        cache.delete(key)
    return {"status": "ok"}


def oldest_waiting_task_age() -> float | None:
    """Seconds the oldest task that is due has waited for a worker (None: nothing waits).

    A growing age means the workers are down or too few: the number to alert on.
    """
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    backend_path = type(backend).__module__
    now = timezone.now()
    if backend_path.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult, get_date_max

        oldest = (
            DBTaskResult.objects.ready()
            .filter(backend_name=backend.alias)
            .order_by("enqueued_at")
            .values_list("enqueued_at", "run_after")
            .first()
        )
        if oldest is None:
            return None
        enqueued_at, run_after = oldest
        due_since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
        return max(0.0, (now - due_since).total_seconds())
    if backend_path.startswith("django_tasks_rq."):
        import django_rq

        oldest = None
        for name in backend.queues:
            queue = django_rq.get_queue(name)
            job_ids = queue.get_job_ids(0, 1)
            job = queue.fetch_job(job_ids[0]) if job_ids else None
            if job is not None and job.enqueued_at is not None:
                enqueued_at = job.enqueued_at
                if timezone.is_naive(enqueued_at):
                    enqueued_at = timezone.make_aware(enqueued_at, dt.UTC)
                age = (now - enqueued_at).total_seconds()
                oldest = age if oldest is None else max(oldest, age)
        return oldest
    return None  # the immediate backend runs tasks as they are enqueued


def check_queue() -> dict:
    age = oldest_waiting_task_age()
    return {
        "status": "ok",
        "backend": type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__,
        "oldest_waiting_seconds": None if age is None else round(age, 1),
    }


def check_storage() -> dict:
    # A read that reaches the storage service (a HEAD on S3, a stat on disk) without writing anything.
    default_storage.exists("healthz-probe")
    return {"status": "ok", "backend": type(default_storage._wrapped).__name__}


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "cache": check_cache,
    "queue": check_queue,
    "storage": check_storage,
}


@never_cache
@require_GET
def healthz(request):
    """Tell a load balancer and its operator whether this process reaches everything it needs.

    Each of database, cache, queue and storage is "ok" or the error; any error makes it a 503.
    """
    report, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure is the answer, not a crash
            logger.exception("Health check: %s is down", name)
            report[name] = {"status": "error", "error": f"{type(error).__name__}: {error}"[:300]}
            healthy = False
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)


# Seconds a reader (or a crawler, or the browser's draft script) is asked to wait while the database is away.
DATABASE_RETRY_AFTER = 30
DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request, template_name: str = "500.html"):
    """handler500: a database outage is a 503 with Retry-After ("try again soon"), anything else the 500 page.

    Django calls this while handling the exception, wherever it was raised (a view, or middleware that
    reads the session), so `sys.exc_info()` tells which it was. Both pages render without the database.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_DOWN):
        return default_server_error(request, template_name)
    try:
        body = loader.get_template("503.html").render({"retry_after": DATABASE_RETRY_AFTER})
    except Exception:  # noqa: BLE001 - the outage page must never fail in turn
        logger.exception("Could not render 503.html")
        body = "<h1>Service unavailable</h1><p>Nothing was saved. Please try again in a minute.</p>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
