"""Changing a cohort's timetable: a session cancelled, reinstated, moved, or one extra session added.

The register follows the session. A moved session keeps its marks; a cancelled one keeps none, because a cancelled
session never counts (docs/indicators.md) and marks left on it would still be exported and shown. Every change is
audited with the old and the new values (``detail["changes"]``), so a timetable can be read back from the log.

Safe on a busy day (esolplus.concurrency): every change claims the session's ``register_version``, the same version a
register save claims, so a cancel based on a page that showed no marks never removes marks saved since, and a
register opened before the session moved is not saved over it unseen (``StaleVersion``, nothing written). Sending
the same change twice is a success the second time: the session already says what was asked. An added session has no
submission key (Session has no field for one): the slot itself (cohort, date, start time; unique) is the key, so the
same form sent twice finds the session the first one made.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from esolplus.concurrency import StaleVersion, claim_version
from evaluation.models import AuditEntry, Cohort, Session

from .audit import record_audit

Action = AuditEntry.Action


class CannotChangeSession(Exception):
    """Why a session cannot go where it was asked, in words for the form (on ``field``; None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def slot_problems(
    cohort: Cohort,
    day: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    *,
    moving: Session | None = None,
) -> dict[str | None, str]:
    """What is wrong with putting a session of ``cohort`` at this slot, by form field (None: the whole form).

    The one place for these rules: the forms show them, the services refuse on them. The slot must end after it
    starts, fall within the cohort's dates, and be free: another session at the same date and start time is a clash.
    When adding (``moving`` is None), a planned or held session at exactly this slot is no problem: it is what the
    same form sent a moment ago made (``add_session`` returns it).
    """
    problems: dict[str | None, str] = {}
    if end_time <= start_time:
        problems["end_time"] = _("The session must end after it starts.")
    if not cohort.start_date <= day <= cohort.end_date:
        problems["date"] = _("Choose a date from %(start)s to %(end)s, when this class runs.") % {
            "start": formats.date_format(cohort.start_date),
            "end": formats.date_format(cohort.end_date),
        }
    there = cohort.sessions.filter(date=day, start_time=start_time)
    if moving is not None:
        there = there.exclude(pk=moving.pk)
    existing = there.first()
    if existing is not None and (moving is not None or not _repeat(existing, end_time)):
        when = {"date": formats.date_format(day), "time": start_time.strftime("%H:%M")}
        if existing.status == Session.Status.CANCELLED:
            message = _(
                "A cancelled session of this class is already on %(date)s at %(time)s. Reinstate that session instead."
            )
        else:
            message = _("This class already has a session on %(date)s at %(time)s. Choose another date or time.")
        problems[None] = message % when
    return problems


def _repeat(existing: Session, end_time: datetime.time) -> bool:
    """Is ``existing`` the session an identical "add" made (a double click, a browser retry)?"""
    return existing.end_time == end_time and existing.status != Session.Status.CANCELLED


def _refuse_problems(cohort: Cohort, day, start_time, end_time, moving: Session | None = None) -> None:
    problems = slot_problems(cohort, day, start_time, end_time, moving=moving)
    if problems:
        field, message = next(iter(problems.items()))
        raise CannotChangeSession(message, field)


def _shown(value) -> str | None:
    """A value as the audit log keeps it: ISO dates, times to the minute."""
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _changes(before: dict, after: dict) -> dict[str, list]:
    return {name: [_shown(before[name]), _shown(value)] for name, value in after.items() if before[name] != value}


def _claim(session: Session, based_on: int | None, **wanted) -> int | None:
    """Claim the session's next version for a change to ``wanted``; None when it already holds exactly that (the same
    form sent twice: nothing to write). Otherwise ``StaleVersion`` with the session as it is now saved."""
    try:
        return claim_version(Session.objects, session.pk, based_on, "register_version")
    except StaleVersion as stale:
        current = Session.objects.get(pk=session.pk)
        if all(getattr(current, name) == value for name, value in wanted.items()):
            return None
        raise StaleVersion(stale.version, current) from None


@transaction.atomic
def cancel_session(user, session: Session, *, based_on: int | None = None, reason: str = "") -> int:
    """Cancel the session and remove its register marks, all or nothing; returns how many marks were removed.

    ``based_on`` is the version the form showed (it told the person how many marks would go); marks saved since are
    never removed unseen. The audit entry keeps the removed marks, so a cancel made by mistake can be put right.
    """
    version = _claim(session, based_on, status=Session.Status.CANCELLED)
    if version is None:
        return 0
    before = session.status
    removed = {
        str(enrolment_id): status for enrolment_id, status in session.attendance.values_list("enrolment_id", "status")
    }
    session.attendance.all().delete()
    session.status, session.register_version = Session.Status.CANCELLED, version
    session.save(update_fields=["status"])
    detail = {"changes": {"status": [before, session.status]}, "marks_removed": removed}
    if reason:
        detail["reason"] = reason
    record_audit(user, Action.CHANGE, session, session.cohort.pilot, **detail)
    return len(removed)


@transaction.atomic
def reinstate_session(user, session: Session, *, based_on: int | None = None) -> Session:
    """Put a cancelled session back in the timetable as planned (its register starts empty)."""
    version = _claim(session, based_on, status=Session.Status.PLANNED)
    if version is None:  # already planned: the same form sent twice
        return session
    session.register_version = version
    session.refresh_from_db(fields=["status"])
    if session.status != Session.Status.CANCELLED:  # not based on a form, and not cancelled: nothing to reinstate
        return session
    session.status = Session.Status.PLANNED
    session.save(update_fields=["status"])
    changes = {"status": [Session.Status.CANCELLED, Session.Status.PLANNED]}
    record_audit(user, Action.CHANGE, session, session.cohort.pilot, changes=changes)
    return session


@transaction.atomic
def move_session(
    user,
    session: Session,
    *,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    based_on: int | None = None,
) -> Session:
    """Move the session to another date or time; its register marks stay with it.

    ``CannotChangeSession`` (nothing written) when the new slot is not allowed (``slot_problems``), or when it is
    shorter than the minutes already recorded for a learner.
    """
    wanted = {"date": date, "start_time": start_time, "end_time": end_time}
    version = _claim(session, based_on, **wanted)
    if version is None:
        return session
    session.refresh_from_db(fields=list(wanted))
    _refuse_problems(session.cohort, date, start_time, end_time, moving=session)
    length = (end_time.hour * 60 + end_time.minute) - (start_time.hour * 60 + start_time.minute)
    if session.attendance.filter(minutes__gt=length).exists():
        raise CannotChangeSession(
            _("Some learners have more minutes recorded than the new times allow. Correct the register first."),
            "end_time",
        )
    changes = _changes({name: getattr(session, name) for name in wanted}, wanted)
    for name, value in wanted.items():
        setattr(session, name, value)
    session.register_version = version
    try:
        with transaction.atomic():
            session.save(update_fields=list(wanted))
    except IntegrityError:  # another session took the slot a moment ago
        raise CannotChangeSession(
            _("Another session was just put at this date and time. Choose another date or time.")
        ) from None
    if changes:
        record_audit(user, Action.CHANGE, session, session.cohort.pilot, changes=changes)
    return session


@transaction.atomic
def add_session(
    user, cohort: Cohort, *, date: datetime.date, start_time: datetime.time, end_time: datetime.time
) -> tuple[Session, bool]:
    """One extra (planned) session of the cohort; returns ``(session, created)``.

    The same form sent twice finds the session the first one made (``created`` False), even when both arrive at once:
    the unique slot refuses the second insert and the first one's session is returned.
    """
    _refuse_problems(cohort, date, start_time, end_time)
    existing = cohort.sessions.filter(date=date, start_time=start_time).first()
    if existing is not None:  # slot_problems let it through: the same session, added a moment ago
        return existing, False
    try:
        with transaction.atomic():
            session = Session.objects.create(cohort=cohort, date=date, start_time=start_time, end_time=end_time)
    except IntegrityError:
        existing = cohort.sessions.filter(date=date, start_time=start_time).first()
        if existing is None:
            raise
        if not _repeat(existing, end_time):
            raise CannotChangeSession(
                _("Another session was just put at this date and time. Choose another date or time.")
            ) from None
        return existing, False
    changes = {name: [None, _shown(getattr(session, name))] for name in ("date", "start_time", "end_time", "status")}
    record_audit(user, Action.CREATE, session, cohort.pilot, changes=changes)
    return session, True
