"""The real database task queue (django-tasks-db) inside a test: jobs are stored when enqueued, and run when the test
says, by the worker's own loop, in the test's transaction. The suite's default is the immediate backend."""

from unittest import mock

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_TASKS


def run_queued() -> int:
    """Run every task that is due, as `manage.py db_worker --batch` would; how many ran."""
    before = DBTaskResult.objects.finished().count()
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    # The worker drops stale connections between jobs; inside a test's transaction that would end the test's.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
    return DBTaskResult.objects.finished().count() - before


def waiting() -> list[DBTaskResult]:
    """Tasks queued and not yet run (retries waiting for their time included), oldest first."""
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("enqueued_at"))


def make_retries_due() -> None:
    """Time passes: every retry waiting for later is due now."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
