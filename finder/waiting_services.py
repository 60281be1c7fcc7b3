"""Waiting lists: joining and leaving one, telling waiting learners when places open, and forgetting them later.

The one place for these rules. Callers: the public pages (``finder.search.waiting_views``), the provider's screen
(``finder.cms.waiting_admin``), the evaluation's enrolments (``evaluation.services.places``) and the scheduler.

**When places open.** ``tell_waiting_learners(class_page)`` is the only way anyone is told. It runs

- every 15 minutes from the scheduler (``tell_about_open_places``, in ``settings.SCHEDULED_TASKS``). That is the
  chosen trigger rather than a Wagtail publish hook: places open in many ways (a provider's edit once a coordinator
  approves it, scheduled publishing, an import, the evaluation's enrolments, a learner who leaves), and one sweep
  catches them all without business logic in signals; a missed or failed run is simply done by the next;
- when the evaluation changes a class's enrolments (``evaluation.services.places.sync_class_enrolment``);
- and the provider can always "tell the next person" by hand (``tell_next_person``).

It tells at most the places left (or ``WAITING_LIST_TELL_AT_ONCE`` when the number is unknown), minus the people
already told in the last ``WAITING_LIST_HOLD_DAYS``, so a sweep every 15 minutes does not tell the whole list about
two places. Each person is told once: the class's row is locked (PostgreSQL) and each entry moves from waiting to
told in a conditional UPDATE, and only the call whose UPDATE changed the row queues the message.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from esolplus import notifications
from esolplus.concurrency import create_once
from esolplus.tasks import job
from finder.geography.distances import KM_PER_DEGREE_LATITUDE, geodesic_km
from finder.models import ClassPage, WaitingListEntry

logger = logging.getLogger(__name__)

Status = WaitingListEntry.Status
WITHDRAW_SALT = "finder.waiting.withdraw"
JOINED_SALT = "finder.waiting.joined"


class AlreadyWaiting(Exception):
    """This phone number and email are already waiting for this class."""


# --- Links a learner keeps ---------------------------------------------------------------------------------------


def token_for(entry: WaitingListEntry, salt: str = WITHDRAW_SALT) -> str:
    """A signed token naming one entry: it works for that entry only, and never needs a password."""
    return signing.Signer(salt=salt).sign(str(entry.pk))


def entry_for_token(token: str, salt: str = WITHDRAW_SALT) -> WaitingListEntry | None:
    """The entry a token names, or None for a token that is forged, mangled, signed for another use or gone."""
    try:
        pk = int(signing.Signer(salt=salt).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return WaitingListEntry.objects.select_related("class_page", "level").filter(pk=pk).first()


def public_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def learner_language(entry: WaitingListEntry) -> str:
    return entry.site_language or settings.LANGUAGE_CODE


def withdraw_link(entry: WaitingListEntry) -> str:
    """The one-click way off the list, in the language the learner used the site in."""
    with translation.override(learner_language(entry)):
        return public_url(reverse("finder:waiting_withdraw", args=[token_for(entry)]))


def _message(entry: WaitingListEntry, template: str, context: dict, key: str) -> None:
    """By text message when there is a phone number, by email when there is an address (both when both)."""
    language = learner_language(entry)
    context = {"name": entry.name, "reference": entry.reference, "withdraw_url": withdraw_link(entry), **context}
    if entry.phone:
        notifications.send_sms(entry.phone, template, context, language, key=f"{key}:sms")
    if entry.email:
        notifications.send_email(entry.email, template, context, language, key=f"{key}:email")


# --- Joining -----------------------------------------------------------------------------------------------------


def already_waiting(class_page: ClassPage, phone: str, email: str) -> bool:
    return WaitingListEntry.objects.waiting().for_class(class_page).filter(phone=phone, email=email).exists()


def _add(entry: WaitingListEntry) -> WaitingListEntry:
    entry.full_clean()
    entry.save()
    what = entry.class_page.title if entry.class_page_id else entry.area
    _message(entry, "waiting_joined", {"what": what}, key=f"waiting:{entry.pk}:joined")
    return entry


def join_waiting_list(entry: WaitingListEntry) -> WaitingListEntry | None:
    """Store the entry and queue its confirmation (with the reference and the withdraw link), once per form sent.

    The same form sent twice gives back the first entry; a person already waiting for the class raises
    ``AlreadyWaiting``, also when two forms race each other (the database's partial unique constraint decides).
    None: the submission key belongs to an entry of another list (a copied form), and nothing is stored.
    """
    scope = (
        WaitingListEntry.objects.for_class(entry.class_page)
        if entry.class_page_id
        else WaitingListEntry.objects.filter(class_page=None)
    )
    try:
        with transaction.atomic():
            return create_once(scope, entry.submission_key, lambda: _add(entry))[0]
    except (IntegrityError, ValidationError):
        if entry.class_page_id and already_waiting(entry.class_page, entry.phone, entry.email):
            raise AlreadyWaiting from None
        raise


# --- Changes of status -------------------------------------------------------------------------------------------


def _move(pk: int, to: str, *, only_from: tuple[str, ...], **changes) -> bool:
    """Move one entry to a status if it is still in one of ``only_from``; whether this call moved it."""
    rows = WaitingListEntry.objects.filter(pk=pk, status__in=only_from)
    return bool(rows.update(status=to, updated_at=timezone.now(), **changes))


def withdraw(entry: WaitingListEntry) -> bool:
    """Take the person off the list; False when they were already off it."""
    return _move(entry.pk, Status.WITHDRAWN, only_from=(Status.WAITING, Status.TOLD))


def mark_joined(entry: WaitingListEntry) -> bool:
    """The person joined the class (or another one): off the list, kept only until the purge."""
    return _move(entry.pk, Status.JOINED, only_from=(Status.WAITING, Status.TOLD))


def _tell(pks, class_page: ClassPage) -> list[int]:
    """Move each still-waiting entry to "told" and queue its message; the pks this call told."""
    told = []
    now = timezone.now()
    for pk in pks:
        if not _move(pk, Status.TOLD, only_from=(Status.WAITING,), told_at=now):
            continue  # told by another call a moment ago, or withdrawn
        entry = WaitingListEntry.objects.get(pk=pk)
        _message(entry, "waiting_place_open", place_context(class_page, entry), key=f"waiting:{pk}:told")
        told.append(pk)
    return told


def place_context(class_page: ClassPage, entry: WaitingListEntry) -> dict:
    """What the learner needs to act on the open place: the class, where it is, and whom to contact."""
    venue = class_page.venue
    with translation.override(learner_language(entry)):
        class_url = class_page.get_full_url() or public_url(class_page.url or "")
    return {
        "class_title": class_page.title,
        "venue": f"{venue.name}, {venue.postcode}" if venue else "",
        "contact_phone": class_page.contact_phone,
        "contact_email": class_page.contact_email,
        "class_url": class_url,
    }


# --- Telling waiting learners ------------------------------------------------------------------------------------


def places_to_offer(class_page: ClassPage, now: datetime.datetime | None = None) -> int:
    """How many more people to tell about this class now (see the module's docstring)."""
    if not class_page.has_open_places():
        return 0
    left = class_page.places_left()
    wanted = left if not class_page.places_status and left is not None else settings.WAITING_LIST_TELL_AT_ONCE
    since = (now or timezone.now()) - datetime.timedelta(days=settings.WAITING_LIST_HOLD_DAYS)
    recently_told = WaitingListEntry.objects.for_class(class_page).filter(status=Status.TOLD, told_at__gte=since)
    return max(wanted - recently_told.count(), 0)


def area_entries_for(class_page: ClassPage) -> list[int]:
    """People waiting for any class at one of this class's levels (or any level) whose distance takes in its venue.

    Online classes match nobody here: these people asked for a place near them.
    """
    venue = class_page.venue
    if venue is None or venue.latitude is None:
        return []
    levels = list(class_page.levels.values_list("pk", flat=True))
    entries = WaitingListEntry.objects.waiting().filter(Q(level__in=levels) | Q(level=None), class_page=None)
    max_km = max(entries.values_list("radius_km", flat=True), default=0)
    box = max_km / KM_PER_DEGREE_LATITUDE
    entries = entries.filter(latitude__range=(venue.latitude - box, venue.latitude + box))
    here = (venue.latitude, venue.longitude)
    return [
        entry.pk
        for entry in entries.only("pk", "latitude", "longitude", "radius_km").order_by("created_at", "pk")
        if geodesic_km((entry.latitude, entry.longitude), here) <= entry.radius_km
    ]


@transaction.atomic
def tell_waiting_learners(class_page: ClassPage) -> list[int]:
    """If the class has open places: tell the first people waiting for it (as many as ``places_to_offer``) and the
    people waiting for its level near its venue, each in their own site language. Returns the entries told."""
    # A fresh, locked row: places may have changed since the caller loaded it, and two calls take turns.
    page = ClassPage.objects.select_for_update().filter(pk=class_page.pk).first()
    if page is None or not page.has_open_places():
        return []
    quota = places_to_offer(page)
    told = []
    if quota:
        first = WaitingListEntry.objects.waiting().for_class(page).order_by("created_at", "pk")
        told += _tell(list(first.values_list("pk", flat=True)[:quota]), page)
    told += _tell(area_entries_for(page), page)
    return told


@transaction.atomic
def tell_next_person(class_page: ClassPage) -> WaitingListEntry | None:
    """The provider's "tell the next person": the first one waiting for the class, whatever the numbers say."""
    page = ClassPage.objects.select_for_update().get(pk=class_page.pk)
    for pk in (
        WaitingListEntry.objects.waiting().for_class(page).order_by("created_at", "pk").values_list("pk", flat=True)
    ):
        if _tell([pk], page):
            return WaitingListEntry.objects.get(pk=pk)
    return None


def classes_to_check():
    """Current classes with open places that someone may be waiting for: by name, or by level near them."""
    open_classes = ClassPage.objects.current().with_open_places()
    ids = set(open_classes.filter(waiting_list__status=Status.WAITING).values_list("pk", flat=True))
    for entry in WaitingListEntry.objects.waiting().filter(class_page=None).iterator():
        nearby = open_classes.near(entry.latitude, entry.longitude, entry.radius_km)
        if entry.level_id:
            nearby = nearby.filter(levels=entry.level_id)
        ids.update(nearby.values_list("pk", flat=True))
    return ClassPage.objects.filter(pk__in=ids).order_by("pk")


@job()
def tell_about_open_places() -> int:
    """The scheduler's sweep (every 15 minutes): tell waiting people about classes with open places."""
    told = 0
    for class_page in classes_to_check():
        told += len(tell_waiting_learners(class_page))
    if told:
        logger.info("Told %s waiting learner(s) that a place is open", told)
    return told


# --- Personal data -----------------------------------------------------------------------------------------------


def old_entries(now: datetime.datetime | None = None):
    """Entries past their retention: off the list for ``WAITING_LIST_CLOSED_RETENTION_DAYS``, or still waiting after
    ``WAITING_LIST_RETENTION_DAYS`` (a year on a list is a list nobody is going to call)."""
    closed = WaitingListEntry.objects.exclude(status=Status.WAITING).older_than(
        settings.WAITING_LIST_CLOSED_RETENTION_DAYS, now
    )
    waiting = WaitingListEntry.objects.waiting().older_than(settings.WAITING_LIST_RETENTION_DAYS, now)
    return WaitingListEntry.objects.filter(Q(pk__in=closed.values("pk")) | Q(pk__in=waiting.values("pk")))


@job()
def purge_old_entries() -> int:
    """Daily, from the scheduler: delete waiting-list entries kept as long as they are useful."""
    deleted, _ = old_entries().delete()
    return deleted


def same_phone(number: str) -> str:
    """A UK number as digits only, "+44 7700 900123" and "07700 900123" alike: for finding a person's records."""
    digits = "".join(character for character in number if character.isdigit())
    return "0" + digits[2:] if digits.startswith("44") else digits


def _held_about(model, email: str, phone: str) -> list:
    """The rows of ``model`` (with ``email`` and ``phone`` fields) about this email address or phone number."""
    email, phone = email.strip().lower(), same_phone(phone)
    if not email and not phone:
        return []
    rows = model.objects.exclude(email="", phone="").order_by("pk")
    if email and not phone:
        rows = rows.filter(email__iexact=email)
    return [
        row
        for row in rows.iterator()
        if (email and row.email.lower() == email) or (phone and same_phone(row.phone) == phone)
    ]


def _finder_personal_models() -> tuple:
    from finder.models import AssessmentBooking, EmployerEnquiry, Enquiry

    return Enquiry, EmployerEnquiry, WaitingListEntry, AssessmentBooking


def records_about(*, email: str = "", phone: str = "") -> dict:
    """Subject access for the finder: every enquiry, employer enquiry, waiting-list entry and assessment booking (with
    its slot, its result's levels and who looked the result up) with this email address or phone number, as
    JSON-ready data (``manage.py finder_subject_access``)."""
    from django.forms.models import model_to_dict

    from finder.models import AssessmentResult

    enquiry, employer_enquiry, waiting, booking = _finder_personal_models()

    def as_data(row) -> dict:
        return {name: (str(value) if value is not None else None) for name, value in model_to_dict(row).items()}

    def matching(model, more=lambda row: {}) -> list[dict]:
        return [as_data(row) | {"reference": row.reference} | more(row) for row in _held_about(model, email, phone)]

    def assessment(row) -> dict:
        result = AssessmentResult.objects.filter(booking=row).first()
        return {
            "slot": str(row.slot),
            "provider": row.slot.provider.title,
            "result": None
            if result is None
            else as_data(result)
            | {skill: str(level) for skill, level in result.levels()}
            | {"recommended_classes": [page.title for page in result.recommended_classes.all()]}
            | {"looked_up_by": [[str(look.provider), str(look.looked_up_at)] for look in result.lookups.all()]},
        }

    return {
        "enquiries": matching(enquiry),
        "employer_enquiries": matching(employer_enquiry),
        "waiting_list_entries": matching(waiting),
        "assessment_bookings": matching(booking, assessment),
    }


@transaction.atomic
def erase_records_about(*, email: str = "", phone: str = "") -> dict[str, int]:
    """Erasure for the finder: delete everything ``records_about`` finds (``manage.py finder_erase``).

    An upcoming assessment booking gives its place back first (without a message: the person asked to be
    forgotten); results and their look-ups go with their booking; referrals made from a result are enquiries
    with the same contact details, so they go too. Returns how many of each were deleted.
    """
    from finder import assessment_services

    erased = {}
    for model in _finder_personal_models():
        rows = _held_about(model, email, phone)
        for row in rows:
            if getattr(row, "is_active", False):
                assessment_services.cancel(row, tell_learner=False)
        _total, by_model = model.objects.filter(pk__in=[row.pk for row in rows]).delete()
        erased[model._meta.model_name] = by_model.get(model._meta.label, 0)
    return erased
