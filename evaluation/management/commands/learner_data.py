"""UK GDPR requests about one learner: subject access (everything held, as JSON) or erasure."""

import json

from django.core.management.base import BaseCommand, CommandError

from evaluation.models import Learner
from evaluation.services import erase_learner, subject_access


class Command(BaseCommand):
    help = "Print everything held about a learner (--access) or erase their identity (--erase)."

    def add_arguments(self, parser):
        parser.add_argument("learner", help="The learner's database id or stored pseudonym.")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--access", action="store_true")
        action.add_argument("--erase", action="store_true")

    def handle(self, *args, **options):
        key = options["learner"]
        learner = Learner.objects.filter(pk=int(key)).first() if key.isdecimal() else None
        learner = learner or Learner.objects.filter(pseudonym=key).first()
        if learner is None:
            raise CommandError(f"No learner {key!r}.")
        if options["access"]:
            self.stdout.write(json.dumps(subject_access(None, learner), indent=2, ensure_ascii=False))
        else:
            erase_learner(None, learner)
            self.stdout.write(f"Erased the identity of learner {learner.pk}; pseudonymous records are kept.")
