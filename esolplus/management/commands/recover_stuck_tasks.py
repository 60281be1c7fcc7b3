"""Queue again the database queue's tasks whose worker died mid-job (esolplus.tasks.requeue_stuck_tasks)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from esolplus.tasks import requeue_stuck_tasks


class Command(BaseCommand):
    help = "Queue again tasks that have been RUNNING longer than --stuck-after seconds (their worker stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--stuck-after", type=int, default=settings.TASK_STUCK_AFTER_SECONDS, metavar="SECONDS")

    def handle(self, *args, **options):
        count = requeue_stuck_tasks(timedelta(seconds=options["stuck_after"]))
        self.stdout.write(f"Queued again {count} task(s).")
