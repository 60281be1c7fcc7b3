"""Storing enquiries (a learner's, an adviser's referral, an employer's), telling the provider, confirming to the
sender with a reference, and answering "what is happening with my enquiry?" — with per-client limits against spam.

Limits are counted by django-ratelimit in the shared cache (Redis when configured, so they hold across app
servers), per client address as ``esolplus.client_ip`` works it out behind trusted proxies. Each kind of form has
its own group and rate: enquiries and employer enquiries ``ENQUIRY_RATE`` (5 an hour); referrals
``REFERRAL_RATE`` (20 an hour: an adviser refers several learners in a morning, and a whole Jobcentre may share one
address); status look-ups ``ENQUIRY_STATUS_RATE`` (10 an hour: enough to check now and then, far too few to try
references until one fits — there are about 5 × 10^11).

Every email and text message is queued with the record (``esolplus.notifications``) and sent by a background job: a
mail server or GOV.UK Notify that is down delays it, and never costs anyone their enquiry. The provider's message is
in English; the sender's confirmation is in the language they used the site in.

Who gets the confirmation (one message, never two):

- a learner's own enquiry: their email if they gave one (it costs nothing), else a text message to their phone;
- a referral: the adviser's email if they gave one (they filled in the form and will follow it up), else the
  learner's contact as above — an adviser who gave only a phone is often on an office line that cannot take texts;
- an employer: their email if given, else a text message.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django_ratelimit.core import get_usage

from esolplus import notifications
from esolplus.tasks import job
from finder.models import ClassPage, EmployerEnquiry, Enquiry, WorkplaceOfferPage
from finder.models.identifiers import normalise_reference

logger = logging.getLogger(__name__)

RATE_GROUP = "finder.enquiry"
REFERRAL_GROUP = "finder.referral"
EMPLOYER_GROUP = "finder.employer_enquiry"
STATUS_GROUP = "finder.enquiry_status"
RATES = {  # group: (setting, default)
    RATE_GROUP: ("ENQUIRY_RATE", "5/h"),
    REFERRAL_GROUP: ("REFERRAL_RATE", "20/h"),
    EMPLOYER_GROUP: ("ENQUIRY_RATE", "5/h"),
    STATUS_GROUP: ("ENQUIRY_STATUS_RATE", "10/h"),
}


def _usage(request: HttpRequest, increment: bool, group: str) -> dict | None:
    setting, default = RATES[group]
    try:
        return get_usage(request, group=group, key="ip", rate=getattr(settings, setting, default), increment=increment)
    except Exception:
        # The cache is down: take the enquiry rather than refuse every learner; the log says why.
        logger.exception("Limit %s not checked: the cache could not be reached", group)
        return None


def is_rate_limited(request: HttpRequest, group: str = RATE_GROUP) -> bool:
    """Whether this client has used up this form's rate (``RATES``) in the current period."""
    usage = _usage(request, increment=False, group=group)
    return usage is not None and usage["limit"] > 0 and usage["count"] >= usage["limit"]


def count_enquiry(request: HttpRequest, group: str = RATE_GROUP) -> None:
    _usage(request, increment=True, group=group)


def notification_address(listing: ClassPage | WorkplaceOfferPage) -> str:
    """The provider's enquiries address, or the listing's own contact email (classes and workplace offers alike)."""
    provider = listing.provider
    return (getattr(provider, "email", "") or listing.contact_email or "").strip()


def site_url(path: str) -> str:
    """An address on this site for a message (the same base the provider's admin links and Open Referral use)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _in_english(display) -> str:
    """The provider's email is in English, whatever language the learner used the site in."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(display())


def _status_url(language: str) -> str:
    """The status page in the sender's language (/ar/find/enquiry-status/ once the language is in the address)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return site_url(reverse("finder:enquiry_status"))


def _confirm(email: str, phone: str, template: str, context: dict, language: str, key: str) -> None:
    """One confirmation: by email when there is an address, else by text message, else none."""
    if email:
        notifications.send_email(email, template, context, language, key=f"{key}:email")
    elif phone:
        notifications.send_sms(phone, template, context, language, key=f"{key}:sms")


def confirmation_contact(enquiry: Enquiry) -> tuple[str, str]:
    """(email, phone) the confirmation goes to; see the module's docstring for why."""
    if enquiry.is_referral and enquiry.referrer_email:
        return enquiry.referrer_email, ""
    return enquiry.email, enquiry.phone


@transaction.atomic
def send_enquiry(class_page: ClassPage, enquiry: Enquiry) -> Enquiry:
    """Save the enquiry (or referral) and queue the provider's email and the sender's confirmation with it."""
    enquiry.class_page = class_page
    if enquiry.is_referral:
        enquiry.consent_to_contact = enquiry.learner_agreed_to_referral  # the agreement covers being contacted
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
            "reference": enquiry.reference,
            "referrer_name": enquiry.referrer_name,
            "referrer_organisation": enquiry.referrer_organisation,
            "referrer_phone": enquiry.referrer_phone,
            "referrer_email": enquiry.referrer_email,
            "enquiry_url": site_url(reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry.pk])),
        }
        notifications.send_email(
            recipient, "enquiry_notification", context, settings.LANGUAGE_CODE, key=f"enquiry:{enquiry.pk}"
        )
    provider = class_page.provider
    confirmation = {
        "reference": enquiry.reference,
        "title": class_page.title,
        "provider_name": provider.title if provider else "",
        "is_referral": enquiry.is_referral,
        "status_url": _status_url(enquiry.site_language),
    }
    email, phone = confirmation_contact(enquiry)
    _confirm(email, phone, "enquiry_confirmation", confirmation, enquiry.site_language, f"enquiry:{enquiry.pk}:confirm")
    return enquiry


@transaction.atomic
def send_employer_enquiry(offer: WorkplaceOfferPage, enquiry: EmployerEnquiry, language: str) -> EmployerEnquiry:
    """Save an employer's enquiry about a workplace offer; queue the provider's email (to the same address as a
    class's enquiries) and the employer's confirmation in ``language``, the language they used the site in."""
    enquiry.workplace_offer = offer
    enquiry.site_language = language
    enquiry.full_clean()
    enquiry.save()
    recipient = notification_address(offer)
    if recipient:
        context = {
            "offer_title": offer.title,
            "organisation": enquiry.organisation,
            "name": enquiry.name,
            "job_title": enquiry.job_title,
            "phone": enquiry.phone,
            "email": enquiry.email,
            "workplace_postcode": enquiry.workplace_postcode,
            "staff_count": enquiry.staff_count,
            "message": enquiry.message,
            "reference": enquiry.reference,
            "enquiry_url": site_url(reverse("wagtailsnippets_finder_employerenquiry:edit", args=[enquiry.pk])),
        }
        notifications.send_email(
            recipient, "employer_enquiry_notification", context, settings.LANGUAGE_CODE, key=f"employer:{enquiry.pk}"
        )
    provider = offer.provider
    confirmation = {
        "reference": enquiry.reference,
        "title": offer.title,
        "provider_name": provider.title if provider else "",
        "status_url": _status_url(language),
    }
    _confirm(
        enquiry.email, enquiry.phone, "employer_enquiry_confirmation", confirmation, language, f"employer:{enquiry.pk}"
    )
    return enquiry


# --- "What is happening with my enquiry?" ---------------------------------------------------------------------


@dataclass(frozen=True)
class EnquiryStatus:
    """What the status page may show about an enquiry: never who sent it or how to reach them."""

    reference: str
    title: str
    provider_name: str
    status: str
    sent_at: datetime
    is_employer: bool


def find_status(typed: str) -> EnquiryStatus | None:
    """The status of the enquiry with this reference, however it was typed (any case, spaces, no dash)."""
    reference = normalise_reference(typed)
    if not reference:
        return None
    enquiry = Enquiry.objects.select_related("class_page").filter(reference=reference).first()
    if enquiry is not None:
        return _status(enquiry, enquiry.class_page, is_employer=False)
    employer = EmployerEnquiry.objects.select_related("workplace_offer").filter(reference=reference).first()
    if employer is not None:
        return _status(employer, employer.workplace_offer, is_employer=True)
    return None


def _status(record, listing, *, is_employer: bool) -> EnquiryStatus:
    provider = listing.provider
    return EnquiryStatus(
        reference=record.reference,
        title=listing.title,
        provider_name=provider.title if provider else "",
        status=record.status,
        sent_at=record.created_at,
        is_employer=is_employer,
    )


# --- Retention ------------------------------------------------------------------------------------------------


def old_enquiries(now: datetime | None = None) -> list:
    """Enquiries, referrals and employer enquiries untouched for ``ENQUIRY_RETENTION_DAYS``: by then the provider has
    followed them up or never will. (A learner who enrolled keeps their details in the evaluation, apart.)"""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ENQUIRY_RETENTION_DAYS)
    return [Enquiry.objects.filter(updated_at__lt=cutoff), EmployerEnquiry.objects.filter(updated_at__lt=cutoff)]


@job()
def purge_old_enquiries() -> int:
    """Daily, from the scheduler: delete enquiries kept as long as they are useful; returns how many."""
    deleted = 0
    for enquiries in old_enquiries():
        deleted += enquiries.delete()[1].get(enquiries.model._meta.label, 0)
    return deleted
