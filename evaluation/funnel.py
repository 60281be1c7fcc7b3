"""The funnel for coordinators and providers: searches → enquiries and bookings → assessed → enrolled → attended a
first session → still attending at week 6, by provider, borough, level or month, with the days each step took.
Definitions: docs/indicators.md ("Funnel").

It crosses the finder (searches, enquiries, assessment bookings and results) and the evaluation (enrolments and
registers), so it lives here: the evaluation reads the finder, never the other way round.

Each **entry** (an enquiry about a class that was not made from an assessment, or an assessment booking that was not
cancelled) is followed through the later steps. A placement (an enquiry an assessor made from a result) is the
booking's own later step, never a second entry. A step counts every entry that reached it *or a later one*, so the
funnel never widens. Entries are counted once, at their provider, borough, level and month; searches have no
provider and are counted only where a slice is a borough, level or month and no provider is chosen.

Records are read with a handful of ``values_list`` queries (no per-entry query); medians are worked out in Python
because SQLite has no median.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Min, Sum
from django.utils import timezone

from finder.models import AssessmentBooking, AssessmentResult, ClassPage, Enquiry, ProviderPage, SearchDemand

from .disclosure import SUPPRESSED, one_way_cells, pinned_by_sums, protect, round_to_5
from .evidence import ANY_LEVEL, THRESHOLD, one_level
from .models import Assessment, Attendance, Enrolment, Session
from .statistics import Estimate

GROUPS = ("provider", "borough", "level", "month")
STEPS = ("entries", "assessed", "enrolled", "attended", "week_6")
TIMED = ("assessed", "enrolled", "attended")  # steps with the median days from the entry
WEEK_6_DAYS = 42  # "still attending at week 6": no leaving before this day after the start...
WEEK_6_FROM_DAY = 35  # ...and a present or late mark on a held session on or after this day (week 6 itself)
TOTAL = "all"  # the key of the totals line
NO_BOROUGH = ""  # online classes and phone assessments have no borough
ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)


@dataclass(frozen=True)
class Filters:
    """What to count: ``providers``/``boroughs`` None for every one; ``level`` None for every level (``ANY_LEVEL``
    for "any or several"); entries and searches made from ``start`` to ``end`` (dates, inclusive)."""

    start: datetime.date
    end: datetime.date
    providers: frozenset | None = None
    boroughs: frozenset | None = None
    level: str | None = None
    group: str = "month"


@dataclass
class Entry:
    """One enquiry or booking and how far it went; ``week_6`` is None until its enrolment has reached day 42."""

    provider: int | None
    borough: str
    level: str
    day: datetime.date
    assessed: bool = False
    assessed_on: datetime.date | None = None
    enrolled_on: datetime.date | None = None
    enrolled: bool = False
    attended_on: datetime.date | None = None
    week_6: bool | None = None

    def key(self, group: str):
        return {"provider": self.provider, "borough": self.borough, "level": self.level, "month": _month(self.day)}[
            group
        ]


@dataclass
class FunnelRow:
    key: object
    searches: int | None = None
    entries: int = 0
    enquiries: int = 0
    bookings: int = 0
    assessed: int = 0
    enrolled: int = 0
    attended: int = 0
    week_6: int = 0
    week_6_due: int = 0  # of those who attended, the ones whose enrolment has reached day 42
    days: dict = field(default_factory=dict)  # step → Estimate(median days, n)

    def conversion(self, step: str) -> float | None:
        """The share of the step before that reached this one (week 6: of those due to reach it)."""
        before = {
            "entries": self.searches,
            "assessed": self.entries,
            "enrolled": self.assessed,
            "attended": self.enrolled,
            "week_6": self.week_6_due,
        }[step]
        return getattr(self, step) / before if before else None


def _month(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _progress(enquiries, today: datetime.date) -> dict[int, dict]:
    """For each enquiry in the queryset with a learner record (``LearnerIdentity.enquiry``): the earliest enrolment
    start, initial assessment and present/late mark over its enrolments, and whether it was still attending at
    week 6 (None while no enrolment has reached day 42)."""
    enrolments = Enrolment.objects.filter(learner__identity__enquiry__in=enquiries)
    rows = list(
        enrolments.values_list(
            "learner__identity__enquiry_id", "id", "start_date", "completion_status", "actual_end_date"
        )
    )
    ids = enrolments.values("id")
    assessed = dict(
        Assessment.objects.filter(enrolment__in=ids, stage=Assessment.Stage.INITIAL)
        .values("enrolment_id")
        .annotate(first=Min("date"))
        .values_list("enrolment_id", "first")
    )
    marks = {
        row["enrolment_id"]: (row["first"], row["last"])
        for row in Attendance.objects.filter(
            enrolment__in=ids, status__in=ATTENDED, session__status=Session.Status.HELD
        )
        .values("enrolment_id")
        .annotate(first=Min("session__date"), last=Max("session__date"))
    }
    out: dict[int, dict] = {}
    for enquiry_id, enrolment_id, start, status, ended in rows:
        first, last = marks.get(enrolment_id, (None, None))
        still = _still_at_week_6(Enrolment(completion_status=status), start, ended, last, today)
        seen = out.setdefault(
            enquiry_id, {"enrolled_on": None, "assessed_on": None, "attended_on": None, "week_6": None}
        )
        seen["enrolled_on"] = _earliest(seen["enrolled_on"], start)
        seen["assessed_on"] = _earliest(seen["assessed_on"], assessed.get(enrolment_id))
        seen["attended_on"] = _earliest(seen["attended_on"], first)
        if still is not None:
            seen["week_6"] = bool(seen["week_6"]) or still
    return out


def _still_at_week_6(enrolment: Enrolment, start, ended, last_mark, today) -> bool | None:
    """Not a leaver (``Enrolment.is_leaver``) who ended before day 42, with a present/late mark on or after day 35;
    None (not known yet) while day 42 is still to come and the learner has not left before it."""
    left_early = enrolment.is_leaver and ended is not None and ended < start + datetime.timedelta(days=WEEK_6_DAYS)
    if left_early:
        return False
    if today < start + datetime.timedelta(days=WEEK_6_DAYS):
        return None
    return last_mark is not None and last_mark >= start + datetime.timedelta(days=WEEK_6_FROM_DAY)


def _earliest(a, b):
    return b if a is None else a if b is None else min(a, b)


def _apply(entry: Entry, progress: dict | None, enrolled_status: bool) -> Entry:
    """A later step implies the earlier ones: an enrolment (or the status "enrolled") means enrolled and assessed."""
    if progress:
        entry.enrolled_on = progress["enrolled_on"]
        entry.assessed_on = _earliest(entry.assessed_on, progress["assessed_on"])
        entry.attended_on = progress["attended_on"]
        entry.week_6 = progress["week_6"]
    entry.enrolled = enrolled_status or bool(progress)
    entry.assessed = entry.assessed or entry.enrolled
    return entry


def _providers(filters: Filters):
    return ProviderPage.objects.filter(pk__in=filters.providers)


def enquiry_entries(filters: Filters, today: datetime.date) -> list[Entry]:
    """Enquiries about classes (placements left out), counted at the class's provider (``with_provider``), its venue's
    borough and its one level. Assessed: status "assessed" or "enrolled", or a learner record from it."""
    enquiries = Enquiry.objects.filter(
        assessment__isnull=True, created_at__date__gte=filters.start, created_at__date__lte=filters.end
    )
    if filters.providers is not None:
        enquiries = enquiries.filter(class_page__in=ClassPage.objects.run_by(_providers(filters)))
    if filters.boroughs is not None:
        enquiries = enquiries.filter(class_page__venue__borough_id__in=filters.boroughs)
    classes = ClassPage.objects.filter(pk__in=enquiries.values("class_page_id"))
    provider_of = dict(classes.with_provider().values_list("pk", "provider_page_id"))
    levels = defaultdict(list)
    for page_id, code in ClassPage.levels.through.objects.filter(classpage__in=classes).values_list(
        "classpage_id", "level__code"
    ):
        levels[page_id].append(code)
    progress = _progress(enquiries, today)
    done = (Enquiry.Status.ASSESSED, Enquiry.Status.ENROLLED)
    entries = []
    for pk, page_id, borough, created, status in enquiries.values_list(
        "pk", "class_page_id", "class_page__venue__borough_id", "created_at", "status"
    ):
        entry = Entry(provider_of.get(page_id), borough or NO_BOROUGH, one_level(levels[page_id]), _day(created))
        entry.assessed = status in done
        entries.append(_apply(entry, progress.get(pk), status == Enquiry.Status.ENROLLED))
    return entries


def booking_entries(filters: Filters, today: datetime.date) -> list[Entry]:
    """Assessment bookings, not cancelled, counted at the slot's provider (or hub) and venue's borough, at the level
    of the result (any or several before one). Assessed: attended, or a result. Its placements carry it on: enrolled
    when one is "enrolled" or has a learner record, attending from that record."""
    bookings = AssessmentBooking.objects.exclude(status=AssessmentBooking.Status.CANCELLED).filter(
        created_at__date__gte=filters.start, created_at__date__lte=filters.end
    )
    if filters.providers is not None:
        bookings = bookings.filter(slot__provider__in=_providers(filters))
    if filters.boroughs is not None:
        bookings = bookings.filter(slot__venue__borough_id__in=filters.boroughs)
    placements = Enquiry.objects.filter(assessment__booking__in=bookings.values("pk"))
    progress = _progress(placements, today)
    carried: dict[int, tuple[dict | None, bool]] = {}
    for pk, booking_id, status in placements.values_list("pk", "assessment__booking_id", "status"):
        found, enrolled = carried.get(booking_id, (None, False))
        carried[booking_id] = (_merge(found, progress.get(pk)), enrolled or status == Enquiry.Status.ENROLLED)
    skills = [f"result__{skill}__code" for skill in AssessmentResult.SKILLS]
    entries = []
    for pk, provider, borough, created, status, starts, result_on, *levels in bookings.values_list(
        "pk", "slot__provider_id", "slot__venue__borough_id", "created_at", "status", "slot__starts_at",
        "result__assessed_on", *skills,
    ):  # fmt: skip
        entry = Entry(provider, borough or NO_BOROUGH, one_level(levels) if result_on else ANY_LEVEL, _day(created))
        entry.assessed = result_on is not None or status == AssessmentBooking.Status.ATTENDED
        entry.assessed_on = result_on or (_day(starts) if entry.assessed else None)
        found, enrolled = carried.get(pk, (None, False))
        entries.append(_apply(entry, found, enrolled))
    return entries


def _merge(a: dict | None, b: dict | None) -> dict | None:
    if not a or not b:
        return a or b
    merged = {name: _earliest(a[name], b[name]) for name in ("enrolled_on", "assessed_on", "attended_on")}
    weeks = [w for w in (a["week_6"], b["week_6"]) if w is not None]
    return merged | {"week_6": any(weeks) if weeks else None}


def searches(filters: Filters) -> dict:
    """First-page finder searches (``finder.search.demand``) by the chosen group: borough, level or month."""
    rows = SearchDemand.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.boroughs is not None:
        rows = rows.filter(borough_code__in=filters.boroughs)
    out = defaultdict(int)
    for day, borough, level, count in (
        rows.values("day", "borough_code", "level_code")
        .annotate(n=Sum("searches"))
        .values_list("day", "borough_code", "level_code", "n")
    ):
        level = one_level([level])
        if filters.level is None or level == filters.level:
            key = {"borough": borough, "level": level, "month": _month(day)}[filters.group]
            out[key] += count
            out[TOTAL] += count
    return out


def funnel(filters: Filters, today: datetime.date | None = None) -> list[FunnelRow]:
    """One row per slice of the chosen group with anything in it, sorted, then the totals row (key ``TOTAL``)."""
    today = today or timezone.localdate()
    entries = [
        (kind, entry)
        for kind, made in (("enquiries", enquiry_entries), ("bookings", booking_entries))
        for entry in made(filters, today)
        if filters.level is None or entry.level == filters.level
    ]
    with_searches = filters.providers is None and filters.group != "provider"
    found = searches(filters) if with_searches else {}
    rows: dict = {}
    days: dict = defaultdict(lambda: defaultdict(list))
    for kind, entry in entries:
        for key in (entry.key(filters.group), TOTAL):
            row = rows.setdefault(key, FunnelRow(key))
            _count(row, kind, entry, days[key])
    for key in found:
        rows.setdefault(key, FunnelRow(key))
    for key, row in rows.items():
        row.searches = found.get(key, 0) if with_searches else None
        row.days = {step: _median(days[key][step]) for step in TIMED}
    rows.setdefault(TOTAL, FunnelRow(TOTAL, searches=0 if with_searches else None, days=_no_days()))
    ordered = sorted((k for k in rows if k != TOTAL), key=lambda k: (k is None, str(k)))
    return [rows[k] for k in ordered] + [rows[TOTAL]]


def _count(row: FunnelRow, kind: str, entry: Entry, days: dict) -> None:
    row.entries += 1
    setattr(row, kind, getattr(row, kind) + 1)
    row.assessed += entry.assessed
    row.enrolled += entry.enrolled
    row.attended += entry.attended_on is not None
    if entry.attended_on is not None and entry.week_6 is not None:
        row.week_6_due += 1
        row.week_6 += entry.week_6
    for step, on in (("assessed", entry.assessed_on), ("enrolled", entry.enrolled_on), ("attended", entry.attended_on)):
        if on is not None:
            days[step].append(max((on - entry.day).days, 0))  # a date before the entry (assessed earlier) is 0


def _median(values: list[int]) -> Estimate:
    """The median number of days (a whole number when it is one) and how many it is worked out from."""
    if not values:
        return Estimate(None, 0)
    middle = statistics.median(values)
    return Estimate(int(middle) if float(middle).is_integer() else middle, len(values))


def _no_days() -> dict:
    return {step: Estimate(None, 0) for step in TIMED}


# The public funnel: London-wide, by month and borough, counts only, with the evidence base's disclosure control.

PUBLIC_STEPS = STEPS


def public_table(start: datetime.date, end: datetime.date, today: datetime.date | None = None) -> list[dict]:
    """Exact counts per (month, borough) with every borough's line and London's (``TOTAL``) for each month."""
    today = today or timezone.localdate()
    filters = Filters(start=start, end=end, group="month")
    lines: dict = defaultdict(lambda: dict.fromkeys(PUBLIC_STEPS, 0))
    for kind_entries in (enquiry_entries(filters, today), booking_entries(filters, today)):
        for entry in kind_entries:
            for borough in (entry.borough, TOTAL):
                line = lines[(_month(entry.day), borough)]
                line["entries"] += 1
                line["assessed"] += entry.assessed
                line["enrolled"] += entry.enrolled
                line["attended"] += entry.attended_on is not None
                line["week_6"] += bool(entry.attended_on is not None and entry.week_6)
    return [{"month": m, "borough_code": b, **counts} for (m, b), counts in sorted(lines.items(), key=_public_order)]


def _public_order(item):
    (month, borough), _counts = item
    return (month, borough == TOTAL, borough == NO_BOROUGH, borough)


def published(rows: list[dict], threshold: int = THRESHOLD) -> list[dict]:
    """The same lines with each count hidden ([c]) or rounded to 5: in each month, each step's boroughs (with "no
    borough") add up to London, and that one-way table is protected as the evidence base protects its tables
    (``disclosure.protect``, then more wherever rounded sums would pin a count)."""
    hidden = set()
    for month in {row["month"] for row in rows}:
        lines = [row for row in rows if row["month"] == month]
        for step in PUBLIC_STEPS:
            values = {row["borough_code"]: row[step] for row in lines}
            hidden |= {(month, borough, step) for borough in _hidden_one_way(values, threshold)}
    return [
        {
            **row,
            **{
                step: SUPPRESSED if (row["month"], row["borough_code"], step) in hidden else round_to_5(row[step])
                for step in PUBLIC_STEPS
            },
        }
        for row in rows
    ]


def _hidden_one_way(values: dict, threshold: int) -> set:
    parts = [key for key in values if key != TOTAL and values[key]]
    if not parts:
        return set()
    cells = [c for c in one_way_cells({k: values[k] for k in parts}, TOTAL, values.get(TOTAL, 0)) if c.value]
    numbers = {c.key: c.value for c in cells}
    equations = [(parts, TOTAL)]
    hidden: set = set()
    while True:
        hidden |= protect(cells, threshold, forced=hidden)
        pinned = pinned_by_sums(numbers, hidden, equations, threshold)
        if not pinned:
            return hidden
        if not pinned - hidden:  # a hidden count is still pinned: hide the whole table
            return set(numbers)
        hidden |= pinned
