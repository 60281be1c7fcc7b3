"""Correcting and deleting learner records: enrolments, assessments, goals, survey answers and progression outcomes.

Who may do it is asked by the views (``evaluation.access``: the ``recordable_*`` rows to correct,
``can_delete_records`` to delete). Each function here is one transaction and is audited with the values before
and after (``audit.record_change``) or, for a deletion, the values the record had (``audit.record_deletion``).

Two people correcting the same record must not silently overwrite each other, and these models have no field to
hold a form's version (outcomes and survey responses have none at all). So a correction form carries a
**fingerprint** of the values it showed (``fingerprint`` of ``*_values``). The save first locks the record's row
(``_lock``, before reading anything, so two saves run one after the other on PostgreSQL and SQLite alike), then
compares: a record changed since the form was shown raises ``RecordChanged`` having written nothing, unless it
already holds exactly what was sent (the same form sent twice: nothing to do). Where a model does have a
``version`` (enrolments, assessments, goals), a correction moves it on, so that the other forms built on it
(ending an enrolment, recording an assessment, rating a goal) notice the correction too. A record deleted
meanwhile raises ``RecordGone``.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from evaluation.models import Assessment, Enrolment, Goal, Learner, ProgressionOutcome, SurveyAnswer, SurveyResponse

from .audit import json_safe, record_change, record_deletion, snapshot
from .places import sync_class_enrolment

# What each correction form shows and may change. Extend a list here: the form, its fingerprint and the audit
# entry all follow it.
ENROLMENT_FIELDS = [
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "completion_status",
    "outcome",
    "withdrawal_reason",
]
ASSESSMENT_FIELDS = ["stage", "level", "date"]
GOAL_FIELDS = ["text", "set_date", "rating", "self_assessment"]
OUTCOME_FIELDS = ["outcome_type", "outcome_code", "date", "source"]  # an ILR destination (evaluation.destinations)
ANSWER = "answers."  # survey values are "date" and "answers.<item code>"


class RecordChanged(Exception):
    """Someone saved this record after the form was shown; nothing was written. ``current`` is the record as it
    is now and ``fingerprint`` the one a form showing it carries."""

    def __init__(self, current: models.Model, fingerprint: str):
        super().__init__(f"{current._meta.label} {current.pk} changed since the form was shown")
        self.current, self.fingerprint = current, fingerprint


class RecordGone(Exception):
    """The record was deleted meanwhile (by someone else, or by the same form sent twice); nothing was written."""


def fingerprint(values: dict) -> str:
    """What a form carries to say which values it showed: a digest of them, the same for the same values."""
    text = json.dumps(json_safe(values), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def owner_provider_id(record: models.Model) -> int | None:
    """The provider a record belongs to, for ``access.can_delete_records``: the cohort's for an enrolment and what
    hangs on it, the registering provider's for a learner and their survey responses and outcomes."""
    if isinstance(record, Enrolment):
        return record.cohort.provider_id
    if isinstance(record, Assessment | Goal):
        return record.enrolment.cohort.provider_id
    if isinstance(record, Learner):
        return record.provider_id
    if isinstance(record, ProgressionOutcome | SurveyResponse):
        return record.learner.provider_id
    raise TypeError(f"not a learner record: {record!r}")


# --- What a form shows, and what a confirmation page says goes ------------------------------------------------


def enrolment_values(enrolment: Enrolment) -> dict:
    return snapshot(enrolment, ENROLMENT_FIELDS)


def assessment_values(assessment: Assessment) -> dict:
    return snapshot(assessment, ASSESSMENT_FIELDS)


def goal_values(goal: Goal) -> dict:
    return snapshot(goal, GOAL_FIELDS)


def outcome_values(outcome: ProgressionOutcome) -> dict:
    return snapshot(outcome, OUTCOME_FIELDS)


def survey_values(response: SurveyResponse) -> dict:
    """The date and every item's answer (None: not answered), keyed "answers.<item code>"."""
    answers = dict(response.answers.values_list("item__code", "value"))
    codes = [*response.instrument.items.values_list("code", flat=True)]
    codes += [code for code in answers if code not in codes]
    return {"date": json_safe(response.date), **{ANSWER + code: answers.get(code) for code in codes}}


def what_goes(enrolment: Enrolment) -> dict[str, int]:
    """What deleting an enrolment deletes with it (the database cascades): its marks, assessments and goals."""
    return {
        "attendance": enrolment.attendance.count(),
        "assessments": enrolment.assessments.count(),
        "goals": enrolment.goals.count(),
    }


def deletion_values(record: models.Model) -> dict:
    """Everything a deletion would remove, as the confirmation page showed it (its fingerprint goes in the form):
    a mark added or a value corrected since then means the page is shown again rather than deleting more."""
    values = snapshot(record, _stored_fields(record))
    if isinstance(record, Enrolment):
        values["going"] = what_goes(record)
    if isinstance(record, SurveyResponse):
        values.update(survey_values(record))
    return values


# --- Corrections ---------------------------------------------------------------------------------------------


@transaction.atomic
def correct_enrolment(user, enrolment: Enrolment, *, based_on: str | None, **values) -> Enrolment:
    """Correct an enrolment's dates, completion status, outcome and reason for leaving (``ENROLMENT_FIELDS``).

    The model's rules hold (``full_clean``: a leaver, ``CompletionStatus.leaving``, has an end date; the end is not
    before the start), and the class's register count follows a change of status."""
    current = _lock(Enrolment, enrolment.pk)
    status_before = current.completion_status
    saved = _correct(user, current, ENROLMENT_FIELDS, values, based_on, current.cohort.pilot)
    if saved.completion_status != status_before:
        sync_class_enrolment(saved.cohort)
    return saved


@transaction.atomic
def correct_assessment(user, assessment: Assessment, *, based_on: str | None, **values) -> Assessment:
    """Correct an assessment's stage, level and date (``ASSESSMENT_FIELDS``); one initial and one final per skill."""
    current = _lock(Assessment, assessment.pk)
    return _correct(user, current, ASSESSMENT_FIELDS, values, based_on, current.enrolment.cohort.pilot)


@transaction.atomic
def correct_goal(user, goal: Goal, *, based_on: str | None, **values) -> Goal:
    """Correct a goal's wording, date and ratings (``GOAL_FIELDS``)."""
    current = _lock(Goal, goal.pk)
    return _correct(user, current, GOAL_FIELDS, values, based_on, current.enrolment.cohort.pilot)


@transaction.atomic
def correct_outcome(user, outcome: ProgressionOutcome, *, based_on: str | None, **values) -> ProgressionOutcome:
    """Correct where a learner went next (``OUTCOME_FIELDS``)."""
    current = _lock(ProgressionOutcome, outcome.pk)
    return _correct(user, current, OUTCOME_FIELDS, values, based_on, None)


@transaction.atomic
def correct_survey_answers(
    user,
    response: SurveyResponse,
    *,
    date: datetime.date,
    answers: dict[str, int | None],
    based_on: str | None,
) -> SurveyResponse:
    """Correct one wave's date and answers; ``None`` clears an answer. Each value must be one of its item's
    value labels (``ValidationError`` otherwise, nothing written)."""
    current = _lock(SurveyResponse, response.pk)
    before = survey_values(current)
    wanted = {"date": date, **{ANSWER + code: value for code, value in answers.items()}}
    if not _based_on_current(current, before, wanted, based_on):
        return current
    items = {item.code: item for item in current.instrument.items.all()}
    for code, value in answers.items():
        if code not in items or (value is not None and str(value) not in items[code].value_labels):
            raise ValidationError(_("%(value)s is not an allowed answer to this question.") % {"value": value})
    if current.date != date:
        current.date = date
        current.save(update_fields=["date"])
    for code, value in answers.items():
        if value is None:
            current.answers.filter(item=items[code]).delete()
        else:
            SurveyAnswer.objects.update_or_create(response=current, item=items[code], defaults={"value": value})
    record_change(user, current, None, before, survey_values(current), wave=current.wave)
    return current


# --- Deletions -----------------------------------------------------------------------------------------------


@transaction.atomic
def delete_enrolment(user, enrolment: Enrolment, *, based_on: str | None) -> dict[str, int]:
    """Delete an enrolment with its register marks, assessments and goals; returns how many of each went.

    ``based_on`` is the fingerprint of ``deletion_values`` the confirmation page showed (None: whatever it is
    now). The learner stays (with their identity, other enrolments, survey answers and outcomes)."""
    current = _lock(Enrolment, enrolment.pk)
    going = what_goes(current)
    removed = {
        "attendance": [
            {"session": mark.session_id, "date": mark.session.date, "status": mark.status, "minutes": mark.minutes}
            for mark in current.attendance.select_related("session").order_by("session__date", "session_id")
        ],
        "assessments": [snapshot(a, _stored_fields(a)) for a in current.assessments.all()],
        "goals": [snapshot(g, _stored_fields(g)) for g in current.goals.all()],
    }
    _delete(user, current, based_on, current.cohort.pilot, removed=removed)
    sync_class_enrolment(current.cohort)
    return going


@transaction.atomic
def delete_assessment(user, assessment: Assessment, *, based_on: str | None) -> None:
    current = _lock(Assessment, assessment.pk)
    _delete(user, current, based_on, current.enrolment.cohort.pilot)


@transaction.atomic
def delete_goal(user, goal: Goal, *, based_on: str | None) -> None:
    current = _lock(Goal, goal.pk)
    _delete(user, current, based_on, current.enrolment.cohort.pilot)


@transaction.atomic
def delete_outcome(user, outcome: ProgressionOutcome, *, based_on: str | None) -> None:
    current = _lock(ProgressionOutcome, outcome.pk)
    _delete(user, current, based_on, None)


@transaction.atomic
def delete_survey_response(user, response: SurveyResponse, *, based_on: str | None) -> None:
    """Delete one wave's survey response with its answers."""
    current = _lock(SurveyResponse, response.pk)
    _delete(user, current, based_on, None)


# --- The shared steps ----------------------------------------------------------------------------------------


def _lock(model: type[models.Model], pk) -> models.Model:
    """The record as it is now, its row held until the transaction ends; ``RecordGone`` if it was deleted.

    The lock is a no-op UPDATE, the first statement of the transaction: a row lock on PostgreSQL, the write lock
    on SQLite, taken before anything is read (as ``esolplus.concurrency.claim_version`` does)."""
    field = next(f.attname for f in model._meta.concrete_fields if not f.primary_key)
    if not model._default_manager.filter(pk=pk).update(**{field: F(field)}):
        raise RecordGone
    return model._default_manager.get(pk=pk)


def _based_on_current(current: models.Model, before: dict, wanted: dict, based_on: str | None) -> bool:
    """Whether to save ``wanted`` over ``current`` (whose values are ``before``): yes when the form showed these
    values (or ``based_on`` is None); no when they already are what was sent (the same form twice); otherwise
    ``RecordChanged``."""
    if based_on is None or based_on == fingerprint(before):
        return True
    if all(before.get(name) == value for name, value in json_safe(wanted).items()):
        return False
    raise RecordChanged(current, fingerprint(before))


def _correct(user, current: models.Model, fields: list[str], values: dict, based_on: str | None, pilot):
    before = snapshot(current, fields)
    wanted = {name: values[name] for name in fields if name in values}
    if not _based_on_current(current, before, wanted, based_on):
        return current
    for name, value in wanted.items():
        setattr(current, name, value)
    current.full_clean()  # the model's own rules and constraints, with their messages
    after = snapshot(current, fields)
    changed = [name for name in fields if before[name] != after[name]]
    if not changed:
        return current
    if any(f.name == "version" for f in current._meta.concrete_fields):
        current.version += 1  # the row is locked: this is the next version
        changed.append("version")
    current.save(update_fields=changed)
    record_change(user, current, pilot, before, after)
    return current


def _delete(user, current: models.Model, based_on: str | None, pilot, **detail) -> None:
    values = deletion_values(current)
    if based_on is not None and based_on != fingerprint(values):
        raise RecordChanged(current, fingerprint(values))
    old = {name: value for name, value in values.items() if name != "going"}
    record_deletion(user, current, pilot, old=old, **detail)
    current.delete()


def _stored_fields(record: models.Model) -> Iterable[str]:
    """The fields a deleted record is remembered by: all it stores but the form's one-time key."""
    return [f.name for f in record._meta.concrete_fields if f.name != "submission_key"]
