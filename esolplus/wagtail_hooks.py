"""Wagtail admin additions: a link to two-step login (set up, backup codes, turn off) on each person's account page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_account_menu_item")
def two_step_login_menu_item(request):
    return {
        "url": reverse("two_factor:profile"),
        "label": _("Two-step login"),
        "help_text": _("Ask for a code from an authenticator app after your password (optional)."),
    }
