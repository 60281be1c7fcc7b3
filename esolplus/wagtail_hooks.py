"""Wagtail admin additions: a link to two-step login (set up, backup codes, turn off) on each person's account page;
for coordinators, the report of background jobs that failed for good."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

# The failed jobs report registers its own admin URL and menu item (staff-only English, kept out of the learners'
# catalogues with the rest of that module).
from esolplus import admin_views  # noqa: F401


@hooks.register("register_account_menu_item")
def two_step_login_menu_item(request):
    return {
        "url": reverse("two_factor:profile"),
        "label": _("Two-step login"),
        "help_text": _("Ask for a code from an authenticator app after your password (optional)."),
    }
