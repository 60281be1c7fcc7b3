"""python manage.py setup_provider "Name" --editor USERNAME --email EMAIL: a new provider in the CMS."""

from django.core.management.base import BaseCommand

from finder.cms.providers import setup_provider


class Command(BaseCommand):
    help = "Create a provider's page, its editors' group and its first editor (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the organisation's name, as learners know it")
        parser.add_argument("--editor", required=True, help="username of the provider's first editor")
        parser.add_argument("--email", default="", help="the editor's email address")
        parser.add_argument("--summary", default="", help="one or two short sentences about the provider")

    def handle(self, *args, name, editor, email, summary, **options):
        setup = setup_provider(name, editor_username=editor, editor_email=email, summary=summary)
        verb = "Created" if setup.created else "Found"
        self.stdout.write(self.style.SUCCESS(f"{verb} {setup.provider.title} at {setup.provider.url_path}"))
        self.stdout.write(f"Editors' group: {setup.editors.name}; editor: {setup.editor.get_username()}")
        if not setup.editor.has_usable_password():
            self.stdout.write(f"Set their password with: python manage.py changepassword {setup.editor.get_username()}")
