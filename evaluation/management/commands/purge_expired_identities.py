"""Delete identity data of learners whose pilots are all past their data retention date (run daily)."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from evaluation.services import purge_expired_identities


class Command(BaseCommand):
    help = "Erase the identities of learners whose every pilot is past its retention date."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat)

    def handle(self, *args, **options):
        count = purge_expired_identities(options["today"] or timezone.localdate())
        self.stdout.write(f"Erased {count} learner identities past their retention date.")
