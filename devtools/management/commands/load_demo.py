"""python manage.py load_demo: fictional providers, classes and pilot data for trying the site."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools import demo


class Command(BaseCommand):
    help = "Load demo content (idempotent). Refuses to run unless DEBUG is on."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even with DEBUG off (throwaway databases only)")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo content is only loaded where DEBUG is on.")
        logins = demo.load_all(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content loaded. Local demo logins (for this machine only):"))
        for role, username, password in logins:
            self.stdout.write(f"  {role:<28} {username} / {password}")
