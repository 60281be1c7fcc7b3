"""Background jobs: Django's tasks API (the django-tasks backport) and the three things it leaves to the project.

- **Retries.** The tasks API has none. A task made with ``job()`` that fails with a temporary error (``retry_on``,
  by default ``TemporaryFailure``: a mail server or Notify that is down) enqueues itself again with ``run_after``:
  30 s, 1, 2, 4... minutes later (``retry_delay``), up to ``TASK_MAX_ATTEMPTS`` attempts. Then, or at once for any
  other error, it gives up: ``on_give_up`` lets its owner record that (a notification marked failed, an export
  marked failed) and the attempt fails.
- **Failures seen by people.** Every task that finally fails, ours or Wagtail's, on any backend, is kept as a
  ``FailedJob`` (from the tasks API's ``task_finished`` signal), listed for coordinators in the admin.
- **Jobs whose worker died.** django-tasks-db marks a task RUNNING when a worker claims it and never looks at it
  again: if that worker is killed mid-job, the task would stay RUNNING forever. ``recover_stuck_tasks`` (every five
  minutes, from the scheduler) queues it again once it has been running longer than ``TASK_STUCK_AFTER_SECONDS``.
  A job may therefore run twice, so every job is idempotent (a notification records that it was sent; an export
  that is ready is not built again). RQ has its own answer: a job whose worker died is moved to its failed registry,
  and the notifications' sweep (``esolplus.notifications.resend_unsent``) sends what it missed.
"""

import functools
import logging
import random
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task, task_backends
from django_tasks.base import Task
from django_tasks.signals import task_finished

from esolplus.logging import redact

logger = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Worth trying again later: the service is down, slow or busy."""


class PermanentFailure(Exception):
    """Trying again will not help: a bad address, a refused message."""


def retry_delay(attempt: int) -> timedelta:
    """How long after failed attempt number ``attempt`` to try again: doubling, at most an hour, with a little
    jitter so that a queue of messages does not hit a service that has just come back all at once."""
    seconds = min(settings.TASK_RETRY_BASE_SECONDS * 2 ** (attempt - 1), settings.TASK_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(1.0, 1.1))


def job(
    *,
    retry_on: tuple[type[BaseException], ...] = (TemporaryFailure,),
    on_give_up: Callable | None = None,
    **task_options,
) -> Callable[[Callable], Task]:
    """A task (``django_tasks.task``) that retries temporary failures with backoff; see the module's docstring.

    The decorated function is called with the task's own arguments; the attempt number travels as the keyword
    argument ``attempt``, which the function does not see. ``on_give_up(*args, error=..., **kwargs)`` is called
    once, when the job fails for good.
    """

    def decorate(func: Callable) -> Task:
        @functools.wraps(func)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except retry_on as error:
                if attempt < settings.TASK_MAX_ATTEMPTS and the_task.get_backend().supports_defer:
                    run_after = timezone.now() + retry_delay(attempt)
                    the_task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1, **kwargs)
                    logger.warning("%s failed (%s); attempt %s at %s", the_task.name, error, attempt + 1, run_after)
                    return {"retry": attempt + 1, "run_after": run_after.isoformat()}
                _give_up(on_give_up, args, kwargs, error)
                raise
            except Exception as error:
                _give_up(on_give_up, args, kwargs, error)
                raise

        the_task = task(**task_options)(run)
        return the_task

    return decorate


def _give_up(on_give_up: Callable | None, args, kwargs, error: BaseException) -> None:
    if on_give_up is None:
        return
    try:
        on_give_up(*args, error=error, **kwargs)
    except Exception:
        logger.exception("Could not record that a job failed")


def enqueue_on_commit(the_task: Task, *args, **kwargs) -> None:
    """Enqueue once the current transaction has committed, so a worker never looks for rows not yet there.

    A queue that cannot be reached (Redis down) is logged and does not fail the request: what the job was for is
    already stored, and the periodic sweeps find it (``resend_unsent``; an export still waiting is shown as such).
    """

    def enqueue():
        try:
            the_task.enqueue(*args, **kwargs)
        except Exception:
            logger.exception("Could not enqueue %s; its periodic sweep will pick it up", the_task.name)

    transaction.on_commit(enqueue)


def error_text(error: BaseException | str, limit: int = 500) -> str:
    """An error as one line, without personal data, short enough to store and show."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return redact(" ".join(text.split()))[:limit]


@receiver(task_finished)
def keep_failed_task(sender, task_result, **kwargs) -> None:
    """Record each task that failed for good, so that it is seen (the tasks API only logs it)."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    from esolplus.models import FailedJob

    last = task_result.errors[-1] if task_result.errors else None
    traceback = last.traceback if last else ""
    lines = [line for line in (traceback or "").splitlines() if line.strip()]
    FailedJob.objects.create(
        task_path=task_result.task.module_path,
        task_id=str(task_result.id),
        arguments={"args": list(task_result.args), "kwargs": dict(task_result.kwargs)},
        error=error_text(lines[-1] if lines else (last.exception_class_path if last else "unknown error")),
        traceback=redact(traceback or "")[-5000:],
    )


def try_again(failed_job) -> None:
    """A coordinator's "try again": enqueue the same task with the same arguments, from a first attempt."""
    the_task = import_string(failed_job.task_path)
    if not isinstance(the_task, Task):
        raise ValueError(f"{failed_job.task_path} is not a task")
    kwargs = {name: value for name, value in failed_job.arguments.get("kwargs", {}).items() if name != "attempt"}
    the_task.enqueue(*failed_job.arguments.get("args", []), **kwargs)
    failed_job.retried_at = timezone.now()
    failed_job.save(update_fields=["retried_at"])


def uses_database_queue() -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def requeue_stuck_tasks(stuck_after: timedelta) -> int:
    """Database queue: put back tasks RUNNING for longer than ``stuck_after`` (their worker died); how many."""
    if not uses_database_queue():
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - stuck_after
    stuck = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    count = stuck.update(status=TaskResultStatus.READY)
    if count:
        logger.warning("Queued again %s task(s) whose worker stopped mid-job", count)
    return count


@job()
def recover_stuck_tasks() -> int:
    return requeue_stuck_tasks(timedelta(seconds=settings.TASK_STUCK_AFTER_SECONDS))


@job()
def publish_scheduled() -> None:
    """Wagtail's scheduled publishing and unpublishing (pages, and venues awaiting their go-live time)."""
    call_command("publish_scheduled")


@job()
def prune_task_records() -> None:
    """Finished task results (database queue) and old, handled failures: kept for a while, then deleted."""
    from esolplus.models import FailedJob

    if uses_database_queue():
        days = settings.TASK_RESULTS_KEEP_DAYS
        call_command("prune_db_task_results", queue_name="*", min_age_days=days, verbosity=0)
    old = timezone.now() - timedelta(days=90)
    FailedJob.objects.filter(retried_at__lt=old).delete()
