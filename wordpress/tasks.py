"""The wordpress app's background work: imports too big for a web request run on a task worker.

The uploaded export is kept in the default storage (the bucket with MEDIA_STORAGE=s3), so the worker that
picks the task up may run on another machine; it is deleted when the import ends, whatever the outcome.
The import itself is ``services.import_wxr``: this module queues it (``queue_uploaded_file``, which the admin
calls) and runs it, so the services know nothing of the queue.
"""

import logging
import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import services
from .models import ImportRun
from .wxr import WxrError

logger = logging.getLogger(__name__)


@task(queue_name=settings.TASKS_QUEUE)
def import_stored_file(run_id: int, stored_name: str) -> str:
    """Import the export stored at ``stored_name`` for the queued ``ImportRun``; returns the run's status."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.RUNNING).first()
    if run is None:
        return "gone"
    try:
        with default_storage.open(stored_name, "rb") as source, transaction.atomic():
            report = services.import_wxr(source=source, dry_run=run.dry_run)
    except WxrError as error:
        run.status, run.error = ImportRun.Status.FAILED, str(error)
    except Exception:
        logger.exception("Background WordPress import of %s (run %s) failed unexpectedly", run.file_name, run.pk)
        run.status = ImportRun.Status.FAILED
        run.error = (
            "The import stopped on an unexpected error (the details are in the worker's log). Nothing was imported."
        )
    else:
        run.status, run.report, run.items_total = ImportRun.Status.SUCCEEDED, report.to_dict(), report.items_total
    finally:
        default_storage.delete(stored_name)
    run.finished_at = timezone.now()
    run.save()
    return run.status


def queue_uploaded_file(*, upload, started_by, dry_run: bool = False) -> ImportRun:
    """Keep a big upload in storage and queue its import on a worker; the run says how it goes."""
    run = ImportRun.objects.create(
        file_name=upload.name[:255], file_size=upload.size, dry_run=dry_run, started_by=started_by
    )
    upload.seek(0)
    stored_name = default_storage.save(f"wordpress-imports/{uuid.uuid4().hex}.xml", upload)
    run_id = run.pk

    def enqueue():
        result = import_stored_file.enqueue(run_id, stored_name)
        ImportRun.objects.filter(pk=run_id).update(report={"task_id": str(result.id)})

    transaction.on_commit(enqueue)
    return run
