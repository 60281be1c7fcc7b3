"""Recording learners, registers, assessments, goals, surveys and outcomes."""

import datetime

from django.db import transaction

from evaluation.models import (
    Assessment,
    Attendance,
    AuditEntry,
    Cohort,
    CompletionStatus,
    ConsentRecord,
    Enrolment,
    Goal,
    Learner,
    LearnerIdentity,
    Outcome,
    ProgressionOutcome,
    Session,
    SurveyAnswer,
    SurveyInstrument,
    SurveyResponse,
)
from evaluation.pseudonyms import new_learner_pseudonym

from .audit import record_audit

Action = AuditEntry.Action


@transaction.atomic
def register_learner(
    user, provider, *, characteristics: dict, identity: dict, consent: dict | None = None, enquiry=None
) -> Learner:
    """A new pseudonymous learner with their identity kept apart (and their consent choices, if given)."""
    learner = Learner(provider=provider, pseudonym=new_learner_pseudonym(identity.get("uln", "")), **characteristics)
    learner.full_clean()
    learner.save()
    identity_record = LearnerIdentity(learner=learner, enquiry=enquiry, **identity)
    identity_record.full_clean()
    identity_record.save()
    record_audit(user, Action.CREATE, learner)
    record_audit(user, Action.CREATE, identity_record)
    if consent:
        record = ConsentRecord.objects.create(learner=learner, **consent)
        record_audit(user, Action.CREATE, record)
    return learner


@transaction.atomic
def enrol(user, learner: Learner, cohort: Cohort, start_date: datetime.date, enquiry=None) -> Enrolment:
    enrolment = Enrolment.objects.create(
        learner=learner, cohort=cohort, start_date=start_date, planned_end_date=max(cohort.end_date, start_date)
    )
    record_audit(user, Action.CREATE, enrolment, cohort.pilot)
    if enquiry is not None:
        enquiry.status = enquiry.Status.ENROLLED
        enquiry.save(update_fields=["status", "updated_at"])
    return enrolment


@transaction.atomic
def take_register(user, session: Session, marks: dict[int, str], minutes: dict[int, int | None] | None = None) -> int:
    """Save a whole register at once: the session is marked held and each enrolment gets one mark.

    Returns how many marks were created or changed.
    """
    minutes = minutes or {}
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in marks.values()):
        raise ValueError("Unknown attendance status")
    enrolment_ids = set(session.cohort.enrolments.filter(id__in=marks).values_list("id", flat=True))
    if enrolment_ids != set(marks):
        raise ValueError("Every mark must be for a learner on this session's cohort")
    if session.status != Session.Status.HELD:
        session.status = Session.Status.HELD
        session.save(update_fields=["status"])
    existing = {a.enrolment_id: a for a in session.attendance.all()}
    created, changed = [], []
    for enrolment_id, status in marks.items():
        mark = existing.get(enrolment_id)
        if mark is None:
            created.append(
                Attendance(enrolment_id=enrolment_id, session=session, status=status, minutes=minutes.get(enrolment_id))
            )
        elif mark.status != status or mark.minutes != minutes.get(enrolment_id, mark.minutes):
            mark.status, mark.minutes = status, minutes.get(enrolment_id, mark.minutes)
            changed.append(mark)
    Attendance.objects.bulk_create(created)
    Attendance.objects.bulk_update(changed, ["status", "minutes"])
    if created or changed:
        record_audit(
            user,
            Action.CHANGE if changed else Action.CREATE,
            session,
            session.cohort.pilot,
            register={str(k): v for k, v in marks.items()},
            created=len(created),
            changed=len(changed),
        )
    return len(created) + len(changed)


def schedule_sessions(user, cohort: Cohort) -> int:
    """Create the cohort's sessions from its class's weekly timetable; existing ones are left alone."""
    weekly = list(cohort.class_page.sessions.all())
    existing = set(cohort.sessions.values_list("date", "start_time"))
    new, day = [], cohort.start_date
    while day <= cohort.end_date:
        for slot in weekly:
            if day.weekday() == slot.weekday and (day, slot.start_time) not in existing:
                new.append(Session(cohort=cohort, date=day, start_time=slot.start_time, end_time=slot.end_time))
        day += datetime.timedelta(days=1)
    Session.objects.bulk_create(new)
    if new:
        record_audit(user, Action.CREATE, "evaluation.Session", cohort.pilot, cohort=cohort.pk, sessions=len(new))
    return len(new)


def cancel_session(user, session: Session) -> None:
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    record_audit(user, Action.CHANGE, session, session.cohort.pilot, status="cancelled")


def record_assessment(user, enrolment: Enrolment, *, stage: str, skill: str, level: int, date: datetime.date):
    """Save an assessment; a second initial or final one for the same skill replaces the first."""
    if stage == Assessment.Stage.PROGRESS:
        assessment = Assessment.objects.create(enrolment=enrolment, stage=stage, skill=skill, level=level, date=date)
        created = True
    else:
        assessment, created = Assessment.objects.update_or_create(
            enrolment=enrolment, stage=stage, skill=skill, defaults={"level": level, "date": date}
        )
    record_audit(user, Action.CREATE if created else Action.CHANGE, assessment, enrolment.cohort.pilot)
    return assessment


def add_goal(user, enrolment: Enrolment, *, text: str, set_date: datetime.date) -> Goal:
    goal = Goal.objects.create(enrolment=enrolment, text=text, set_date=set_date)
    record_audit(user, Action.CREATE, goal, enrolment.cohort.pilot)
    return goal


def rate_goal(user, goal: Goal, *, rating: str, self_assessment: str = "") -> Goal:
    goal.rating, goal.self_assessment = rating, self_assessment
    goal.save(update_fields=["rating", "self_assessment"])
    record_audit(user, Action.CHANGE, goal, goal.enrolment.cohort.pilot, rating=rating)
    return goal


@transaction.atomic
def record_survey(
    user, learner: Learner, instrument: SurveyInstrument, *, wave: str, date: datetime.date, answers: dict[str, int]
) -> SurveyResponse:
    """Save one wave's answers, checking every value against the item's value labels."""
    items = {item.code: item for item in instrument.items.all()}
    for code, value in answers.items():
        if code not in items or str(value) not in items[code].value_labels:
            raise ValueError(f"{value!r} is not an allowed answer to {code}")
    response, created = SurveyResponse.objects.update_or_create(
        learner=learner, instrument=instrument, wave=wave, defaults={"date": date}
    )
    response.answers.all().delete()
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, item=items[code], value=value) for code, value in answers.items()
    )
    record_audit(user, Action.CREATE if created else Action.CHANGE, response, wave=wave, answers=len(answers))
    return response


def record_outcome(user, learner: Learner, *, kind: str, date: datetime.date, source: str) -> ProgressionOutcome:
    outcome = ProgressionOutcome.objects.create(learner=learner, kind=kind, date=date, source=source)
    record_audit(user, Action.CREATE, outcome, kind=kind)
    return outcome


def end_enrolment(
    user,
    enrolment: Enrolment,
    *,
    completion_status: int,
    outcome: int = Outcome.UNKNOWN,
    actual_end_date: datetime.date | None = None,
    withdrawal_reason: str = "",
) -> Enrolment:
    """Record that a learner completed, withdrew or took a break (ILR codes)."""
    if CompletionStatus.is_leaving(completion_status) and actual_end_date is None:
        raise ValueError("A leaver needs an actual end date")
    enrolment.completion_status = completion_status
    enrolment.outcome = outcome
    enrolment.actual_end_date = actual_end_date
    enrolment.withdrawal_reason = withdrawal_reason
    enrolment.full_clean()
    enrolment.save()
    record_audit(user, Action.CHANGE, enrolment, enrolment.cohort.pilot, completion_status=completion_status)
    return enrolment
