"""Data for the dashboard's server-rendered charts (plain HTML/CSS bars: no JavaScript)."""

import datetime
from collections import defaultdict

from .indicators import EnrolmentFacts, Measure, Period, attendance_facts
from .models import Attendance, Session, Skill


def attendance_by_week(enrolments, today: datetime.date, period: Period | None = None) -> list[dict]:
    """Weekly attendance rate, by the same rule as the attendance indicator."""
    enrolments = list(enrolments.only("id", "learner_id", "cohort_id", "start_date", "actual_end_date"))
    sessions = defaultdict(list)
    for session in Session.objects.filter(
        cohort_id__in={e.cohort_id for e in enrolments}, status=Session.Status.HELD, date__lte=today
    ).order_by("date"):
        if period is None or session.date in period:
            sessions[session.cohort_id].append(session)
    marks = defaultdict(dict)
    for enrolment_id, session_id, status in Attendance.objects.filter(enrolment__in=enrolments).values_list(
        "enrolment_id", "session_id", "status"
    ):
        marks[enrolment_id][session_id] = status
    weeks = sorted({s.date - datetime.timedelta(days=s.date.weekday()) for c in sessions.values() for s in c})
    out = []
    for monday in weeks:
        week = Period(monday, monday + datetime.timedelta(days=6))
        facts = EnrolmentFacts(0, 0, "", "")
        for enrolment in enrolments:
            attendance_facts(facts, enrolment, sessions[enrolment.cohort_id], marks[enrolment.id], today, week)
        if facts.held:
            rate = facts.attended / facts.held
            out.append({"week": monday, "rate": rate, "percent": round(100 * rate), "held": facts.held})
    return out


def level_bars(headline: dict[str, Measure]) -> list[dict]:
    bars = []
    for skill, label in Skill.choices:
        measure = headline.get(f"level_progression:{skill}")
        if measure is None:
            continue
        percent = round(100 * measure.value) if measure.value is not None else None
        bars.append({"skill": label, "rose": measure.numerator, "assessed": measure.denominator, "percent": percent})
    return bars
