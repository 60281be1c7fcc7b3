"""Run the task worker that matches the configured queue (the Procfile's `worker`, and `make run`)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def worker_command() -> list[str]:
    """The worker for settings.TASKS_BACKEND: db_worker for the database queue, RQ's worker (with its scheduler, which
    releases retries at their time, and django-tasks-rq's job class) for Redis."""
    if settings.TASKS_BACKEND == "database":
        return ["db_worker", "--queue-name", "*", "--no-reload"]
    if settings.TASKS_BACKEND == "rq":
        return ["rqworker", "default", "--with-scheduler", "--job-class", "django_tasks_rq.Job"]
    return []


class Command(BaseCommand):
    help = "Run the background task worker for the configured queue (TASKS_BACKEND) until stopped."

    def handle(self, *args, **options):
        command = worker_command()
        if not command:
            raise CommandError(f"TASKS_BACKEND={settings.TASKS_BACKEND}: tasks run in the request; no worker to run.")
        call_command(*command)
