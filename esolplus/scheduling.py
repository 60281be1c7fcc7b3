"""Periodic jobs: APScheduler enqueues each task in ``settings.SCHEDULED_TASKS`` at its crontab times.

Why APScheduler: django-tasks has no scheduler of its own, and rq-scheduler (or RQ's cron) works only with the Redis
queue; APScheduler is maintained, needs no service, and only *enqueues* through the tasks API, so the same schedule
runs the same jobs on the database queue (``make run``) and on RQ (production). Run one scheduler
(``manage.py run_scheduler``, the Procfile's ``scheduler``). A second one, started by mistake or during a
deployment, does no harm: each firing is claimed in the shared cache first, so with Redis it is enqueued once, and
every periodic job is safe to run twice anyway.
"""

import datetime
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue_periodic(task_path: str, now: datetime.datetime | None = None) -> bool:
    """Enqueue one periodic task unless another scheduler already did for this minute; whether it was enqueued."""
    slot = (now or timezone.now()).strftime("%Y%m%d%H%M")
    if not cache.add(f"scheduled:{task_path}:{slot}", 1, timeout=10 * 60):
        return False
    import_string(task_path).enqueue()
    return True


def _fire(task_path: str) -> None:
    """One firing, in the scheduler's thread: with a fresh database connection, as a request would have."""
    close_old_connections()
    try:
        enqueue_periodic(task_path)
    except Exception:
        logger.exception("Could not enqueue %s", task_path)
    finally:
        close_old_connections()


def build_scheduler() -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=settings.TIME_ZONE,
        # A scheduler that was down for a while runs each missed job once, not once per missed time.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 10 * 60},
    )
    for task_path, crontab in settings.SCHEDULED_TASKS:
        import_string(task_path)  # fail at start, not at 3 a.m., if a path is wrong
        scheduler.add_job(
            _fire,
            CronTrigger.from_crontab(crontab, timezone=settings.TIME_ZONE),
            args=[task_path],
            id=task_path,
            name=f"{task_path} ({crontab})",
        )
    return scheduler
