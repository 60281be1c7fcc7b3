"""Each indicator on hand-made cases (definitions in docs/indicators.md)."""

import datetime

import pytest

from devtools.evaluation_factories import (
    TERM_START,
    AssessmentFactory,
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    SessionFactory,
)
from evaluation.indicators import (
    EnrolmentFacts,
    LearnerFacts,
    Period,
    attendance_facts,
    enrolment_facts,
    measures,
)
from evaluation.models import Assessment, CompletionStatus, Enrolment, Goal, Outcome, ProgressionOutcome, Session

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)


def _facts():
    return EnrolmentFacts(enrolment_id=1, learner_id=1, provider="P", borough="B")


def _sessions(n, start=TERM_START):
    return [Session(id=i + 1, date=start + i * WEEK, status=Session.Status.HELD) for i in range(n)]


def by_name(ms):
    return {m.indicator: m for m in ms}


def test_attendance_counts_present_and_late_over_held_sessions_in_the_window():
    facts = _facts()
    enrolment = Enrolment(start_date=TERM_START + WEEK)  # joined in week 2
    sessions = _sessions(5)
    marks = {2: "present", 3: "late", 4: "authorised"}  # session 5 has no mark
    attendance_facts(facts, enrolment, sessions, marks, today=TERM_START + 10 * WEEK)
    assert (facts.held, facts.attended, facts.authorised, facts.not_recorded) == (4, 2, 1, 1)
    m = by_name(measures([facts], []))
    assert m["attendance_rate"].value == pytest.approx(2 / 4)
    assert m["attendance_not_recorded"].value == pytest.approx(1 / 4)
    assert m["attendance_rate_excluding_authorised"].value == pytest.approx(2 / 3)


def test_a_withdrawn_learners_later_sessions_and_future_sessions_do_not_count():
    facts = _facts()
    enrolment = Enrolment(start_date=TERM_START, actual_end_date=TERM_START + WEEK)
    attendance_facts(facts, enrolment, _sessions(6), {1: "present", 2: "present"}, today=TERM_START + 3 * WEEK)
    assert facts.held == 2 and facts.attended == 2
    continuing = _facts()
    attendance_facts(continuing, Enrolment(start_date=TERM_START), _sessions(6), {}, today=TERM_START + 2 * WEEK)
    assert continuing.held == 3  # sessions on or before today only


def test_a_period_limits_the_sessions_counted():
    facts = _facts()
    period = Period(TERM_START + WEEK, TERM_START + 2 * WEEK)
    attendance_facts(
        facts, Enrolment(start_date=TERM_START), _sessions(5), {}, today=TERM_START + 9 * WEEK, period=period
    )
    assert facts.held == 2


@pytest.mark.parametrize(
    ("marks", "persistent"),
    [
        ({1: "unauthorised", 2: "unauthorised", 3: "unauthorised"}, True),
        ({1: "unauthorised", 2: "unauthorised", 3: "present", 4: "unauthorised"}, False),
        # authorised absences neither break nor extend a run of unauthorised ones
        ({1: "unauthorised", 2: "authorised", 3: "unauthorised", 4: "unauthorised"}, True),
        ({1: "unauthorised", 2: "unauthorised"}, False),
    ],
)
def test_persistent_absence_is_three_consecutive_unauthorised_absences(marks, persistent):
    facts = _facts()
    attendance_facts(facts, Enrolment(start_date=TERM_START), _sessions(4), marks, today=TERM_START + 9 * WEEK)
    assert facts.persistent_absence is persistent


def test_retention_and_achievement_are_over_leavers_only():
    rows = [
        EnrolmentFacts(1, 1, "P", "B", leaver=True, completed=True, achieved=True),
        EnrolmentFacts(2, 2, "P", "B", leaver=True, completed=True, achieved=False),
        EnrolmentFacts(3, 3, "P", "B", leaver=True, completed=False, achieved=False),
        EnrolmentFacts(4, 4, "P", "B"),  # continuing or on a break: not a leaver
    ]
    m = by_name(measures(rows, []))
    assert (m["retention"].numerator, m["retention"].denominator) == (2, 3)
    assert (m["achievement"].numerator, m["achievement"].denominator) == (1, 3)


def test_level_progression_distance_travelled_and_coverage():
    rows = [
        EnrolmentFacts(1, 1, "P", "B", levels={"speaking": (1, 2)}),
        EnrolmentFacts(2, 2, "P", "B", levels={"speaking": (1, 1)}),
        EnrolmentFacts(3, 3, "P", "B", levels={"speaking": (2, 4)}),
        EnrolmentFacts(4, 4, "P", "B", levels={"speaking": (2, None)}),  # no final: counts only for coverage
        EnrolmentFacts(5, 5, "P", "B", levels={"speaking": (None, 3)}),  # no initial: left out
    ]
    m = by_name(measures(rows, []))
    assert (m["level_progression:speaking"].numerator, m["level_progression:speaking"].denominator) == (2, 3)
    assert (
        m["level_progression_coverage:speaking"].numerator,
        m["level_progression_coverage:speaking"].denominator,
    ) == (3, 4)
    assert m["distance_travelled:speaking"].value == pytest.approx(3 / 3)
    assert m["level_progression:reading"].denominator == 0 and m["level_progression:reading"].value is None


def test_integration_change_uses_matched_pairs_and_reach_counts_bands():
    learners = [
        LearnerFacts(
            1,
            "P",
            "B",
            {
                "age_band": "25-34",
                "gender": "woman",
                "time_in_uk": "1-5",
                "employment_status": "unemployed",
                "first_language": "ar",
                "childcare_need": "yes",
            },
            {"belonging": (2, 4)},
        ),
        LearnerFacts(
            2,
            "P",
            "B",
            {
                "age_band": "25-34",
                "gender": "man",
                "time_in_uk": "1-5",
                "employment_status": "unemployed",
                "first_language": "ar",
                "childcare_need": "no",
            },
            {"belonging": (3, 2)},
        ),
        LearnerFacts(
            3,
            "P",
            "B",
            {
                "age_band": "35-49",
                "gender": "woman",
                "time_in_uk": "1-5",
                "employment_status": "unemployed",
                "first_language": "so",
                "childcare_need": "no",
            },
            {},
        ),
    ]
    m = by_name(measures([], learners))
    assert m["integration_change:belonging"].denominator == 2
    assert m["integration_change:belonging"].value == pytest.approx(0.5)
    assert (m["reach:age_band=25-34"].numerator, m["reach:age_band=25-34"].denominator) == (2, 3)
    assert m["reach:gender=woman"].numerator == 2


def test_rarpa_achievement_is_fully_achieved_goals_over_rated_goals():
    rows = [
        EnrolmentFacts(1, 1, "P", "B", goals_rated=3, goals_fully=1),
        EnrolmentFacts(2, 2, "P", "B", goals_rated=1, goals_fully=1),
    ]
    m = by_name(measures(rows, []))
    assert (m["rarpa_achievement"].numerator, m["rarpa_achievement"].denominator) == (2, 4)


@pytest.mark.django_db
def test_enrolment_facts_from_the_database(geography):
    """Cancelled sessions and sessions before enrolment or after withdrawal are left out."""
    cohort = CohortFactory()
    before = SessionFactory(cohort=cohort, date=TERM_START)
    held = [SessionFactory(cohort=cohort, date=TERM_START + i * WEEK) for i in (1, 2, 3)]
    SessionFactory(cohort=cohort, date=TERM_START + 4 * WEEK, status=Session.Status.CANCELLED)
    after = SessionFactory(cohort=cohort, date=TERM_START + 5 * WEEK)
    enrolment = EnrolmentFactory(
        cohort=cohort,
        start_date=TERM_START + WEEK,
        actual_end_date=TERM_START + 4 * WEEK,
        completion_status=CompletionStatus.WITHDRAWN,
        outcome=Outcome.NONE,
    )
    AttendanceFactory(enrolment=enrolment, session=held[0], status="present")
    AttendanceFactory(enrolment=enrolment, session=held[1], status="unauthorised")
    AttendanceFactory(enrolment=enrolment, session=after, status="unauthorised")  # recorded by mistake after leaving
    AssessmentFactory(enrolment=enrolment, skill="reading", level=1)
    AssessmentFactory(enrolment=enrolment, skill="reading", level=2, stage=Assessment.Stage.FINAL)
    GoalFactory(enrolment=enrolment, rating=Goal.Rating.FULLY)
    ProgressionOutcome.objects.create(
        learner=enrolment.learner, outcome_type="VOL", outcome_code=1, date=TERM_START + 20 * WEEK, source="learner"
    )
    assert before.date < enrolment.start_date

    (facts,) = enrolment_facts(Enrolment.objects.all(), today=TERM_START + 40 * WEEK)
    assert (facts.held, facts.attended, facts.unauthorised, facts.not_recorded) == (3, 1, 1, 1)
    assert facts.leaver and not facts.completed and not facts.achieved
    assert facts.levels == {"reading": (1, 2)}
    assert (facts.goals_rated, facts.goals_fully) == (1, 1)
    assert facts.progressed  # 16 weeks after leaving


@pytest.mark.django_db
def test_an_outcome_more_than_6_months_after_leaving_does_not_count(geography):
    enrolment = EnrolmentFactory(actual_end_date=TERM_START + WEEK, completion_status=CompletionStatus.COMPLETED)
    ProgressionOutcome.objects.create(
        learner=enrolment.learner, outcome_type="EMP", outcome_code=1, date=TERM_START + 40 * WEEK, source="learner"
    )
    (facts,) = enrolment_facts(Enrolment.objects.all(), today=TERM_START + 60 * WEEK)
    assert facts.leaver and facts.completed and not facts.progressed


@pytest.mark.django_db
def test_weekly_attendance_for_the_dashboard_chart(geography):
    from evaluation.charts import attendance_by_week

    cohort = CohortFactory()
    week1, week2 = SessionFactory(cohort=cohort, date=TERM_START), SessionFactory(cohort=cohort, date=TERM_START + WEEK)
    first, second = EnrolmentFactory(cohort=cohort), EnrolmentFactory(cohort=cohort)
    AttendanceFactory(enrolment=first, session=week1, status="present")
    AttendanceFactory(enrolment=second, session=week1, status="unauthorised")
    AttendanceFactory(enrolment=first, session=week2, status="late")
    weeks = attendance_by_week(Enrolment.objects.all(), today=TERM_START + 5 * WEEK)
    assert [(w["week"], w["percent"], w["held"]) for w in weeks] == [(TERM_START, 50, 2), (TERM_START + WEEK, 50, 2)]
