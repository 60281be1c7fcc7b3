"""Storing a learner's enquiry and telling the provider, with a per-client limit against spam.

The limit (``ENQUIRY_RATE``, 5 an hour) is counted by django-ratelimit in the shared cache (Redis when configured, so
it holds across app servers), per client address as ``esolplus.client_ip`` works it out behind trusted proxies.
The provider's email is queued with the enquiry (``esolplus.notifications``) and sent by a background job: a mail
server or GOV.UK Notify that is down delays it, and never costs the learner their enquiry or a confirmation.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django_ratelimit.core import get_usage

from esolplus import notifications
from finder.models import ClassPage, Enquiry

logger = logging.getLogger(__name__)

RATE_GROUP = "finder.enquiry"


def _usage(request: HttpRequest, increment: bool) -> dict | None:
    try:
        return get_usage(request, group=RATE_GROUP, key="ip", rate=settings.ENQUIRY_RATE, increment=increment)
    except Exception:
        # The cache is down: take the enquiry rather than refuse every learner; the log says why.
        logger.exception("Enquiry limit not checked: the cache could not be reached")
        return None


def is_rate_limited(request: HttpRequest) -> bool:
    """Whether this client has sent ``ENQUIRY_RATE`` enquiries (5) in the current hour."""
    usage = _usage(request, increment=False)
    return usage is not None and usage["limit"] > 0 and usage["count"] >= usage["limit"]


def count_enquiry(request: HttpRequest) -> None:
    _usage(request, increment=True)


def notification_address(class_page: ClassPage) -> str:
    """The provider's enquiries address, or the class's own contact email."""
    provider = class_page.provider
    return (getattr(provider, "email", "") or class_page.contact_email or "").strip()


def _in_english(display) -> str:
    """The provider's email is in English, whatever language the learner used the site in."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(display())


@transaction.atomic
def send_enquiry(class_page: ClassPage, enquiry: Enquiry) -> Enquiry:
    """Save the enquiry and queue the provider's email with it (sent once the row is committed)."""
    enquiry.class_page = class_page
    enquiry.full_clean()
    enquiry.save()
    recipient = notification_address(class_page)
    if recipient:
        context = {
            "class_title": class_page.title,
            "name": enquiry.name,
            "phone": enquiry.phone,
            "email": enquiry.email,
            "preferred_language": enquiry.preferred_language,
            "best_time": _in_english(enquiry.get_best_time_display),
            "enquiry_url": settings.WAGTAILADMIN_BASE_URL
            + reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry.pk]),
        }
        notifications.send_email(
            recipient, "enquiry_notification", context, settings.LANGUAGE_CODE, key=f"enquiry:{enquiry.pk}"
        )
    return enquiry
