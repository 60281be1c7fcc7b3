"""Figures about initial assessments for ESOL coordinators: what was offered and used, how long learners wait,
and which levels people come in at, by borough.

Pure queries returning plain data (dataclasses of labels and numbers); the coordinators' report
(``finder.cms.assessment_report``) shows them. **Staff-only**: these figures are exact counts, small numbers
included, and no disclosure control is applied, because they are never published. Anything taken from them for
publication must go through disclosure control first (``evaluation.disclosure`` is the project's one).

- **Where** is the borough of the slot's venue, that is where the assessment happens ("By phone" for phone slots);
  the finder holds no learner's home borough.
- **Offered** slots are approved (live) slots, and any slot someone booked even if it was withdrawn since, so no
  booking drops out of the figures. "Booked" counts every booking made, including the ones later cancelled; a
  booking not yet marked (still "booked") is in "booked" only.
- A date range (``since``/``until``, inclusive, in local dates) chooses slots by their start, and results by the
  day they were assessed.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from finder.models import AssessmentBooking, AssessmentResult, AssessmentSlot, Enquiry, Language, Level

Status = AssessmentBooking.Status
SECONDS_PER_DAY = 86400


@dataclass
class SlotCounts:
    """Slots and places offered in a group, and what became of the bookings made in them."""

    label: str
    slots: int = 0
    places: int = 0
    booked: int = 0
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class Wait:
    """How many learners waited, and the median wait in days (one decimal; None when nobody is counted)."""

    label: str
    count: int
    median_days: float | None


@dataclass(frozen=True)
class LevelRow:
    label: str
    counts: tuple[int, ...]  # one per level, lowest level first
    total: int


@dataclass(frozen=True)
class LevelTable:
    levels: tuple[str, ...]  # level names, lowest first
    rows: tuple[LevelRow, ...]


def where(mode: str, borough: str | None) -> str:
    """The place a figure is counted in: the venue's borough, or "By phone"."""
    if mode == AssessmentSlot.Mode.PHONE:
        return _("By phone")
    return borough or _("Borough not known")


def _by_place(label: str) -> tuple[bool, str]:
    """Boroughs in alphabetical order, then phone and unknown places."""
    return label in (_("By phone"), _("Borough not known")), label


def offered_slots(since: datetime.date | None = None, until: datetime.date | None = None):
    booked_slots = AssessmentBooking.objects.values("slot_id")
    slots = AssessmentSlot.objects.filter(Q(live=True) | Q(pk__in=booked_slots))
    if since:
        slots = slots.filter(starts_at__date__gte=since)
    if until:
        slots = slots.filter(starts_at__date__lte=until)
    return slots


# --- Slots, places and bookings ----------------------------------------------------------------------------------


def slot_counts(since: datetime.date | None = None, until: datetime.date | None = None) -> dict[str, list]:
    """Slots, places, bookings, attendance, no-shows and cancellations: ``total`` (one row), and rows ``by_borough``,
    ``by_week`` (ISO weeks, in order) and ``by_language`` (languages the assessors speak; a slot with several
    languages counts under each, so those rows overlap; slots with none are "No other language")."""
    slots = offered_slots(since, until)
    outcomes: dict[int, Counter] = defaultdict(Counter)
    for row in AssessmentBooking.objects.filter(slot__in=slots).values("slot_id", "status").annotate(n=Count("pk")):
        outcomes[row["slot_id"]][row["status"]] = row["n"]
    languages: dict[int, list[str]] = defaultdict(list)
    names = {language.pk: str(language) for language in Language.objects.all()}
    for slot_id, language_id in slots.filter(assessor_languages__isnull=False).values_list("pk", "assessor_languages"):
        languages[slot_id].append(names[language_id])

    total = SlotCounts(_("All"))
    groups = {"by_borough": {}, "by_week": {}, "by_language": {}}
    for slot in slots.values("pk", "places", "starts_at", "mode", "venue__borough__name"):
        year, week, _day = timezone.localtime(slot["starts_at"]).isocalendar()
        keys = {
            "by_borough": [where(slot["mode"], slot["venue__borough__name"])],
            "by_week": [f"{year}-W{week:02d}"],
            "by_language": languages.get(slot["pk"]) or [_("No other language")],
        }
        for group, labels in keys.items():
            for label in labels:
                _count(groups[group].setdefault(label, SlotCounts(label)), slot["places"], outcomes[slot["pk"]])
        _count(total, slot["places"], outcomes[slot["pk"]])
    return {
        "total": [total],
        "by_borough": sorted(groups["by_borough"].values(), key=lambda row: _by_place(row.label)),
        "by_week": sorted(groups["by_week"].values(), key=lambda row: row.label),
        "by_language": sorted(groups["by_language"].values(), key=lambda row: row.label),
    }


def _count(row: SlotCounts, places: int, outcomes: Counter) -> None:
    row.slots += 1
    row.places += places
    row.booked += sum(outcomes.values())
    row.attended += outcomes[Status.ATTENDED]
    row.no_show += outcomes[Status.NO_SHOW]
    row.cancelled += outcomes[Status.CANCELLED]


# --- Waits -------------------------------------------------------------------------------------------------------


def _waits(days_by_place: Iterable[tuple[str, float]]) -> list[Wait]:
    """An "All" row, then one per place, each with its count and median."""
    grouped: dict[str, list[float]] = defaultdict(list)
    everyone: list[float] = []
    for label, days in days_by_place:
        grouped[label].append(days)
        everyone.append(days)

    def wait(label: str, values: list[float]) -> Wait:
        return Wait(label, len(values), round(statistics.median(values), 1) if values else None)

    return [wait(_("All"), everyone)] + [wait(label, grouped[label]) for label in sorted(grouped, key=_by_place)]


def booking_to_assessment(since: datetime.date | None = None, until: datetime.date | None = None) -> list[Wait]:
    """Days from booking to assessment (the slot's start minus when it was booked), for the learners assessed."""
    attended = AssessmentBooking.objects.filter(slot__in=offered_slots(since, until), status=Status.ATTENDED)
    rows = attended.values_list("created_at", "slot__starts_at", "slot__mode", "slot__venue__borough__name")
    return _waits(
        (where(mode, borough), (starts - booked).total_seconds() / SECONDS_PER_DAY)
        for booked, starts, mode, borough in rows
    )


def assessment_to_class(since: datetime.date | None = None, until: datetime.date | None = None) -> list[Wait]:
    """Days from assessment to the start of the class the learner was referred to (``Enquiry.assessment``).

    The start is when a learner referred that day could start (``ClassPage.next_start`` of the referral's date:
    that day for rolling enrolment, else the term's start), or else the class's start date. It is counted from
    the referral's own day, not today's, so an old referral's wait does not grow. A class that had already
    started counts as no wait (0 days); referrals to classes with no start date at all are left out.
    """
    referrals = Enquiry.objects.filter(assessment__isnull=False).select_related(
        "class_page", "assessment__booking__slot__venue__borough"
    )
    if since:
        referrals = referrals.filter(assessment__assessed_on__gte=since)
    if until:
        referrals = referrals.filter(assessment__assessed_on__lte=until)
    days = []
    for referral in referrals:
        result, class_page = referral.assessment, referral.class_page
        starts = class_page.next_start(timezone.localdate(referral.created_at)) or class_page.start_date
        if starts is None:
            continue
        slot = result.booking.slot
        place = where(slot.mode, slot.venue.borough.name if slot.venue_id and slot.venue.borough_id else None)
        days.append((place, max((starts - result.assessed_on).days, 0)))
    return _waits(days)


# --- Levels ------------------------------------------------------------------------------------------------------


def levels_by_borough(
    skill: str | None = None, since: datetime.date | None = None, until: datetime.date | None = None
) -> LevelTable:
    """How many learners were assessed at each level, by borough: where the demand is, level by level.

    With a ``skill`` (speaking, listening, reading, writing), each result counts at its level in that skill (results
    without that skill are left out). Without one, each result counts once, at the **lowest** level across the
    skills assessed: the level of class the learner can join.
    """
    levels = list(Level.objects.order_by("sort_order", "pk"))
    column = {level.pk: index for index, level in enumerate(levels)}
    results = AssessmentResult.objects.select_related("booking__slot__venue__borough")
    if since:
        results = results.filter(assessed_on__gte=since)
    if until:
        results = results.filter(assessed_on__lte=until)
    skills = [skill] if skill else list(AssessmentResult.SKILLS)
    grid: dict[str, list[int]] = {}
    for result in results:
        assessed = [column[level_id] for name in skills if (level_id := getattr(result, f"{name}_id")) in column]
        if not assessed:
            continue
        slot = result.booking.slot
        place = where(slot.mode, slot.venue.borough.name if slot.venue_id and slot.venue.borough_id else None)
        grid.setdefault(place, [0] * len(levels))[min(assessed)] += 1
    rows = tuple(LevelRow(place, tuple(grid[place]), sum(grid[place])) for place in sorted(grid, key=_by_place))
    return LevelTable(tuple(str(level) for level in levels), rows)
