"""UK GDPR subject access for the finder: what is held about a person who contacted us, found by email or phone."""

import json

from django.core.management.base import BaseCommand, CommandError

from finder.waiting_services import records_about


class Command(BaseCommand):
    help = (
        "Print the enquiries, waiting-list entries and assessment bookings (with results) held for an email address"
        " and/or phone number, as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")

    def handle(self, *args, **options):
        if not options["email"].strip() and not options["phone"].strip():
            raise CommandError("Give --email or --phone (or both).")
        data = records_about(email=options["email"], phone=options["phone"])
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
