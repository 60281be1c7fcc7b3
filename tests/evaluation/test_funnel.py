"""The funnel (evaluation/funnel.py) on hand-made cases: exact counts and median days at each step, by provider,
borough, level and month; and the public table's disclosure control."""

import datetime

import pytest
from django.utils import timezone

from devtools.assessment_factories import booking_for, slot_for
from devtools.evaluation_factories import (
    AssessmentFactory,
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    LearnerIdentityFactory,
    SessionFactory,
)
from devtools.factories import ClassPageFactory, EnquiryFactory, ProviderPageFactory, venue_at
from evaluation import funnel
from evaluation.disclosure import SUPPRESSED
from evaluation.models import Attendance, CompletionStatus
from finder.models import AssessmentBooking, AssessmentResult, Enquiry, Level, SearchDemand

pytestmark = pytest.mark.django_db
CITY, SOUTHWARK = "E09000001", "E09000028"
TODAY = datetime.date(2026, 6, 30)
PERIOD = {"start": datetime.date(2026, 1, 1), "end": datetime.date(2026, 3, 31)}


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(12)))


def _enquiry(class_page, day: str, status=Enquiry.Status.NEW, **fields) -> Enquiry:
    enquiry = EnquiryFactory(class_page=class_page, status=status, **fields)
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=_at(day))
    return enquiry


def _enrolled(enquiry, cohort, start: str, marks=(), **fields):
    """A learner record from the enquiry, enrolled from ``start``, with (day, status) register marks."""
    enrolment = EnrolmentFactory(cohort=cohort, start_date=datetime.date.fromisoformat(start), **fields)
    LearnerIdentityFactory(learner=enrolment.learner, enquiry=enquiry)
    for day, status in marks:
        session = SessionFactory(cohort=cohort, date=datetime.date.fromisoformat(day))
        AttendanceFactory(enrolment=enrolment, session=session, status=status)
    return enrolment


def _booking(provider, venue, day: str, status=AssessmentBooking.Status.BOOKED) -> AssessmentBooking:
    booking = booking_for(slot_for(provider, venue))
    AssessmentBooking.objects.filter(pk=booking.pk).update(created_at=_at(day), status=status)
    return booking


def make_funnel() -> dict:
    """Provider A (City of London, Entry 1) and provider B (Southwark, Entry 2), January to March 2026:

    - A's enquiries: new (5 Jan); assessed (10 Jan); enrolled with no learner record (12 Jan); contacted (20 Jan)
      with a record: assessed 25 Jan, enrolled from 1 Feb, present 1 Feb and 10 Mar (day 37): still at week 6;
      enrolled (3 Feb) with a record: from 10 Feb, late 10 Feb, withdrew 1 Mar (before day 42).
    - A's booking (15 Jan): result 22 Jan at Entry 1, placed on A's class and enrolled (the placement is not an entry).
    - A cancelled booking (not counted); B's booking (1 Feb), not yet assessed; B's enquiry (1 Mar), new.
    - Searches: 30 in the City at Entry 1 in January, 10 in Southwark at no one level in February.
    """
    provider_a, provider_b = ProviderPageFactory(title="Alder Learning"), ProviderPageFactory(title="Birch College")
    venue_a, venue_b = venue_at("E1 6AN", provider=provider_a), venue_at("SE15 5AA", provider=provider_b)
    class_a = ClassPageFactory(parent=provider_a, venue=venue_a)
    class_b = ClassPageFactory(parent=provider_b, venue=venue_b, levels=[Level.objects.get(code="entry-2")])
    cohort = CohortFactory(class_page=class_a)
    _enquiry(class_a, "2026-01-05")
    _enquiry(class_a, "2026-01-10", Enquiry.Status.ASSESSED)
    _enquiry(class_a, "2026-01-12", Enquiry.Status.ENROLLED)
    stayed = _enquiry(class_a, "2026-01-20", Enquiry.Status.CONTACTED)
    enrolment = _enrolled(stayed, cohort, "2026-02-01", [("2026-02-01", "present"), ("2026-03-10", "present")])
    AssessmentFactory(enrolment=enrolment, date=datetime.date(2026, 1, 25))
    left = _enquiry(class_a, "2026-02-03", Enquiry.Status.ENROLLED)
    _enrolled(
        left,
        cohort,
        "2026-02-10",
        [("2026-02-10", Attendance.Status.LATE), ("2026-02-17", Attendance.Status.UNAUTHORISED)],
        completion_status=CompletionStatus.WITHDRAWN,
        actual_end_date=datetime.date(2026, 3, 1),
    )
    booking = _booking(provider_a, venue_a, "2026-01-15", AssessmentBooking.Status.ATTENDED)
    result = AssessmentResult.objects.create(
        booking=booking, speaking=Level.objects.get(code="entry-1"), assessed_on=datetime.date(2026, 1, 22)
    )
    _enquiry(class_a, "2026-01-23", Enquiry.Status.ENROLLED, assessment=result)  # the placement
    _booking(provider_a, venue_a, "2026-01-16", AssessmentBooking.Status.CANCELLED)
    _booking(provider_b, venue_b, "2026-02-01")
    _enquiry(class_b, "2026-03-01")
    SearchDemand.objects.create(day=datetime.date(2026, 1, 8), borough_code=CITY, level_code="entry-1", searches=30)
    SearchDemand.objects.create(day=datetime.date(2026, 2, 8), borough_code=SOUTHWARK, level_code="", searches=10)
    return {"a": provider_a, "b": provider_b, "class_a": class_a, "class_b": class_b}


@pytest.fixture
def made(geography):
    return make_funnel()


def _rows(**filters):
    return {row.key: row for row in funnel.funnel(funnel.Filters(**PERIOD, **filters), TODAY)}


def _counts(row):
    return (row.entries, row.enquiries, row.bookings, row.assessed, row.enrolled, row.attended, row.week_6)


def test_every_step_counted_once_and_a_later_step_implies_the_earlier_ones(made):
    total = _rows()[funnel.TOTAL]
    assert _counts(total) == (8, 6, 2, 5, 4, 2, 1)
    assert total.week_6_due == 2  # both who attended are past day 42 (one left before it)
    assert total.searches == 40
    assert total.conversion("assessed") == 5 / 8 and total.conversion("week_6") == 1 / 2


def test_median_days_at_each_step_with_their_n(made):
    days = _rows()[funnel.TOTAL].days
    assert (days["assessed"].value, days["assessed"].n) == (6, 2)  # 5 (enquiry) and 7 (booking's result)
    assert (days["enrolled"].value, days["enrolled"].n) == (9.5, 2)  # 12 and 7 days to the enrolments' starts
    assert (days["attended"].value, days["attended"].n) == (9.5, 2)


def test_by_month_with_searches(made):
    rows = _rows(group="month")
    assert list(rows) == ["2026-01", "2026-02", "2026-03", funnel.TOTAL]
    assert _counts(rows["2026-01"]) == (5, 4, 1, 4, 3, 1, 1) and rows["2026-01"].searches == 30
    assert _counts(rows["2026-02"]) == (2, 1, 1, 1, 1, 1, 0) and rows["2026-02"].searches == 10
    assert _counts(rows["2026-03"]) == (1, 1, 0, 0, 0, 0, 0) and rows["2026-03"].searches == 0


def test_by_provider_without_searches(made):
    rows = _rows(group="provider")
    assert _counts(rows[made["a"].pk]) == (6, 5, 1, 5, 4, 2, 1)
    assert _counts(rows[made["b"].pk]) == (2, 1, 1, 0, 0, 0, 0)
    assert all(row.searches is None for row in rows.values())  # searches have no provider


def test_one_provider_borough_and_level(made):
    only_b = _rows(providers=frozenset({made["b"].pk}), group="borough")
    assert list(only_b) == [SOUTHWARK, funnel.TOTAL] and only_b[funnel.TOTAL].searches is None
    by_borough = _rows(group="borough", boroughs=frozenset({CITY}))
    assert _counts(by_borough[CITY]) == (6, 5, 1, 5, 4, 2, 1) and by_borough[CITY].searches == 30
    entry_1 = _rows(group="level", level="entry-1")
    assert list(entry_1) == ["entry-1", funnel.TOTAL] and entry_1["entry-1"].entries == 6
    assert entry_1["entry-1"].searches == 30
    any_level = _rows(group="level", level=funnel.ANY_LEVEL)  # B's booking has no result yet: any or several
    assert any_level[funnel.TOTAL].entries == 1 and any_level[funnel.TOTAL].searches == 10


def test_week_6_is_not_known_before_day_42(made):
    early = {row.key: row for row in funnel.funnel(funnel.Filters(**PERIOD), datetime.date(2026, 3, 12))}
    total = early[funnel.TOTAL]
    # The withdrawal before day 42 is known; the other learner reaches day 42 on 15 March.
    assert (total.attended, total.week_6_due, total.week_6) == (2, 1, 0)


def test_nothing_in_the_period_is_one_empty_totals_row(made):
    rows = funnel.funnel(funnel.Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 1, 31)), TODAY)
    assert [row.key for row in rows] == [funnel.TOTAL] and rows[0].entries == 0


def test_public_table_hides_every_small_count(made):
    exact = funnel.public_table(PERIOD["start"], PERIOD["end"], TODAY)
    january_london = next(r for r in exact if r["month"] == "2026-01" and r["borough_code"] == funnel.TOTAL)
    assert [january_london[step] for step in funnel.STEPS] == [5, 4, 3, 1, 1]
    for row in funnel.published(exact):
        assert all(row[step] in (SUPPRESSED, 0) for step in funnel.STEPS), row


def test_public_suppression_protects_small_cells_from_the_total():
    """One small borough: it is hidden, and so is one more cell, so the London total cannot give it away."""
    rows = [
        {"month": "2026-01", "borough_code": code, **dict.fromkeys(funnel.STEPS, 0), "entries": n}
        for code, n in (("E1", 40), ("E2", 3), ("E3", 25), (funnel.TOTAL, 68))
    ]
    shown = {row["borough_code"]: row["entries"] for row in funnel.published(rows)}
    assert shown["E2"] == SUPPRESSED
    assert sum(value == SUPPRESSED for value in shown.values()) >= 2
    assert all(value == SUPPRESSED or value % 5 == 0 for value in shown.values())
    assert all(row[step] == 0 for row in funnel.published(rows) for step in funnel.STEPS[1:])


def test_the_number_of_queries_does_not_grow_with_the_entries(made):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        funnel.funnel(funnel.Filters(**PERIOD, group="provider"), TODAY)
    cohort = CohortFactory(class_page=made["class_a"])
    for day, start in (("2026-02-10", "2026-02-20"), ("2026-02-11", "2026-02-21"), ("2026-02-12", "2026-02-22")):
        enquiry = _enquiry(made["class_a"], day, Enquiry.Status.ENROLLED)
        _enrolled(enquiry, cohort, start, [(start, "present")])
        _booking(made["b"], None, day)
    with CaptureQueriesContext(connection) as after:
        rows = {row.key: row for row in funnel.funnel(funnel.Filters(**PERIOD, group="provider"), TODAY)}
    assert rows[funnel.TOTAL].entries == 8 + 6 and rows[funnel.TOTAL].attended == 2 + 3
    assert len(after) == len(before)
