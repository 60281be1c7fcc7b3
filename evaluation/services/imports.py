"""CSV imports of registers and assessments (template: docs/evaluation-import-template.md).

All or nothing: every row is checked first, and if any row is wrong nothing is saved and each problem is
reported with its row number.
"""

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import Assessment, Attendance, AuditEntry, Cohort, Session, Skill
from finder.vocabularies import LEVEL_CODES

from .audit import record_audit
from .recording import record_assessment, take_register

REGISTER_COLUMNS = ["enrolment_id", "session_date", "status"]
ASSESSMENT_COLUMNS = ["enrolment_id", "stage", "skill", "level", "date"]
LEVELS_BY_CODE = {code: rank for rank, code in enumerate(LEVEL_CODES)}


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _read(data: bytes, columns: list[str], result: ImportResult) -> list[tuple[int, dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((0, _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")))
        return []
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append((1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}))
        return []
    rows = [(number, {k: (v or "").strip() for k, v in row.items() if k}) for number, row in enumerate(reader, 2)]
    if not rows:
        result.errors.append((0, _("The file has no rows.")))
    return rows


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def import_registers(user, cohort: Cohort, data: bytes) -> ImportResult:
    """Marks for existing held or planned sessions of one cohort; a session's marks replace its register."""
    result = ImportResult()
    rows = _read(data, REGISTER_COLUMNS, result)
    enrolments = set(cohort.enrolments.values_list("id", flat=True))
    sessions = defaultdict(list)
    for session in cohort.sessions.exclude(status=Session.Status.CANCELLED):
        sessions[session.date].append(session)
    registers: dict[int, dict[int, str]] = defaultdict(dict)
    by_id = {}
    for number, row in rows:
        day = _date(row["session_date"])
        enrolment_id = int(row["enrolment_id"]) if row["enrolment_id"].isdecimal() else None
        if enrolment_id not in enrolments:
            result.errors.append((number, _("Enrolment %(id)s is not on this cohort.") % {"id": row["enrolment_id"]}))
        if day is None:
            result.errors.append((number, _("Write the date as YYYY-MM-DD, for example 2025-01-31.")))
        elif len(sessions.get(day, [])) != 1:
            result.errors.append((number, _("There is no single session of this cohort on %(day)s.") % {"day": day}))
        if row["status"] not in Attendance.Status.values:
            result.errors.append(
                (number, _("Status must be one of: %(values)s.") % {"values": ", ".join(Attendance.Status.values)})
            )
        if result.errors and result.errors[-1][0] == number:
            continue
        session = sessions[day][0]
        by_id[session.id] = session
        if enrolment_id in registers[session.id]:
            result.errors.append((number, _("This learner already has a mark for this session in the file.")))
        registers[session.id][enrolment_id] = row["status"]
    if result.errors:
        return result
    with transaction.atomic():
        for session_id, marks in registers.items():
            take_register(user, by_id[session_id], marks)
        record_audit(user, AuditEntry.Action.IMPORT, cohort, cohort.pilot, kind="register", rows=len(rows))
    result.rows = len(rows)
    return result


def import_assessments(user, cohort: Cohort, data: bytes) -> ImportResult:
    result = ImportResult()
    rows = _read(data, ASSESSMENT_COLUMNS, result)
    enrolments = {e.id: e for e in cohort.enrolments.select_related("cohort__pilot")}
    valid = []
    for number, row in rows:
        errors = []
        enrolment = enrolments.get(int(row["enrolment_id"])) if row["enrolment_id"].isdecimal() else None
        if enrolment is None:
            errors.append(_("Enrolment %(id)s is not on this cohort.") % {"id": row["enrolment_id"]})
        if row["stage"] not in Assessment.Stage.values:
            errors.append(_("Stage must be initial, progress or final."))
        if row["skill"] not in Skill.values:
            errors.append(_("Skill must be speaking, listening, reading or writing."))
        if row["level"] not in LEVELS_BY_CODE:
            errors.append(_("Level must be one of: %(codes)s.") % {"codes": ", ".join(LEVELS_BY_CODE)})
        day = _date(row["date"])
        if day is None:
            errors.append(_("Write the date as YYYY-MM-DD, for example 2025-01-31."))
        result.errors += [(number, e) for e in errors]
        if not errors:
            valid.append((enrolment, row, day))
    if result.errors:
        return result
    with transaction.atomic():
        for enrolment, row, day in valid:
            record_assessment(
                user, enrolment, stage=row["stage"], skill=row["skill"], level=LEVELS_BY_CODE[row["level"]], date=day
            )
        record_audit(user, AuditEntry.Action.IMPORT, cohort, cohort.pilot, kind="assessments", rows=len(rows))
    result.rows = len(rows)
    return result
