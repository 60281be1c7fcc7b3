"""Run the scheduler of periodic jobs (esolplus.scheduling): one process for the whole site."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from esolplus.scheduling import build_scheduler, enqueue_periodic


class Command(BaseCommand):
    help = "Enqueue the periodic jobs in settings.SCHEDULED_TASKS at their times (runs until stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Print each job and its next time, then stop.")
        parser.add_argument("--once", action="store_true", help="Enqueue every periodic job now, then stop.")

    def handle(self, *args, **options):
        if options["once"]:
            for task_path, _crontab in settings.SCHEDULED_TASKS:
                enqueued = enqueue_periodic(task_path)
                self.stdout.write(f"{task_path}: {'enqueued' if enqueued else 'already enqueued this minute'}")
            return
        scheduler = build_scheduler()
        if options["list"]:
            now = timezone.localtime()
            for job in scheduler.get_jobs():
                self.stdout.write(f"{job.name}: next {job.trigger.get_next_fire_time(None, now):%Y-%m-%d %H:%M %Z}")
            return
        self.stdout.write(f"Scheduler: {len(scheduler.get_jobs())} periodic jobs (Ctrl-C to stop).")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
