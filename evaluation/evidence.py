"""The borough evidence base: what learners ask for in each London borough and level, month by month, set against
the classes on offer there now, with the pilots' integration results by borough. Definitions: docs/indicators.md
("Borough evidence base").

Demand is counted by month: finder searches (``SearchDemand``), waiting-list entries, assessment bookings and
assessment results. Provision is counted from the current listings (``ClassPageQuerySet.current``), so it is the
offer *now*, repeated on each month's line for comparison: class pages keep no history of past terms.

Each thing is counted at one level, so levels add up to their borough: the one level it is at, or "any or several
levels" ("") when it names none or more than one. The tables carry their margins: "all levels" for each borough
and "London" for each level. Coordinators see exact figures; the public table hides and rounds every demand count
with ``evaluation.disclosure`` (threshold, rounding to 5, secondary suppression over each month's borough × level
table with its margins, and more wherever rounded sums would pin a count). Provision counts are the public listings
themselves and are shown exactly.
"""

import datetime
from collections import defaultdict

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from finder.geography.models import District
from finder.models import AssessmentBooking, AssessmentResult, ClassPage, SearchDemand, WaitingListEntry
from finder.search.demand import searched_borough
from finder.search.filters import WEEKEND
from finder.vocabularies import CHILDCARE_OFFERED, LEVEL_CODES, LEVELS, TimeOfDay

from .disclosure import SUPPRESSED, pinned_by_sums, protect, round_to_5, table_cells

THRESHOLD = 10  # the smallest demand count published: the pilots' default (Pilot.disclosure_threshold)
MONTHS_SHOWN = 12
ANY_LEVEL = ""  # none, or several levels
ALL = "all"  # the margins: all levels of a borough, all boroughs (London) for a level
DEMAND = ["searches", "without_results", "waiting", "bookings", "results"]
PROVISION = ["classes", "places", "creche_places", "evening_classes", "weekend_classes"]
COLUMNS = ["month", "borough_code", "borough", "level", *DEMAND, *PROVISION]
LEVEL_ORDER = [*LEVEL_CODES, ANY_LEVEL, ALL]


def london_boroughs() -> dict[str, str]:
    return dict(District.objects.filter(is_london_borough=True).order_by("name").values_list("code", "name"))


def level_label(code: str) -> str:
    names = {level_code: _(name) for level_code, name, _cefr in LEVELS}
    return names.get(code) or (_("All levels") if code == ALL else _("Any or several levels"))


def one_level(codes) -> str:
    """The level a thing is counted at: its one level, or "any or several"."""
    codes = {code for code in codes if code}
    return codes.pop() if len(codes) == 1 and next(iter(codes)) in LEVEL_CODES else ANY_LEVEL


def months_between(start: datetime.date, end: datetime.date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def last_months(today: datetime.date, count: int = MONTHS_SHOWN) -> tuple[datetime.date, datetime.date]:
    """The first day of the month ``count − 1`` months before today's, and today."""
    year, month = today.year, today.month - (count - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1), today


def complete_months(today: datetime.date, count: int = MONTHS_SHOWN) -> tuple[datetime.date, datetime.date]:
    """The last ``count`` whole months before today's: the public table's period. The month under way is left out,
    so its counts, which change every day, cannot be compared day by day to find one search or one person."""
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return last_months(end, count)[0], end


def _month(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}"


def demand_counts(start: datetime.date, end: datetime.date, boroughs) -> dict[str, dict[tuple, int]]:
    """Exact demand by measure, keyed (month, borough code, level code), without margins."""
    counts = {name: defaultdict(int) for name in DEMAND}
    searches = (
        SearchDemand.objects.filter(day__gte=start, day__lte=end, borough_code__in=boroughs)
        .annotate(month=TruncMonth("day"))
        .values("month", "borough_code", "level_code")
        .annotate(searches=Sum("searches"), without=Sum("without_results"))
    )
    for row in searches:
        key = (_month(row["month"]), row["borough_code"], one_level([row["level_code"]]))
        counts["searches"][key] += row["searches"]
        counts["without_results"][key] += row["without"]
    entries = (
        WaitingListEntry.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
        .select_related("class_page__venue", "level")
        .prefetch_related("class_page__levels")
    )
    for entry in entries:
        page = entry.class_page
        borough = (page.venue.borough_id if page.venue_id else "") if page else searched_borough(entry.area)
        if borough in boroughs:
            codes = [entry.level.code] if entry.level_id else [lvl.code for lvl in page.levels.all()] if page else []
            counts["waiting"][(_month(entry.created_at), borough, one_level(codes))] += 1
    bookings = AssessmentBooking.objects.filter(
        created_at__date__gte=start, created_at__date__lte=end, slot__venue__borough_id__in=boroughs
    ).exclude(status=AssessmentBooking.Status.CANCELLED)
    for made, borough in bookings.values_list("created_at", "slot__venue__borough_id"):
        counts["bookings"][(_month(made), borough, ANY_LEVEL)] += 1
    skills = [f"{skill}__code" for skill in AssessmentResult.SKILLS]
    results = AssessmentResult.objects.filter(
        assessed_on__gte=start, assessed_on__lte=end, booking__slot__venue__borough_id__in=boroughs
    ).values_list("assessed_on", "booking__slot__venue__borough_id", *skills)
    for assessed_on, borough, *levels in results:
        counts["results"][(_month(assessed_on), borough, one_level(levels))] += 1
    return counts


def provision_now(boroughs, today: datetime.date | None = None) -> dict[str, dict[tuple, int]]:
    """Current classes at venues in each borough, keyed (borough, level); online classes have no borough."""
    counts = {name: defaultdict(int) for name in PROVISION}
    classes = (
        ClassPage.objects.current(today)
        .filter(venue__borough_id__in=boroughs)
        .select_related("venue")
        .prefetch_related("levels", "sessions")
    )
    for page in classes:
        key = (page.venue.borough_id, one_level(level.code for level in page.levels.all()))
        sessions = list(page.sessions.all())
        counts["classes"][key] += 1
        counts["places"][key] += page.capacity or 0
        if page.childcare in CHILDCARE_OFFERED:
            counts["creche_places"][key] += page.capacity or 0
        counts["evening_classes"][key] += any(TimeOfDay.of(s.start_time) == TimeOfDay.EVENING for s in sessions)
        counts["weekend_classes"][key] += any(s.weekday in WEEKEND for s in sessions)
    return counts


def _with_margins(counts: dict[tuple, int]) -> dict[tuple, int]:
    """Adds all-levels and London totals; the key's last two parts are (borough, level)."""
    out = defaultdict(int, counts)
    for key, value in counts.items():
        *head, borough, level = key
        for margin in ((*head, borough, ALL), (*head, ALL, level), (*head, ALL, ALL)):
            out[margin] += value
    return out


def evidence_rows(start: datetime.date, end: datetime.date, today: datetime.date | None = None) -> list[dict]:
    """Exact figures, one row per month, borough (and London) and level (and all levels) with anything in it."""
    boroughs = london_boroughs()
    demand = {name: _with_margins(c) for name, c in demand_counts(start, end, boroughs).items()}
    provision = {name: _with_margins(c) for name, c in provision_now(boroughs, today).items()}
    names = {**boroughs, ALL: _("London")}
    rows = []
    for month in months_between(start, end):
        for borough in [*boroughs, ALL]:
            for level in LEVEL_ORDER:
                row = {name: demand[name].get((month, borough, level), 0) for name in DEMAND}
                row |= {name: provision[name].get((borough, level), 0) for name in PROVISION}
                if any(row.values()):
                    rows.append(
                        {"month": month, "borough_code": borough, "borough": names[borough], "level": level, **row}
                    )
    return rows


def public_rows(rows: list[dict]) -> list[dict]:
    """The same rows for everyone: each demand count hidden ([c]) or rounded to 5 (``hidden_demand``); provision
    (the public listings) as it is."""
    hidden = hidden_demand(rows, THRESHOLD)
    published = []
    for row in rows:
        line = dict(row)
        for name in DEMAND:
            key = (name, row["month"], row["borough_code"], row["level"])
            line[name] = SUPPRESSED if key in hidden else round_to_5(row[name])
        published.append(line)
    return published


def hidden_demand(rows: list[dict], threshold: int) -> set:
    """Keys (measure, month, borough, level) to hide: in each month's borough × level table of each measure, small
    counts, the cells that protect them from the margins, and any more that rounded sums would pin."""
    hidden = set()
    tables = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        for name in DEMAND:
            tables[(name, row["month"])][row["borough_code"]][row["level"]] = row[name]
    for (name, month), table in tables.items():
        hidden |= {(name, month, b, lvl) for b, lvl in _hidden_in_table(table, threshold)}
    return hidden


def _hidden_in_table(table: dict[str, dict[str, int]], threshold: int) -> set:
    """Suppression for one two-way table given with its margins (``ALL``), as publishing does for indicators."""
    boroughs = [b for b in table if b != ALL and any(table[b].values())]
    levels = sorted({lvl for b in boroughs for lvl, v in table[b].items() if v and lvl != ALL}, key=LEVEL_ORDER.index)
    if not boroughs:
        return set()
    rows = {b: {lvl: table.get(b, {}).get(lvl, 0) for lvl in [*levels, ALL]} for b in [*boroughs, ALL]}
    every_cell = table_cells(rows, ALL, ALL)
    values = {cell.key: cell.value for cell in every_cell}
    # A zero is published as 0 (a line with nothing in it is left out), so it is never hidden to protect another.
    cells = [cell for cell in every_cell if cell.value]
    equations = [([(b, lvl) for lvl in levels], (b, ALL)) for b in rows]
    equations += [([(b, lvl) for b in boroughs], (ALL, lvl)) for lvl in [*levels, ALL]]
    hidden: set = set()
    while True:
        hidden |= protect(cells, threshold, forced=hidden)
        pinned = pinned_by_sums(values, hidden, equations, threshold)
        if not pinned:
            return hidden
        more = pinned - hidden
        for key in pinned & hidden:  # a hidden count still pinned: hide the largest published count beside it
            for parts, total in equations:
                if key in parts or key == total:
                    shown = [k for k in [*parts, total] if k not in hidden and values[k]]
                    more |= {max(shown, key=lambda k: values[k])} if shown else set()
        if not more:  # nothing left to hide beside a pinned count: hide the whole table
            return {key for key, value in values.items() if value}
        hidden |= more


def select(rows: list[dict], borough: str = "", level: str | None = None) -> list[dict]:
    """The rows for one borough ("all" for London's totals) and one level, when chosen; the cells do not change."""
    return [
        row
        for row in rows
        if (not borough or row["borough_code"] == borough) and (level is None or row["level"] == level)
    ]


def as_cells(row: dict) -> list:
    return [row[name] for name in COLUMNS[:3]] + [level_label(row["level"])] + [row[n] for n in DEMAND + PROVISION]


INTEGRATION_COLUMNS = ["pilot", "borough", "item", "mean_change", "learners"]


def integration_exact(today: datetime.date | None = None) -> list[dict]:
    """Each pilot's integration change by borough, exact (coordinators): the mean change and its learners."""
    from .indicators import indicator_rows
    from .models import Pilot

    today = today or timezone.localdate()
    out = []
    for pilot in Pilot.objects.order_by("name"):
        for row in indicator_rows(pilot, today):
            if row.indicator.startswith("integration_change:") and row.breakdown == "borough":
                value = row.measure.value
                mean = "" if value is None else f"{value:.2f}"
                out.append(_integration_line(pilot.name, row.group, row.indicator, mean, row.measure.denominator))
    return out


def integration_published() -> list[dict]:
    """The same figures as each pilot's public results page shows them (its latest release), never recomputed:
    a pilot whose results are not public, and any figure its release hides, stays hidden here."""
    from .models import Pilot
    from .services.releases import public_release

    out = []
    for pilot in Pilot.objects.filter(results_published_at__isnull=False).order_by("name"):
        release = public_release(pilot)
        for row in release.rows if release else []:
            if row["indicator"].startswith("integration_change:") and row["breakdown"] == "borough":
                out.append(
                    _integration_line(pilot.name, row["group"], row["indicator"], row["value"], row["denominator"])
                )
    return out


def _integration_line(pilot: str, borough: str, indicator: str, mean, learners) -> dict:
    item = indicator.split(":", 1)[1]
    return {"pilot": pilot, "borough": borough, "item": item, "mean_change": mean, "learners": learners}
