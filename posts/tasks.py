"""The posts app's background work: renditions of large uploads are made on a task worker, not in the request.

The upload request stores the cleaned original and queues ``make_renditions`` with the image's id once its
transaction commits; until the task has run, pages show the original (``Image.candidates`` falls back to it).
A failure is retried with backoff; after the last attempt it is logged and left FAILED in the task admin, and
the image keeps showing its original. ``manage.py make_renditions`` queues every image still lacking them (after
a worker was killed mid-task, or a queue that could not be reached).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import renditions

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd and 4th attempt (a storage endpoint that was briefly down, a worker short of memory).
RETRY_DELAYS = (datetime.timedelta(minutes=1), datetime.timedelta(minutes=10), datetime.timedelta(hours=1))
ATTEMPTS = len(RETRY_DELAYS) + 1


def enqueue_renditions_on_commit(image_id: int) -> None:
    """Queue the renditions of an image once the transaction that stored it commits (at once outside one)."""
    # robust: a queue that cannot be reached is logged; the upload stands and shows its original meanwhile.
    transaction.on_commit(lambda: make_renditions.enqueue(image_id), robust=True)


@task(queue_name=settings.TASKS_QUEUE)
def make_renditions(image_id: int, attempt: int = 1) -> int:
    """Make the renditions an image lacks (none if it has them all); returns how many were made."""
    try:
        return renditions.finish(image_id)
    except Exception as error:
        if attempt >= ATTEMPTS:
            logger.error("Gave up making the renditions of image %s after %d attempts: %s", image_id, attempt, error)
            raise  # the task is FAILED, with its traceback, in the admin's task results
        delay = RETRY_DELAYS[attempt - 1]
        logger.warning(
            "Could not make the renditions of image %s (attempt %d of %d), trying again in %s: %s",
            image_id,
            attempt,
            ATTEMPTS,
            delay,
            error,
        )
        retry = make_renditions
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + delay)
        retry.enqueue(image_id, attempt + 1)
        return 0
