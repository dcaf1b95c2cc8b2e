"""The embedded task queue in tests: the database queue (django-tasks-db), and its worker run in-process."""

from unittest import mock

from django.core.management import call_command

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker() -> None:
    """What `manage.py db_worker` does, until no task is due."""
    # The worker closes "old" connections between tasks; inside a test's transaction that would be the test's own
    # connection (PostgreSQL), so here it keeps it.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
