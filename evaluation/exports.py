"""Pilot exports: record level (one pseudonymised file per table and a codebook) or aggregate (indicators).

Record-level files are written row by row from chunked queries (a server-side cursor on PostgreSQL), so memory
stays flat however many attendance rows there are. Every export is logged with row counts and SHA-256s.
"""

import csv
import datetime
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import connection
from django.db.models import Count, Q

from esolplus import safe_cells

from . import destinations
from .consent import research_learner_ids
from .export_tables import exported_learner_ids, learner_rows, survey_rows
from .indicators import Period, indicator_rows
from .models import (
    AgeBand,
    Assessment,
    Attendance,
    AuditEntry,
    CompletionStatus,
    EmploymentStatus,
    Enrolment,
    EsolLevel,
    ExportRecord,
    Gender,
    Goal,
    Learner,
    Outcome,
    Pilot,
    ProgressionOutcome,
    Skill,
    SurveyItem,
    SurveyResponse,
    TimeInUK,
    WithdrawalReason,
)
from .pseudonyms import recipient_key, recipient_pseudonym
from .publishing import COLUMNS, publish
from .services import record_audit

CHUNK = 5000
NOT_RECORDED = "not_recorded"


def _choices(choices) -> str:
    return "; ".join(f"{value}={label}" for value, label in choices)


ID = ("string", "Pseudonymous ID, different in every export")
GROUPS = "pilot=Pilot learner; comparison=Comparison group (waiting for a place; observational, not randomised)"
CODEBOOK = {
    "learners": [
        ("learner_id", "Learner", *ID),
        ("group", "Pilot learner or comparison-group member", "code", GROUPS),
        ("provider", "Provider that registered the learner", "string", ""),
        ("age_band", "Age band", "code", _choices(AgeBand.choices)),
        ("borough", "Borough of residence (ONS code)", "code", "ONS local authority district code"),
        ("first_language", "First language", "string", "free text, blank if not known"),
        ("gender", "Gender", "code", _choices(Gender.choices)),
        ("time_in_uk", "Time in the UK", "code", _choices(TimeInUK.choices)),
        ("employment_status", "Employment status at start", "code", _choices(EmploymentStatus.choices)),
        ("childcare_need", "Needs childcare to attend", "code", "1=Yes; 0=No; blank=Not known"),
    ],
    "enrolments": [
        ("enrolment_id", "Enrolment", *ID),
        ("learner_id", "Learner", *ID),
        ("cohort", "Cohort name", "string", ""),
        ("provider", "Provider running the cohort", "string", ""),
        ("start_date", "Start date", "date", "YYYY-MM-DD"),
        ("planned_end_date", "Planned end date", "date", "YYYY-MM-DD"),
        ("end_date", "Actual end date", "date", "YYYY-MM-DD, blank if still learning"),
        ("completion_status", "Completion status (ILR CompStatus)", "code", _choices(CompletionStatus.choices)),
        ("outcome", "Outcome (ILR Outcome)", "code", _choices(Outcome.choices)),
        ("withdrawal_reason", "Reason for leaving", "code", _choices(WithdrawalReason.choices)),
    ],
    "attendance": [
        ("enrolment_id", "Enrolment", *ID),
        ("session_date", "Session date", "date", "YYYY-MM-DD"),
        ("session_held", "Session was held", "code", "1=Held"),
        (
            "status",
            "Attendance mark",
            "code",
            _choices([*Attendance.Status.choices, (NOT_RECORDED, "No mark recorded")]),
        ),
        ("minutes", "Minutes attended", "integer", "blank if not recorded"),
    ],
    "assessments": [
        ("enrolment_id", "Enrolment", *ID),
        ("stage", "Assessment stage", "code", _choices(Assessment.Stage.choices)),
        ("skill", "Skill", "code", _choices(Skill.choices)),
        ("level", "ESOL level (0 lowest)", "integer", _choices(EsolLevel.choices)),
        ("date", "Date", "date", "YYYY-MM-DD"),
    ],
    "goals": [
        ("enrolment_id", "Enrolment", *ID),
        ("set_date", "Date goal set", "date", "YYYY-MM-DD"),
        ("rating", "Tutor's final rating", "code", _choices(Goal.Rating.choices) + "; blank=Not rated"),
        ("self_assessment", "Learner's own rating", "code", _choices(Goal.Rating.choices) + "; blank=Not rated"),
    ],
    "survey_responses": [
        ("learner_id", "Learner", *ID),
        ("group", "Pilot learner or comparison-group member", "code", GROUPS),
        ("instrument", "Survey instrument code and version", "string", "code:version"),
        ("wave", "Survey wave", "code", _choices(SurveyResponse.Wave.choices)),
        ("date", "Date answered", "date", "YYYY-MM-DD"),
        ("item", "Question code", "code", "see the survey_items rows below"),
        ("value", "Answer", "integer", "see the question's value labels"),
    ],
    "outcomes": [
        ("learner_id", "Learner", *ID),
        ("outcome_type", "Destination type (ILR OutType)", "code", _choices(ProgressionOutcome.OutcomeType.choices)),
        ("outcome_code", "Destination code (ILR OutCode), read with its type", "code", destinations.codebook_values()),
        ("date", "Date", "date", "YYYY-MM-DD"),
        ("source", "Source", "code", _choices(ProgressionOutcome.Source.choices)),
    ],
}
AGGREGATE_CODEBOOK = [
    ("indicator", "Indicator (see docs/indicators.md)", "string", ""),
    ("breakdown", "What the figures are split by", "code", "pilot; provider; borough"),
    ("group", "Which pilot, provider or borough", "string", ""),
    ("period", "Period covered", "string", "all, or start/end dates"),
    ("numerator", "Numerator (rounded to 5)", "count", "[c]=suppressed, fewer than the threshold or protecting one"),
    ("denominator", "Denominator (rounded to 5)", "count", "[c]=suppressed"),
    ("value", "Rate in % from the rounded counts shown; or a mean (1 decimal)", "decimal", "[c]=suppressed"),
]


# The codebook's last row: how text that a spreadsheet would take for a formula is written (esolplus.safe_cells).
FORMULA_NOTE = (
    "*",
    "*",
    "A text cell starting with = + - @, a tab or a carriage return (and not a number) has a leading apostrophe in "
    "CSV files, so spreadsheets keep it as text; XLSX files store it as text unchanged.",
    "note",
    "",
)


class TableWriter:
    """Writes one table to CSV or (write-only, constant memory) XLSX."""

    def __init__(self, path: Path, fmt: str, header: list[str]):
        self.path, self.fmt, self.rows = path, fmt, 0
        if fmt == "xlsx":
            from openpyxl import Workbook

            self.book = Workbook(write_only=True)
            self.sheet = self.book.create_sheet(path.stem[:31])
            self.sheet.append(header)
        else:
            self.file = path.open("w", newline="", encoding="utf-8")
            self.writer = csv.writer(self.file)
            self.writer.writerow(header)

    def write(self, rows: Iterable[Iterable]) -> None:
        """Text that a spreadsheet would run as a formula stays text (``esolplus.safe_cells``)."""
        if self.fmt == "xlsx":
            for row in rows:
                self.sheet.append(safe_cells.xlsx_row(self.sheet, row))
                self.rows += 1
        else:
            for row in rows:
                self.writer.writerow(safe_cells.csv_row(row))
                self.rows += 1

    def close(self) -> None:
        if self.fmt == "xlsx":
            self.book.save(self.path)
        else:
            self.file.close()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _iso(day) -> str:
    return day.isoformat() if hasattr(day, "isoformat") else (day or "")


class Pseudonyms:
    """A recipient's pseudonyms, cached per id (attendance repeats each enrolment many times)."""

    def __init__(self, recipient: str):
        self.key = recipient_key(recipient)
        self._cache: dict[tuple[str, int], str] = {}

    def __call__(self, kind: str, pk: int) -> str:
        if (kind, pk) not in self._cache:
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[(kind, pk)] = recipient_pseudonym(self.key, f"{kind}:{pk}")
        return self._cache[(kind, pk)]


def attendance_sql(today: datetime.date, learners: tuple[str, tuple] | None = None) -> tuple[str, list]:
    """One row for every held session in each enrolment's window, with its mark or none; ``learners`` (SQL and
    parameters of a query of learner ids) keeps only their enrolments."""
    sql = """
        SELECT e.id, CAST(s.date AS TEXT), a.status, a.minutes
        FROM evaluation_session s
        JOIN evaluation_enrolment e ON e.cohort_id = s.cohort_id
        JOIN evaluation_cohort c ON c.id = s.cohort_id
        LEFT JOIN evaluation_attendance a ON a.session_id = s.id AND a.enrolment_id = e.id
        WHERE c.pilot_id = %s AND s.status = 'held'
          AND s.date >= e.start_date AND s.date <= COALESCE(e.actual_end_date, %s) AND s.date <= %s
        {learner_filter}
        ORDER BY e.id, s.date, s.start_time
    """
    if learners is None:
        return sql.format(learner_filter=""), [today, today]
    learner_sql, learner_params = learners
    return sql.format(learner_filter=f"AND e.learner_id IN ({learner_sql})"), [today, today, *learner_params]


def iter_attendance(pilot: Pilot, today: datetime.date, ids: Pseudonyms) -> Iterator[tuple]:
    """Rows for attendance.csv, fetched in chunks (dates arrive as ISO text, so nothing is parsed)."""
    sql, params = attendance_sql(today, research_learner_ids(pilot, today).query.sql_with_params())
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [pilot.pk, *params])
        while rows := cursor.fetchmany(CHUNK):
            for enrolment_id, day, status, minutes in rows:
                yield (
                    ids("enrolment", enrolment_id),
                    day,
                    1,
                    status or NOT_RECORDED,
                    "" if minutes is None else minutes,
                )


def _record_tables(pilot: Pilot, today: datetime.date, ids: Pseudonyms) -> dict[str, Iterator[tuple]]:
    """Only the records research may use (``evaluation.consent``): learners who declined or withdrew are left out."""
    research = research_learner_ids(pilot, today)
    enrolments = Enrolment.objects.filter(cohort__pilot=pilot, learner_id__in=research)
    learners = Learner.objects.filter(pk__in=research)
    return {
        "learners": learner_rows(pilot, today, ids),
        "enrolments": (
            (
                ids("enrolment", pk),
                ids("learner", learner),
                cohort,
                provider,
                _iso(start),
                _iso(planned),
                _iso(end),
                status,
                outcome,
                reason,
            )
            for pk, learner, cohort, provider, start, planned, end, status, outcome, reason in enrolments.order_by("pk")
            .values_list(
                "pk",
                "learner_id",
                "cohort__name",
                "cohort__provider__title",
                "start_date",
                "planned_end_date",
                "actual_end_date",
                "completion_status",
                "outcome",
                "withdrawal_reason",
            )
            .iterator(CHUNK)
        ),
        "attendance": iter_attendance(pilot, today, ids),
        "assessments": (
            (ids("enrolment", e), stage, skill, level, _iso(day))
            for e, stage, skill, level, day in Assessment.objects.filter(enrolment__in=enrolments)
            .order_by("enrolment_id", "date", "pk")
            .values_list("enrolment_id", "stage", "skill", "level", "date")
            .iterator(CHUNK)
        ),
        "goals": (
            (ids("enrolment", e), _iso(day), rating, own)
            for e, day, rating, own in Goal.objects.filter(enrolment__in=enrolments)
            .order_by("enrolment_id", "pk")
            .values_list("enrolment_id", "set_date", "rating", "self_assessment")
            .iterator(CHUNK)
        ),
        "survey_responses": survey_rows(pilot, today, ids),
        "outcomes": (
            (ids("learner", learner), outcome_type, "" if code is None else code, _iso(day), source)
            for learner, outcome_type, code, day, source in ProgressionOutcome.objects.filter(
                learner__in=learners.values("pk")
            )
            .order_by("learner_id", "date")
            .values_list("learner_id", "outcome_type", "outcome_code", "date", "source")
            .iterator(CHUNK)
        ),
    }


def _codebook_rows(pilot: Pilot, tables: dict) -> Iterator[tuple]:
    for table, columns in tables.items():
        for column in columns:
            yield (table, *column)
    exported = Q(instrument__responses__learner__enrolments__cohort__pilot=pilot)
    exported |= Q(instrument__responses__learner__comparison_membership__pilot=pilot)
    items = SurveyItem.objects.filter(exported).distinct()
    for item in items.select_related("instrument").order_by("instrument__version", "sort_order", "pk"):
        labels = "; ".join(f"{value}={label}" for value, label in item.value_labels.items())
        origin = (
            f" [version {item.instrument.version}; measures {item.construct}; source: {item.source or 'not recorded'}]"
        )
        yield ("survey_items", item.code, item.text + origin, "integer", labels)


K_ANONYMITY = 5


def learners_in_small_combinations(pilot: Pilot, today: datetime.date) -> int:
    """Exported learners whose age band, borough, first language and gender are shared by fewer than 5
    (re-identification)."""
    groups = exported_learner_ids(pilot, today).values()
    combos = (
        Learner.objects.filter(Q(*(Q(pk__in=ids) for ids in groups), _connector=Q.OR))
        .values("age_band", "borough_id", "first_language", "gender")
        .annotate(n=Count("pk", distinct=True))
    )
    return sum(c["n"] for c in combos if c["n"] < K_ANONYMITY)


def export_pilot(
    pilot: Pilot,
    out_dir: Path,
    *,
    user=None,
    recipient: str,
    fmt: str = "csv",
    level: str = "record",
    today: datetime.date,
    period: Period | None = None,
    tables: Iterable[str] | None = None,
) -> ExportRecord:
    """Write the pilot's export into ``out_dir`` and log it; ``tables`` limits a record-level export."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, TableWriter] = {}
    if level == "record":
        ids = Pseudonyms(recipient)
        for name, rows in _record_tables(pilot, today, ids).items():
            if tables and name not in tables:
                rows.close() if hasattr(rows, "close") else None
                continue
            writer = TableWriter(out_dir / f"{name}.{fmt}", fmt, [c[0] for c in CODEBOOK[name]])
            writer.write(rows)
            writer.close()
            written[name] = writer
        codebook = {name: CODEBOOK[name] for name in written}
    else:
        published = publish(indicator_rows(pilot, today, period), pilot.disclosure_threshold)
        writer = TableWriter(out_dir / f"indicators.{fmt}", fmt, COLUMNS)
        writer.write([row[c] for c in COLUMNS] for row in published)
        writer.close()
        written["indicators"] = writer
        codebook = {"indicators": AGGREGATE_CODEBOOK}
    book = TableWriter(out_dir / "codebook.csv", "csv", ["table", "column", "label", "type", "allowed_values"])
    book.write(
        _codebook_rows(pilot, codebook) if level == "record" else ((t, *c) for t, cs in codebook.items() for c in cs)
    )
    book.write([FORMULA_NOTE])
    book.close()
    written["codebook"] = book
    filters = {"period": str(period) if period else "all", "today": today.isoformat(), "tables": sorted(written)}
    if level == "record":
        filters["learners_in_small_combinations"] = learners_in_small_combinations(pilot, today)
    record = ExportRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        recipient=recipient,
        pilot=pilot,
        level=level,
        format=fmt,
        filters=filters,
        row_counts={name: w.rows for name, w in written.items()},
        checksums={w.path.name: sha256(w.path) for w in written.values()},
    )
    record_audit(
        user,
        AuditEntry.Action.EXPORT,
        record,
        pilot,
        level=level,
        format=fmt,
        recipient=recipient,
        row_counts=record.row_counts,
    )
    return record
