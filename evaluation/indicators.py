"""Every published figure about a pilot, computed in one place (definitions: docs/indicators.md).

Work is done in two steps so each rule is testable on its own: facts about each enrolment and learner
(`enrolment_facts`, `learner_facts`), then sums over any group of them (`measures`). `today` is always passed in.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from .consent import research_learner_ids
from .destinations import PROGRESSION_TYPES
from .models import (
    Assessment,
    Attendance,
    CompletionStatus,
    Enrolment,
    Goal,
    Learner,
    Outcome,
    Pilot,
    ProgressionOutcome,
    Session,
    Skill,
    SurveyAnswer,
    SurveyResponse,
)

PROGRESSION_WINDOW_DAYS = 183
PERSISTENT_ABSENCE_RUN = 3
REACH_CHARACTERISTICS = ("age_band", "gender", "time_in_uk", "employment_status", "first_language", "childcare_need")


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __contains__(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def __str__(self):
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass
class EnrolmentFacts:
    enrolment_id: int
    learner_id: int
    provider: str
    borough: str
    held: int = 0
    attended: int = 0
    authorised: int = 0
    unauthorised: int = 0
    not_recorded: int = 0
    persistent_absence: bool = False
    started: bool = False
    leaver: bool = False
    completed: bool = False
    achieved: bool = False
    goals_rated: int = 0
    goals_fully: int = 0
    levels: dict = field(default_factory=dict)  # skill -> (initial level or None, final level or None)
    progressed: bool = False


@dataclass
class LearnerFacts:
    learner_id: int
    provider: str
    borough: str
    bands: dict
    integration: dict = field(default_factory=dict)  # construct -> (baseline, follow-up) values, any versions


@dataclass(frozen=True)
class Measure:
    """One figure. ``kind`` is "count", "rate" (numerator ÷ denominator) or "mean" (numerator is a sum)."""

    indicator: str
    kind: str
    numerator: float
    denominator: int | None
    numerator_key: str
    denominator_key: str | None

    @property
    def value(self) -> float | None:
        if self.kind == "count":
            return self.numerator
        if not self.denominator:
            return None
        return self.numerator / self.denominator


def attendance_facts(
    facts: EnrolmentFacts,
    enrolment: Enrolment,
    held_sessions: list[Session],
    marks: dict[int, str],
    today: datetime.date,
    period: Period | None = None,
) -> None:
    """Count the held sessions in the enrolment's window (start to actual end, or today) and their marks."""
    run = 0
    for session in _in_window(enrolment, held_sessions, today):
        if period and session.date not in period:
            continue
        facts.held += 1
        status = marks.get(session.id)
        run = absence_run_after(run, status)
        if status is None:
            facts.not_recorded += 1
        elif status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
            facts.attended += 1
        elif status == Attendance.Status.AUTHORISED:
            facts.authorised += 1
        else:
            facts.unauthorised += 1
            if run >= PERSISTENT_ABSENCE_RUN:
                facts.persistent_absence = True


def _in_window(enrolment: Enrolment, held_sessions: list[Session], today: datetime.date) -> list[Session]:
    """The held sessions in the enrolment's window: from its start to its actual end, or today (never later)."""
    window_end = min(enrolment.actual_end_date or today, today)
    return [session for session in held_sessions if enrolment.start_date <= session.date <= window_end]


def absence_run_after(run: int, status: str | None) -> int:
    """The run of unauthorised absences after one more held session with this mark (docs/indicators.md): a
    present or late mark, or no mark, ends it; an authorised absence neither ends nor extends it."""
    if status is None or status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
        return 0
    if status == Attendance.Status.AUTHORISED:
        return run
    return run + 1


def current_absence_run(
    enrolment: Enrolment, held_sessions: list[Session], marks: dict[int, str], today: datetime.date
) -> tuple[int, datetime.date | None]:
    """The run of unauthorised absences the enrolment's held sessions (in date order) end with now, and the date of
    its last absence (None when there is no run): the tutors' alert, by the persistent-absence rule."""
    run, last = 0, None
    for session in _in_window(enrolment, held_sessions, today):
        longer = absence_run_after(run, marks.get(session.id))
        if longer > run:
            last = session.date
        run = longer
    return run, last if run else None


def enrolment_facts(enrolments, today: datetime.date, period: Period | None = None) -> list[EnrolmentFacts]:
    """Facts about each enrolment in ``enrolments`` (a queryset), in a handful of queries."""
    enrolments = list(
        enrolments.select_related("learner__borough", "cohort__provider").prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.only("enrolment_id", "session_id", "status")),
            Prefetch("assessments", queryset=Assessment.objects.exclude(stage=Assessment.Stage.PROGRESS)),
            Prefetch("goals", queryset=Goal.objects.only("enrolment_id", "rating")),
        )
    )
    cohort_ids = {e.cohort_id for e in enrolments}
    held_by_cohort = defaultdict(list)
    for session in Session.objects.filter(cohort_id__in=cohort_ids, status=Session.Status.HELD).order_by(
        "date", "start_time"
    ):
        held_by_cohort[session.cohort_id].append(session)
    outcomes_by_learner = defaultdict(list)
    for outcome in ProgressionOutcome.objects.filter(
        learner_id__in={e.learner_id for e in enrolments}, outcome_type__in=PROGRESSION_TYPES
    ):
        outcomes_by_learner[outcome.learner_id].append(outcome.date)

    result = []
    for enrolment in enrolments:
        learner = enrolment.learner
        facts = EnrolmentFacts(
            enrolment_id=enrolment.id,
            learner_id=learner.id,
            provider=enrolment.cohort.provider.title,
            borough=learner.borough.name if learner.borough else "Not known",
        )
        marks = {a.session_id: a.status for a in enrolment.attendance.all()}
        attendance_facts(facts, enrolment, held_by_cohort[enrolment.cohort_id], marks, today, period)
        facts.started = enrolment.start_date <= today and (period is None or enrolment.start_date in period)
        facts.leaver = enrolment.is_leaver and (period is None or enrolment.actual_end_date in period)
        facts.completed = facts.leaver and enrolment.completion_status == CompletionStatus.COMPLETED
        facts.achieved = facts.leaver and enrolment.outcome == Outcome.ACHIEVED
        for goal in enrolment.goals.all():
            if goal.rating:
                facts.goals_rated += 1
                facts.goals_fully += goal.rating == Goal.Rating.FULLY
        for assessment in enrolment.assessments.all():
            initial, final = facts.levels.get(assessment.skill, (None, None))
            if assessment.stage == Assessment.Stage.INITIAL:
                initial = assessment.level
            else:
                final = assessment.level
            facts.levels[assessment.skill] = (initial, final)
        if facts.leaver:
            end = enrolment.actual_end_date
            facts.progressed = any(
                end <= day <= end + datetime.timedelta(days=PROGRESSION_WINDOW_DAYS) and day <= today
                for day in outcomes_by_learner[learner.id]
            )
        result.append(facts)
    return result


def learner_facts(learners) -> list[LearnerFacts]:
    """Banded characteristics and matched baseline/follow-up survey answers of each learner."""
    learners = list(learners.select_related("borough", "provider"))
    pairs = defaultdict(dict)
    answers = SurveyAnswer.objects.filter(
        response__learner_id__in=[learner.id for learner in learners],
        response__wave__in=[SurveyResponse.Wave.BASELINE, SurveyResponse.Wave.FOLLOW_UP],
    ).order_by("response__instrument__version")  # pairs by construct across versions; a later version wins
    for learner_id, wave, construct, value in answers.values_list(
        "response__learner_id", "response__wave", "item__construct", "value"
    ):
        pairs[learner_id].setdefault(construct, {})[wave] = value
    result = []
    for learner in learners:
        integration = {
            construct: (waves[SurveyResponse.Wave.BASELINE], waves[SurveyResponse.Wave.FOLLOW_UP])
            for construct, waves in pairs[learner.id].items()
            if len(waves) == 2
        }
        bands = {name: str(getattr(learner, name)) for name in REACH_CHARACTERISTICS}
        bands["first_language"] = learner.first_language or "unknown"
        bands["childcare_need"] = {True: "yes", False: "no", None: "unknown"}[learner.childcare_need]
        result.append(
            LearnerFacts(
                learner_id=learner.id,
                provider=learner.provider.title,
                borough=learner.borough.name if learner.borough else "Not known",
                bands=bands,
                integration=integration,
            )
        )
    return result


def measures(enrolments: list[EnrolmentFacts], learners: list[LearnerFacts]) -> list[Measure]:
    """Every indicator over one group of enrolments and learners."""
    held = sum(f.held for f in enrolments)
    attended = sum(f.attended for f in enrolments)
    authorised = sum(f.authorised for f in enrolments)
    leavers = [f for f in enrolments if f.leaver]
    with_sessions = [f for f in enrolments if f.held]
    out = [
        Measure("starts", "count", sum(f.started for f in enrolments), None, "starts", None),
        Measure("attendance_rate", "rate", attended, held, "attended", "held"),
        Measure(
            "attendance_not_recorded", "rate", sum(f.not_recorded for f in enrolments), held, "not_recorded", "held"
        ),
        Measure(
            "attendance_rate_excluding_authorised",
            "rate",
            attended,
            held - authorised,
            "attended",
            "held_less_authorised",
        ),
        Measure(
            "persistent_absence",
            "rate",
            sum(f.persistent_absence for f in with_sessions),
            len(with_sessions),
            "persistent_absentees",
            "enrolments_with_sessions",
        ),
        Measure("retention", "rate", sum(f.completed for f in leavers), len(leavers), "completers", "leavers"),
        Measure("achievement", "rate", sum(f.achieved for f in leavers), len(leavers), "achievers", "leavers"),
        Measure(
            "rarpa_achievement",
            "rate",
            sum(f.goals_fully for f in enrolments),
            sum(f.goals_rated for f in enrolments),
            "goals_fully_achieved",
            "goals_rated",
        ),
        Measure(
            "progression_within_6_months",
            "rate",
            sum(f.progressed for f in leavers),
            len(leavers),
            "progressed",
            "leavers",
        ),
    ]
    for skill in Skill.values:
        pairs = [f.levels.get(skill, (None, None)) for f in enrolments]
        assessed = [p for p in pairs if p[0] is not None]
        matched = [p for p in assessed if p[1] is not None]
        out += [
            Measure(
                f"level_progression:{skill}",
                "rate",
                sum(final >= initial + 1 for initial, final in matched),
                len(matched),
                f"rose_a_level:{skill}",
                f"assessed_twice:{skill}",
            ),
            Measure(
                f"level_progression_coverage:{skill}",
                "rate",
                len(matched),
                len(assessed),
                f"assessed_twice:{skill}",
                f"assessed_initially:{skill}",
            ),
            Measure(
                f"distance_travelled:{skill}",
                "mean",
                sum(final - initial for initial, final in matched),
                len(matched),
                f"levels_gained:{skill}",
                f"assessed_twice:{skill}",
            ),
        ]
    items = sorted({item for learner in learners for item in learner.integration})
    for item in items:
        changes = [
            learner.integration[item][1] - learner.integration[item][0]
            for learner in learners
            if item in learner.integration
        ]
        out.append(
            Measure(
                f"integration_change:{item}", "mean", sum(changes), len(changes), f"change:{item}", f"matched:{item}"
            )
        )
    for characteristic in REACH_CHARACTERISTICS:
        counts = Counter(learner.bands[characteristic] for learner in learners)
        for band in sorted(counts):
            out.append(
                Measure(
                    f"reach:{characteristic}={band}",
                    "rate",
                    counts[band],
                    len(learners),
                    f"reach:{characteristic}={band}",
                    "learners",
                )
            )
    return out


def pilot_enrolments(
    pilot: Pilot, provider_id: int | None = None, borough_code: str | None = None, today: datetime.date | None = None
):
    """The pilot's enrolments of learners whose records research may use on ``today`` (``evaluation.consent``)."""
    today = today or timezone.localdate()
    enrolments = Enrolment.objects.filter(cohort__pilot=pilot, learner_id__in=research_learner_ids(pilot, today))
    if provider_id:
        enrolments = enrolments.filter(cohort__provider_id=provider_id)
    if borough_code:
        enrolments = enrolments.filter(learner__borough_id=borough_code)
    return enrolments


@dataclass(frozen=True)
class Row:
    """One line of the long-form indicator table."""

    indicator: str
    breakdown: str
    group: str
    period: str
    measure: Measure


def indicator_rows(
    pilot: Pilot,
    today: datetime.date,
    period: Period | None = None,
    provider_id: int | None = None,
    borough_code: str | None = None,
) -> list[Row]:
    """Every indicator for the pilot as a whole and by provider and by borough (unpublished, exact figures)."""
    enrolments = pilot_enrolments(pilot, provider_id, borough_code, today)
    e_facts = enrolment_facts(enrolments, today, period)
    learner_ids = {f.learner_id for f in e_facts}
    l_facts = learner_facts(Learner.objects.filter(id__in=learner_ids))
    return rows_from_facts(pilot.slug, e_facts, l_facts, str(period) if period else "all")


def rows_from_facts(
    pilot_slug: str, e_facts: list[EnrolmentFacts], l_facts: list[LearnerFacts], period_label: str = "all"
) -> list[Row]:
    """The long-form table from facts: the pilot, then each provider and borough (they add up to the pilot)."""
    rows = []
    for breakdown in ("pilot", "provider", "borough"):
        groups_e, groups_l = defaultdict(list), defaultdict(list)
        for f in e_facts:
            groups_e[pilot_slug if breakdown == "pilot" else getattr(f, breakdown)].append(f)
        for f in l_facts:
            groups_l[pilot_slug if breakdown == "pilot" else getattr(f, breakdown)].append(f)
        if breakdown == "pilot":
            groups_e.setdefault(pilot_slug, [])
        for group in sorted(set(groups_e) | set(groups_l)):
            for measure in measures(groups_e[group], groups_l[group]):
                rows.append(Row(measure.indicator, breakdown, group, period_label, measure))
    return rows
