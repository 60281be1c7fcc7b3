"""Storing a learner's enquiry and telling the provider, with a per-address limit against spam."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from finder.models import ClassPage, Enquiry

RATE_LIMIT = getattr(settings, "ENQUIRY_RATE_LIMIT", 5)
RATE_WINDOW_SECONDS = 60 * 60


class EnquiryRateLimited(Exception):
    """Too many enquiries from one address in the last hour."""


def _rate_key(ip_address: str) -> str:
    return f"enquiry-rate:{ip_address or 'unknown'}"


def check_rate_limit(ip_address: str) -> None:
    """Raise EnquiryRateLimited once an address has sent ``RATE_LIMIT`` enquiries this hour."""
    if cache.get(_rate_key(ip_address), 0) >= RATE_LIMIT:
        raise EnquiryRateLimited


def count_enquiry(ip_address: str) -> None:
    key = _rate_key(ip_address)
    if not cache.add(key, 1, RATE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, RATE_WINDOW_SECONDS)


def notification_address(class_page: ClassPage) -> str:
    """The provider's enquiries address, or the class's own contact email."""
    provider = class_page.provider
    return (getattr(provider, "email", "") or class_page.contact_email or "").strip()


@transaction.atomic
def send_enquiry(class_page: ClassPage, enquiry: Enquiry, ip_address: str = "") -> Enquiry:
    """Save the enquiry and email the provider once the row is committed."""
    enquiry.class_page = class_page
    enquiry.full_clean()
    enquiry.save()
    count_enquiry(ip_address)
    recipient = notification_address(class_page)
    if recipient:
        context = {"enquiry": enquiry, "class_page": class_page, "admin_url": settings.WAGTAILADMIN_BASE_URL}
        transaction.on_commit(
            lambda: send_mail(
                subject=f"New enquiry: {class_page.title}",
                message=render_to_string("emails/enquiry_notification.txt", context),
                from_email=None,
                recipient_list=[recipient],
            )
        )
    return enquiry
