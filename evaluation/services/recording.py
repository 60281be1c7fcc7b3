"""Recording learners, registers, assessments, goals, surveys and outcomes.

Safe on a busy day (esolplus.concurrency): what a form creates is created once per submission key, and an edit
based on a version someone else has since replaced raises ``StaleVersion`` having written nothing, unless what is
saved already says the same (the same form sent twice), which is then a success.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from esolplus.concurrency import StaleVersion, claim_version, create_once
from evaluation import destinations
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

from .assessments_from_finder import carry_over_assessment
from .audit import record_audit
from .places import sync_class_enrolment

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
def enrol(
    user, learner: Learner, cohort: Cohort, start_date: datetime.date, enquiry=None, submission_key=None
) -> Enrolment:
    enrolment = Enrolment.objects.create(
        learner=learner,
        cohort=cohort,
        start_date=start_date,
        planned_end_date=max(cohort.end_date, start_date),
        submission_key=submission_key,
    )
    record_audit(user, Action.CREATE, enrolment, cohort.pilot)
    if enquiry is not None:
        enquiry.status = enquiry.Status.ENROLLED
        enquiry.save(update_fields=["status", "updated_at"])
    if enquiry is not None and enquiry.assessment_id:  # the levels the finder's assessment found, not re-keyed
        carry_over_assessment(user, enrolment, enquiry.assessment)
    sync_class_enrolment(cohort)
    return enrolment


class CannotEnrol(Exception):
    """Why this learner cannot be enrolled here, in words for the enrolment form (on the ``field`` it is about)."""

    def __init__(self, message: str, field: str = "uln"):
        super().__init__(message)
        self.message, self.field = message, field


def returning_learner(uln: str) -> Learner | None:
    """The learner already registered with this Unique Learner Number, if any: one learner, many enrolments (the
    ULN gives the same pseudonym every time, so a returning learner is counted once)."""
    return Learner.objects.filter(pseudonym=new_learner_pseudonym(uln)).first() if uln else None


def register_and_enrol(
    user,
    cohort: Cohort,
    *,
    characteristics: dict,
    identity: dict,
    consent: dict,
    start_date: datetime.date,
    enquiry=None,
    submission_key: uuid.UUID | None = None,
) -> Enrolment | None:
    """A new learner enrolled on the cohort, all or nothing; the same form sent twice enrols them once.

    A learner who returns with the same ULN to this provider is enrolled again as the same learner (their identity
    and consent as first recorded). ``CannotEnrol`` when the ULN is another provider's learner (whose identity this
    provider may not see) or the learner is already on the cohort: nothing is written.
    """

    def create():
        learner = returning_learner(identity.get("uln", ""))
        if learner is not None and learner.provider_id != cohort.provider.pk:
            raise CannotEnrol(
                _(
                    "A learner with this Unique Learner Number is registered by another provider. "
                    "Ask an ESOL coordinator to help."
                )
            )
        if learner is not None and learner.enrolments.filter(cohort=cohort).exists():
            raise CannotEnrol(_("This learner is already enrolled on this cohort."))
        if learner is None:
            learner = register_learner(
                user,
                cohort.provider,
                characteristics=characteristics,
                identity=identity,
                consent=consent,
                enquiry=enquiry,
            )
        return enrol(user, learner, cohort, start_date, enquiry=enquiry, submission_key=submission_key)

    with transaction.atomic():
        return create_once(cohort.enrolments.all(), submission_key, create)[0]


@transaction.atomic
def take_register(
    user,
    session: Session,
    marks: dict[int, str],
    minutes: dict[int, int | None] | None = None,
    *,
    based_on: int | None = None,
) -> int:
    """Save a whole register at once: the session is marked held and each enrolment gets one mark.

    ``minutes`` (cohorts that record them) are the minutes each learner attended, from 0 to the session's length; an
    absent learner attended none, so their minutes are cleared (None), whatever was sent. Without ``minutes`` the
    minutes already saved for a learner who came are kept.
    ``based_on`` is the register version the form showed (``None``: an import, applied whatever the version).
    Saves are one at a time per session (``claim_version`` holds the session's row), so two first saves of an
    empty register never both create marks. A cancelled session has no register (reinstate it first).
    Returns how many marks were created or changed.
    """
    minutes = minutes or {}
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in marks.values()):
        raise ValueError("Unknown attendance status")
    if any(m is not None and not 0 <= m <= session.minutes for m in minutes.values()):
        raise ValueError("Minutes attended must be from 0 to the session's length")
    if session.status == Session.Status.CANCELLED:
        raise ValueError("A cancelled session has no register")
    absent = (Attendance.Status.AUTHORISED, Attendance.Status.UNAUTHORISED)

    def minutes_for(enrolment_id: int, status: str, saved: int | None) -> int | None:
        return None if status in absent else minutes.get(enrolment_id, saved)

    try:  # first, so that on SQLite too the save waits for the write lock before it reads anything
        session.register_version = claim_version(Session.objects, session.pk, based_on, "register_version")
    except StaleVersion:
        rows = session.attendance.filter(enrolment_id__in=marks).values_list("enrolment_id", "status", "minutes")
        saved = {enrolment_id: (status, saved_minutes) for enrolment_id, status, saved_minutes in rows}
        if saved == {k: (v, minutes_for(k, v, saved.get(k, (v, None))[1])) for k, v in marks.items()}:
            return 0  # the same register sent twice (a double click): already saved
        raise
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
            mark = Attendance(enrolment_id=enrolment_id, session=session, status=status)
            mark.minutes = minutes_for(enrolment_id, status, None)
            created.append(mark)
        elif (mark.status, mark.minutes) != (status, minutes_for(enrolment_id, status, mark.minutes)):
            mark.status, mark.minutes = status, minutes_for(enrolment_id, status, mark.minutes)
            changed.append(mark)
    Attendance.objects.bulk_create(created)
    Attendance.objects.bulk_update(changed, ["status", "minutes"])
    if created or changed:
        detail = {"register": {str(k): v for k, v in marks.items()}, "created": len(created), "changed": len(changed)}
        if minutes:
            detail["minutes"] = {str(k): v for k, v in minutes.items()}
        record_audit(user, Action.CHANGE if changed else Action.CREATE, session, session.cohort.pilot, **detail)
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


@transaction.atomic
def record_assessment(
    user,
    enrolment: Enrolment,
    *,
    stage: str,
    skill: str,
    level: int,
    date: datetime.date,
    submission_key: uuid.UUID | None = None,
    seen: set[tuple[int, int]] | None = None,
) -> Assessment | None:
    """Save an assessment; a second initial or final one for the same skill replaces the first.

    ``seen`` is which initial and final assessments, as (id, version), the form's page showed: one saved for the
    same stage and skill since then is not replaced unseen (``StaleVersion``). ``None`` (imports) replaces it.
    """

    def save() -> Assessment:
        values = {"level": level, "date": date}
        if stage == Assessment.Stage.PROGRESS:
            assessment = Assessment.objects.create(
                enrolment=enrolment, stage=stage, skill=skill, submission_key=submission_key, **values
            )
            action = Action.CREATE
        else:
            assessment, action = _replace_assessment(enrolment, stage, skill, values, submission_key, seen)
        if action:
            record_audit(user, action, assessment, enrolment.cohort.pilot)
        return assessment

    return create_once(enrolment.assessments.all(), submission_key, save)[0]


def _replace_assessment(
    enrolment: Enrolment, stage: str, skill: str, values: dict, key, seen
) -> tuple[Assessment, str | None]:
    """The initial or final assessment for a skill, created or replaced; the audit action (None: unchanged)."""
    slot = enrolment.assessments.filter(stage=stage, skill=skill)
    current = slot.first()
    if current is None:
        try:
            with transaction.atomic():
                created = Assessment.objects.create(
                    enrolment=enrolment, stage=stage, skill=skill, submission_key=key, **values
                )
                return created, Action.CREATE
        except IntegrityError:
            current = slot.first()  # someone else's, saved a moment ago
            if current is None or (key is not None and current.submission_key == key):
                raise  # another constraint, or this same form sent twice at once (create_once finds it)
    if seen is not None and (current.pk, current.version) not in seen:
        if all(getattr(current, name) == value for name, value in values.items()):
            return current, None  # someone saved the same: nothing to choose between
        raise StaleVersion(current.version, current)
    replaced = Assessment.objects.filter(pk=current.pk, version=current.version).update(
        submission_key=key, version=F("version") + 1, **values
    )
    current.refresh_from_db()
    if not replaced:
        raise StaleVersion(current.version, current)
    return current, Action.CHANGE


def add_goal(
    user, enrolment: Enrolment, *, text: str, set_date: datetime.date, submission_key: uuid.UUID | None = None
) -> Goal | None:
    def create() -> Goal:
        goal = Goal.objects.create(enrolment=enrolment, text=text, set_date=set_date, submission_key=submission_key)
        record_audit(user, Action.CREATE, goal, enrolment.cohort.pilot)
        return goal

    with transaction.atomic():
        return create_once(enrolment.goals.all(), submission_key, create)[0]


def _claim(record, based_on: int | None, **wanted) -> int | None:
    """Claim the record's next version for a save of ``wanted`` (see claim_version); None when the record already
    holds exactly that (the same form sent twice), so there is nothing to write. Otherwise ``StaleVersion`` with
    the record as it is now saved."""
    model = type(record)
    try:
        return claim_version(model.objects, record.pk, based_on)
    except StaleVersion as stale:
        current = model.objects.get(pk=record.pk)
        if all(getattr(current, name) == value for name, value in wanted.items()):
            return None
        raise StaleVersion(stale.version, current) from None


@transaction.atomic
def rate_goal(user, goal: Goal, *, rating: str, self_assessment: str = "", based_on: int | None = None) -> Goal:
    """The tutor's and the learner's ratings; ``based_on`` is the version the form showed (None: any)."""
    version = _claim(goal, based_on, rating=rating, self_assessment=self_assessment)
    if version is None:
        return goal
    goal.rating, goal.self_assessment, goal.version = rating, self_assessment, version
    goal.save(update_fields=["rating", "self_assessment"])
    record_audit(user, Action.CHANGE, goal, goal.enrolment.cohort.pilot, rating=rating)
    return goal


@transaction.atomic
def record_survey(
    user,
    learner: Learner,
    instrument: SurveyInstrument,
    *,
    wave: str,
    date: datetime.date,
    answers: dict[str, int],
    submission_key: uuid.UUID | None = None,
) -> SurveyResponse | None:
    """Save one wave's answers, checking every value against the item's value labels; they replace any earlier
    answers for the wave, except that the same form sent twice is saved once."""
    items = {item.code: item for item in instrument.items.all()}
    for code, value in answers.items():
        if code not in items or str(value) not in items[code].value_labels:
            raise ValueError(f"{value!r} is not an allowed answer to {code}")

    def save() -> SurveyResponse:
        response, created = SurveyResponse.objects.update_or_create(
            learner=learner, instrument=instrument, wave=wave, defaults={"date": date, "submission_key": submission_key}
        )
        response.answers.all().delete()
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, item=items[code], value=value) for code, value in answers.items()
        )
        record_audit(user, Action.CREATE if created else Action.CHANGE, response, wave=wave, answers=len(answers))
        return response

    return create_once(learner.survey_responses.all(), submission_key, save)[0]


def record_outcome(
    user,
    learner: Learner,
    *,
    outcome_type: str,
    outcome_code: int,
    date: datetime.date,
    source: str,
    submission_key: uuid.UUID | None = None,
) -> ProgressionOutcome | None:
    """Where the learner went next, as an ILR destination (``evaluation.destinations``)."""
    if outcome_code is None or not destinations.is_valid(outcome_type, outcome_code):
        raise ValueError(f"{outcome_type}{outcome_code} is not an ILR destination")

    def create() -> ProgressionOutcome:
        outcome = ProgressionOutcome.objects.create(
            learner=learner,
            outcome_type=outcome_type,
            outcome_code=outcome_code,
            date=date,
            source=source,
            submission_key=submission_key,
        )
        record_audit(user, Action.CREATE, outcome, destination=outcome.destination)
        return outcome

    with transaction.atomic():
        return create_once(learner.outcomes.all(), submission_key, create)[0]


@transaction.atomic
def end_enrolment(
    user,
    enrolment: Enrolment,
    *,
    completion_status: int,
    outcome: int = Outcome.UNKNOWN,
    actual_end_date: datetime.date | None = None,
    withdrawal_reason: str = "",
    based_on: int | None = None,
) -> Enrolment:
    """Record that a learner completed, withdrew or took a break (ILR codes); ``based_on`` is the version of these
    details the form showed (None: any)."""
    if CompletionStatus.is_leaving(completion_status) and actual_end_date is None:
        raise ValueError("A leaver needs an actual end date")
    details = {
        "completion_status": completion_status,
        "outcome": outcome,
        "actual_end_date": actual_end_date,
        "withdrawal_reason": withdrawal_reason,
    }
    version = _claim(enrolment, based_on, **details)
    if version is None:
        return enrolment
    for name, value in details.items():
        setattr(enrolment, name, value)
    enrolment.version = version
    enrolment.full_clean()
    enrolment.save(update_fields=list(details))
    record_audit(user, Action.CHANGE, enrolment, enrolment.cohort.pilot, completion_status=completion_status)
    sync_class_enrolment(enrolment.cohort)
    return enrolment
