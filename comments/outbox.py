"""The way out for every email the site sends: queued after commit, sent by a worker, never lost.

Every message leaves as a ``send_email`` task of its own (Django Tasks API), queued with the transaction that
caused it (``enqueue_on_commit``): a rolled-back comment sends nothing, and a committed one is in the queue
before the reader sees the answer, so a restarted app server or worker loses none. The database queue is
written inside that transaction (the comment and its task are committed together); Redis, which cannot take
part in it, right after the commit. A failing address or mail server is retried with backoff on its own; after the
last attempt the message is kept as an ``UndeliveredEmail`` for administrators and logged as an error.

Who hears of what is comments/notifications.py's; the tasks that work it out from an id are comments/tasks.py's.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, 4th and 5th attempt to hand a message to the mail server.
MAIL_RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
MAIL_ATTEMPTS = len(MAIL_RETRY_DELAYS) + 1
# The queue every worker of this site listens on (TASKS_QUEUE; several sites may share one Redis).
QUEUE = settings.TASKS_QUEUE


def enqueue_on_commit(chore: Task, *args, run_after: datetime.datetime | None = None, **kwargs) -> None:
    """Queue ``chore`` with the current transaction: its row in the database queue is part of it; any other
    queue is written once it commits (at once outside one)."""

    def enqueue():
        if run_after is not None and chore.get_backend().supports_defer:
            chore.using(run_after=run_after).enqueue(*args, **kwargs)
        else:
            chore.enqueue(*args, **kwargs)

    if queues_in_the_database(chore):
        # Committed with what caused it or not at all, so no crash between the two can lose it; and a request
        # pays one commit, not a second one for the task (on PostgreSQL, a second flush of the log to disk).
        enqueue()
        return
    # robust: a queue that cannot be reached is logged; the request that committed the comment still answers.
    transaction.on_commit(enqueue, robust=True)


def queues_in_the_database(chore: Task) -> bool:
    """Whether ``chore``'s queue is a table of the database whose transactions ``enqueue_on_commit`` follows."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return isinstance(chore.get_backend(), DatabaseBackend) and router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS


def payloads(message: EmailMessage) -> list[dict]:
    """A message rendered elsewhere (allauth's, Django's error reports) as ``send_email`` payloads, one per recipient."""
    alternatives = getattr(message, "alternatives", None) or []
    html = next((content for content, mimetype in alternatives if mimetype == "text/html"), "")
    return [
        {
            "to": address,
            "from": message.from_email,
            "subject": message.subject,
            "body": message.body,
            "html": html,
            "headers": dict(message.extra_headers),
        }
        for address in [*message.to, *message.cc, *message.bcc]
    ]


def later(chore: Task, delay: datetime.timedelta) -> Task:
    """``chore`` to run after ``delay`` where the backend can wait (the immediate one of the tests cannot)."""
    if chore.get_backend().supports_defer:
        return chore.using(run_after=timezone.now() + delay)
    return chore


@task(queue_name=QUEUE)
def send_email(message: dict, attempt: int = 1) -> bool:
    """Hand one rendered message to the mail server; retry with backoff, then keep it for administrators."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message.get("from") or None,
        to=[message["to"]],
        headers=message.get("headers") or {},
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    try:
        with get_connection() as connection:
            connection.send_messages([email])
    except Exception as error:  # noqa: BLE001 - whatever the mail server says, the message must not be lost
        if attempt < MAIL_ATTEMPTS:
            delay = MAIL_RETRY_DELAYS[attempt - 1]
            logger.warning(
                "Could not email %s (%s), attempt %d of %d; trying again in %s: %s",
                message["to"],
                message["subject"],
                attempt,
                MAIL_ATTEMPTS,
                delay,
                error,
            )
            later(send_email, delay).enqueue(message, attempt + 1)
            return False
        from .models import UndeliveredEmail

        UndeliveredEmail.objects.create(
            to=message["to"],
            subject=message["subject"][:998],
            body=message["body"],
            html=message.get("html") or "",
            headers=message.get("headers") or {},
            attempts=attempt,
            error=f"{type(error).__name__}: {error}",
        )
        logger.error(
            "Gave up emailing %s (%s) after %d attempts; kept under Undelivered emails in the admin: %s",
            message["to"],
            message["subject"],
            attempt,
            error,
        )
        return False
    return True
