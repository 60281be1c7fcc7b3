"""Imports of registers and assessments from a CSV or XLSX file (template: docs/evaluation-import-template.md).

The file is read by esolplus.spreadsheets (limits, formats, dates). All or nothing: every row is checked
first, and if any row is wrong nothing is saved and each problem is reported with its row, column, value and
reason. The cohort is locked for the whole import, so two imports into one cohort run one after the other;
importing the same file twice changes nothing the second time.
"""

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from esolplus.spreadsheets import ImportResult, Row, SpreadsheetError, open_spreadsheet, parse_date
from evaluation.models import Assessment, Attendance, AuditEntry, Cohort, Session, Skill
from finder.vocabularies import LEVEL_CODES, LEVELS

from .audit import record_audit
from .recording import record_assessment, take_register

logger = logging.getLogger(__name__)

REGISTER_COLUMNS = ["enrolment_id", "session_date", "status"]
ASSESSMENT_COLUMNS = ["enrolment_id", "stage", "skill", "level", "date"]
# A level by its code ("entry-1") or its name ("Entry 1"), as the class import takes them.
LEVELS_BY_TEXT = {
    **{str(name).lower(): rank for rank, (_code, name, _cefr) in enumerate(LEVELS)},
    **{code: rank for rank, code in enumerate(LEVEL_CODES)},
}


def import_registers(user, cohort: Cohort, uploaded) -> ImportResult:
    """Marks for existing held or planned sessions of one cohort; a session's marks replace its register."""
    return _import(user, cohort, uploaded, REGISTER_COLUMNS, _Registers, kind="register")


def import_assessments(user, cohort: Cohort, uploaded) -> ImportResult:
    """Initial, progress and final levels; a second initial or final one for a skill replaces the first."""
    return _import(user, cohort, uploaded, ASSESSMENT_COLUMNS, _Assessments, kind="assessments")


def _import(user, cohort: Cohort, uploaded, columns: list[str], checker: Callable, *, kind: str) -> ImportResult:
    try:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
            check = checker(cohort)
            result = _check(uploaded, columns, check)
            if result.ok:
                check.save(user)
                record_audit(user, AuditEntry.Action.IMPORT, cohort, cohort.pilot, kind=kind, rows=result.rows)
            else:  # what failed, by row and column, never the cells' values (they may be personal data)
                errors = [{"row": e.row, "column": e.column, "reason": e.reason} for e in result.errors]
                failed = {"failed": True, "rows": result.rows, "problems": result.problems, "errors": errors}
                record_audit(user, AuditEntry.Action.IMPORT, cohort, cohort.pilot, kind=kind, **failed)
            return result
    except (IntegrityError, OperationalError):
        logger.warning("A %s import into cohort %s met another write to it", kind, cohort.pk, exc_info=True)
        return ImportResult.refused(
            _("Someone else is saving records for this cohort right now. Wait a minute, then upload the file again.")
        )


def _check(uploaded, columns: list[str], check) -> ImportResult:
    result = ImportResult()
    try:
        with open_spreadsheet(uploaded) as sheet:
            for column in columns:
                if column not in sheet.headers:
                    result.add_error(1, column, "", _("This column is missing. Use the column names in the guide."))
            if not result.ok:
                return result
            for row in sheet.rows():
                result.rows += 1
                if row.errors:
                    result.extend(row.errors)
                else:
                    check.row(row, result)
    except SpreadsheetError as error:
        return error.result()
    if result.ok and not result.rows:
        result.add_error(2, "", "", _("The file has no rows under its header. Add a row for each record."))
    return result


def _enrolment_id(row: Row, known, result: ImportResult) -> int | None:
    text = row.values["enrolment_id"]
    # isdecimal() alone would let "²" or Arabic-Indic digits through to int().
    number = int(text) if text.isascii() and text.isdecimal() and len(text) < 18 else None
    if number not in known:
        reason = _("No learner on this cohort has this enrolment number. Check it on the learner's page.")
        result.add_error(row.number, "enrolment_id", text, reason)
        return None
    return number


def _date(row: Row, column: str, result: ImportResult):
    try:
        return parse_date(row.values[column])
    except ValueError as error:
        result.add_error(row.number, column, row.values[column], error)
        return None


def _choice(row: Row, column: str, allowed, result: ImportResult) -> str | None:
    text = row.values[column].strip().lower()
    if text in allowed:
        return text
    reason = _("Write one of: %(values)s.") % {"values": ", ".join(allowed)}
    result.add_error(row.number, column, row.values[column], reason)
    return None


class _Registers:
    def __init__(self, cohort: Cohort):
        self.enrolments = set(cohort.enrolments.values_list("id", flat=True))
        self.sessions: dict = defaultdict(list)
        for session in cohort.sessions.exclude(status=Session.Status.CANCELLED):
            self.sessions[session.date].append(session)
        self.marks: dict[Session, dict[int, tuple[str, int]]] = defaultdict(dict)

    def row(self, row: Row, result: ImportResult) -> None:
        enrolment_id = _enrolment_id(row, self.enrolments, result)
        session = self._session(row, result)
        status = _choice(row, "status", Attendance.Status.values, result)
        if None in (enrolment_id, session, status):
            return
        earlier = self.marks[session].get(enrolment_id)
        if earlier:
            reason = _("Row %(row)d already has a mark for this learner at this session.") % {"row": earlier[1]}
            result.add_error(row.number, "enrolment_id", row.values["enrolment_id"], reason)
            return
        self.marks[session][enrolment_id] = (status, row.number)

    def _session(self, row: Row, result: ImportResult) -> Session | None:
        day = _date(row, "session_date", result)
        found = self.sessions.get(day, []) if day else [None]
        if len(found) == 1:
            return found[0]
        reason = (
            _("This cohort has no session on this day. Add the session first, or correct the date.")
            if not found
            else _("This cohort has more than one session on this day. Take this register on the site.")
        )
        result.add_error(row.number, "session_date", row.values["session_date"], reason)
        return None

    def save(self, user) -> None:
        for session, marks in self.marks.items():
            take_register(user, session, {enrolment_id: status for enrolment_id, (status, _row) in marks.items()})


class _Assessments:
    def __init__(self, cohort: Cohort):
        self.enrolments = {e.id: e for e in cohort.enrolments.select_related("cohort__pilot")}
        self.valid: dict[tuple, tuple] = {}

    def row(self, row: Row, result: ImportResult) -> None:
        enrolment_id = _enrolment_id(row, self.enrolments, result)
        stage = _choice(row, "stage", Assessment.Stage.values, result)
        skill = _choice(row, "skill", Skill.values, result)
        level = LEVELS_BY_TEXT.get(row.values["level"].strip().lower())
        if level is None:
            reason = _("Write one of: %(values)s.") % {"values": ", ".join(LEVEL_CODES)}
            result.add_error(row.number, "level", row.values["level"], reason)
        day = _date(row, "date", result)
        if None in (enrolment_id, stage, skill, level, day):
            return
        # One initial and one final level per skill; progress assessments are told apart by their date.
        key = (enrolment_id, stage, skill, day if stage == Assessment.Stage.PROGRESS else None)
        if key in self.valid:
            reason = _("Row %(row)d already has this assessment.") % {"row": self.valid[key][0]}
            result.add_error(row.number, "stage", row.values["stage"], reason)
            return
        self.valid[key] = (row.number, level, day)

    def save(self, user) -> None:
        for (enrolment_id, stage, skill, _key_day), (_number, level, day) in self.valid.items():
            enrolment = self.enrolments[enrolment_id]
            if stage == Assessment.Stage.PROGRESS:
                same = enrolment.assessments.filter(stage=stage, skill=skill, date=day, level=level)
                if same.exists():
                    continue  # imported before: the same file twice adds nothing the second time
            record_assessment(user, enrolment, stage=stage, skill=skill, level=level, date=day)
