"""UK GDPR erasure for the finder: forget a person who contacted us, found by email or phone.

What it finds is what ``finder_subject_access`` shows."""

import json

from django.core.management.base import BaseCommand, CommandError

from finder.waiting_services import erase_records_about, records_about


class Command(BaseCommand):
    help = (
        "Delete the enquiries, waiting-list entries and assessment bookings (with results) held for an email address"
        " and/or phone number. Without --yes it only lists what would be deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--yes", action="store_true", help="delete (otherwise only list)")

    def handle(self, *args, **options):
        email, phone = options["email"], options["phone"]
        if not email.strip() and not phone.strip():
            raise CommandError("Give --email or --phone (or both).")
        if not options["yes"]:
            counts = {kind: len(rows) for kind, rows in records_about(email=email, phone=phone).items()}
            self.stdout.write(json.dumps({"would_delete": counts}))
            return
        self.stdout.write(json.dumps({"deleted": erase_records_about(email=email, phone=phone)}))
