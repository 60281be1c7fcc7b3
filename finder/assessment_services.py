"""Assessment booking: taking and giving back places, moving a booking, results, referrals and forgetting.

The one place for these rules. Callers: the public pages (``finder.search.assessment_views``), the assessors'
screens (``finder.cms.assessment_admin``), the evaluation's enrolments (``evaluation.services``) and the scheduler.

**No slot is overbooked.** A place is taken by one conditional UPDATE (``booked = booked + 1 WHERE booked <
places``), which the database applies atomically on SQLite and PostgreSQL alike: of two bookings of the last place
at the same moment, one UPDATE changes the row and the other changes nothing and gets ``SlotFull``. The check
constraint ``assessment_slot_not_overbooked`` is the last line. A booking and its place are stored in one
transaction, so neither is ever half-written.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from esolplus import cldr, notifications
from esolplus.concurrency import create_once
from esolplus.tasks import job
from finder.models import AssessmentBooking, AssessmentResult, AssessmentResultLookup, AssessmentSlot, Enquiry
from finder.models.identifiers import normalise_reference

logger = logging.getLogger(__name__)
Status = AssessmentBooking.Status
MANAGE_SALT = "finder.assessment.manage"


class SlotFull(Exception):
    """Every place in the slot is taken (or it has started, or it is no longer offered)."""


class BookingClosed(Exception):
    """The booking was cancelled or its assessment has happened: it cannot be changed any more."""


# --- Links a learner keeps ---------------------------------------------------------------------------------------


def token_for(booking: AssessmentBooking) -> str:
    """A signed token naming one booking: the learner's one link to see, cancel or move it, without a password."""
    return signing.Signer(salt=MANAGE_SALT).sign(str(booking.pk))


def booking_for_token(token: str) -> AssessmentBooking | None:
    """The booking a token names, or None for a token that is forged, mangled, signed for another use or gone."""
    try:
        pk = int(signing.Signer(salt=MANAGE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return AssessmentBooking.objects.select_related("slot__venue", "slot__provider").filter(pk=pk).first()


def learner_language(booking: AssessmentBooking) -> str:
    return booking.site_language or settings.LANGUAGE_CODE


def manage_link(booking: AssessmentBooking) -> str:
    with translation.override(learner_language(booking)):
        path = reverse("assessments:booking", args=[token_for(booking)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def slot_context(slot: AssessmentSlot) -> dict:
    """What a message says about a slot: when, where (or "by phone") and who runs it.

    The date is written out now, in the active language (CLDR), because a message's context is stored as JSON."""
    starts = timezone.localtime(slot.starts_at)
    return {
        "date": cldr.format_date(starts.date(), length="full"),  # with the weekday, as the pages write it
        "time": starts.strftime("%H:%M"),
        "by_phone": slot.mode == AssessmentSlot.Mode.PHONE,
        "venue": f"{slot.venue.name}, {slot.venue.address}, {slot.venue.postcode}" if slot.venue_id else "",
        "provider": slot.provider.title,
    }


def _message(booking: AssessmentBooking, template: str, key: str, **extra) -> None:
    """By text message when there is a phone number, by email when there is an address (both when both)."""
    language = learner_language(booking)
    with translation.override(language):
        context = {
            "name": booking.name,
            "reference": booking.reference,
            "manage_url": manage_link(booking),
            **slot_context(booking.slot),
            **extra,
        }
    if booking.phone:
        notifications.send_sms(booking.phone, template, context, language, key=f"{key}:sms")
    if booking.email:
        notifications.send_email(booking.email, template, context, language, key=f"{key}:email")


# --- Places ------------------------------------------------------------------------------------------------------


def _take_place(slot_id: int, now: datetime.datetime | None = None) -> None:
    taken = AssessmentSlot.objects.bookable(now).filter(pk=slot_id).update(booked=F("booked") + 1)
    if not taken:
        raise SlotFull


def _give_back_place(slot_id: int) -> None:
    AssessmentSlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


# --- Booking, cancelling, moving ---------------------------------------------------------------------------------


def book(booking: AssessmentBooking) -> AssessmentBooking | None:
    """Store a new booking in its slot and queue its confirmation (reference and the link to change it).

    The same form sent twice gives back the first booking and takes one place. ``SlotFull`` when no place is
    left. None: the submission key belongs to a booking for another slot (a copied form); nothing is stored.
    """

    def create() -> AssessmentBooking:
        _take_place(booking.slot_id)
        booking.full_clean()
        booking.save()
        _message(booking, "assessment_booked", key=f"assessment:{booking.pk}:booked")
        return booking

    with transaction.atomic():
        return create_once(AssessmentBooking.objects.filter(slot_id=booking.slot_id), booking.submission_key, create)[0]


@transaction.atomic
def cancel(booking: AssessmentBooking, *, tell_learner: bool = True) -> bool:
    """Cancel a booking and free its place; False when it was not booked any more (cancelled twice, or assessed)."""
    if not AssessmentBooking.objects.filter(pk=booking.pk, status=Status.BOOKED).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    ):
        return False
    _give_back_place(booking.slot_id)
    booking.refresh_from_db()
    if tell_learner:
        _message(booking, "assessment_cancelled", key=f"assessment:{booking.pk}:cancelled")
    return True


@transaction.atomic
def move(booking: AssessmentBooking, to_slot: AssessmentSlot) -> AssessmentBooking:
    """Move a booking to another slot, keeping its reference: the new place is taken before the old one is given
    back, so a learner never ends up with neither. ``SlotFull`` or ``BookingClosed`` leave everything as it was."""
    current = AssessmentBooking.objects.select_for_update().get(pk=booking.pk)
    if current.status != Status.BOOKED:
        raise BookingClosed
    if current.slot_id == to_slot.pk:
        return current
    _take_place(to_slot.pk)
    _give_back_place(current.slot_id)
    current.slot = to_slot
    current.reminded_at = None
    current.save(update_fields=["slot", "reminded_at", "updated_at"])
    current = AssessmentBooking.objects.select_related("slot__venue", "slot__provider").get(pk=current.pk)
    _message(current, "assessment_booked", key=f"assessment:{current.pk}:moved:{to_slot.pk}")
    return current


def mark_attendance(booking: AssessmentBooking, attended: bool) -> bool:
    """The assessor's register: assessed, or did not come. The place stays taken (the time has been used)."""
    new = Status.ATTENDED if attended else Status.NO_SHOW
    changeable = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)
    return bool(
        AssessmentBooking.objects.filter(pk=booking.pk, status__in=changeable).update(
            status=new, updated_at=timezone.now()
        )
    )


# --- Reminders ---------------------------------------------------------------------------------------------------


@job()
def remind_tomorrow(now: datetime.datetime | None = None) -> int:
    """Hourly, from the scheduler: remind each learner booked for tomorrow (their local date), once."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    due = AssessmentBooking.objects.active().filter(reminded_at=None, slot__starts_at__date=tomorrow)
    reminded = 0
    for pk in due.values_list("pk", flat=True):
        if not AssessmentBooking.objects.filter(pk=pk, reminded_at=None).update(reminded_at=now):
            continue  # reminded by another run a moment ago
        booking = AssessmentBooking.objects.select_related("slot__venue", "slot__provider").get(pk=pk)
        _message(booking, "assessment_reminder", key=f"assessment:{pk}:reminder:{booking.slot_id}")
        reminded += 1
    return reminded


# --- Results -----------------------------------------------------------------------------------------------------


@transaction.atomic
def record_result(result: AssessmentResult, *, send_to_learner: bool = False) -> AssessmentResult:
    """Save an assessor's result: the booking becomes "assessed"; the learner may be sent their levels."""
    booking = result.booking
    result.full_clean()
    result.save()
    mark_attendance(booking, attended=True)
    if send_to_learner and result.sent_to_learner_at is None:
        send_result(result)
    return result


def send_result(result: AssessmentResult) -> None:
    """Tell the learner their level in each skill and their reference, in the language they used the site in."""
    booking = result.booking
    with translation.override(learner_language(booking)):
        levels = [(str(_skill_name(skill)), str(level)) for skill, level in result.levels()]
    key = f"assessment:{booking.pk}:result:{result.updated_at.timestamp():.0f}"
    _message(booking, "assessment_result", key=key, levels=levels)
    AssessmentResult.objects.filter(pk=result.pk).update(sent_to_learner_at=timezone.now())


def _skill_name(skill: str) -> str:
    return AssessmentResult._meta.get_field(skill).verbose_name


def look_up_result(reference: str, *, learner_consents: bool, provider=None, user=None) -> AssessmentResult | None:
    """Another provider's look-up of a learner's result by the reference the learner gives them.

    Only with the learner's consent, both recorded with the result and confirmed now by the person looking; every
    look-up that finds a result is recorded. None for an unknown reference, a result not shared, or no consent now.
    """
    code = normalise_reference(reference)
    if not code or not learner_consents:
        return None
    result = (
        AssessmentResult.objects.select_related(
            "booking__slot__provider", "speaking", "listening", "reading", "writing"
        )
        .filter(booking__reference=code, consent_to_share=True)
        .first()
    )
    if result is not None:
        AssessmentResultLookup.objects.create(result=result, provider=provider, user=user)
    return result


def refer_to_class(result: AssessmentResult, class_page, *, referrer_name: str = "", organisation: str = "") -> Enquiry:
    """Place the learner: an enquiry to the class from their result, tracked with the enquiry's statuses."""
    booking = result.booking
    enquiry = Enquiry(
        class_page=class_page,
        name=booking.name,
        phone=booking.phone,
        email=booking.email,
        preferred_language=booking.preferred_language,
        site_language=booking.site_language,
        consent_to_contact=True,
        status=Enquiry.Status.ASSESSED,
        referrer_name=referrer_name,
        referrer_organisation=organisation or booking.slot.provider.title,
        learner_agreed_to_referral=True,
        assessment=result,
    )
    enquiry.full_clean()
    enquiry.save()
    return enquiry


# --- Personal data -----------------------------------------------------------------------------------------------


def old_bookings(now: datetime.datetime | None = None):
    """Bookings (and with them their results) untouched for ``ASSESSMENT_RETENTION_DAYS``."""
    return AssessmentBooking.objects.older_than(settings.ASSESSMENT_RETENTION_DAYS, now).filter(
        Q(status__in=(Status.CANCELLED, Status.NO_SHOW, Status.ATTENDED)) | Q(slot__starts_at__lt=now or timezone.now())
    )


@job()
def purge_old_bookings() -> int:
    """Daily, from the scheduler: forget bookings and results kept as long as they are useful."""
    deleted, _ = old_bookings().delete()  # results and look-ups go with their booking; placements keep no link
    return deleted
