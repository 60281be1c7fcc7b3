"""Register and assessment imports from CSV or XLSX: all or nothing, every problem listed, abuse refused."""

import datetime
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, connections
from django.urls import reverse

from devtools import spreadsheet_abuse as abuse
from devtools.evaluation_factories import TERM_START, AssessmentFactory, SessionFactory
from evaluation.models import Assessment, Attendance, AuditEntry
from evaluation.services import imports
from evaluation.services.imports import import_assessments, import_registers

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(weeks=1)
REGISTER = "enrolment_id,session_date,status\n"
ASSESSMENTS = "enrolment_id,stage,skill,level,date\n"


def csv_upload(text: str, name: str = "import.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def xlsx_upload(rows: list[list]) -> SimpleUploadedFile:
    return SimpleUploadedFile(*abuse.xlsx(rows, name="import.xlsx"))


@pytest.fixture
def cohort(world):
    """Cohort A1 with two weekly sessions and one learner (staff1 records for it)."""
    cohort = world["cohort_a1"]
    SessionFactory(cohort=cohort, date=TERM_START)
    SessionFactory(cohort=cohort, date=TERM_START + WEEK)
    return cohort


def post(client, cohort, kind: str, upload):
    return client.post(reverse("evaluation:import", args=[cohort.id]), {"kind": kind, "file": upload})


def problems(response) -> list[tuple[str, str, str]]:
    """(row, column, value) of each problem listed on the import page."""
    cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>", response.text)
    return [tuple(row) for row in cells]


def test_a_register_csv_is_imported_through_the_screen(client, world, cohort):
    enrolment = world["enrolment_a1"]
    client.force_login(world["staff1"])
    upload = csv_upload(
        f"{REGISTER}{enrolment.id},{TERM_START},present\n{enrolment.id},{TERM_START + WEEK:%d/%m/%Y},late\n"
    )
    response = post(client, cohort, "register", upload)
    assert response.status_code == 302
    assert sorted(Attendance.objects.values_list("status", flat=True)) == ["late", "present"]
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_a_register_xlsx_with_real_excel_dates_is_imported(client, world, cohort):
    enrolment = world["enrolment_a1"]
    client.force_login(world["staff1"])
    upload = xlsx_upload(
        [
            ["Enrolment ID", "Session date", "Status"],
            [enrolment.id, TERM_START, "Present"],
            [enrolment.id, TERM_START + WEEK, "late"],
        ]
    )
    assert post(client, cohort, "register", upload).status_code == 302
    assert Attendance.objects.count() == 2


def test_one_bad_register_row_saves_nothing_and_every_problem_is_listed(client, world, cohort):
    enrolment, other = world["enrolment_a1"], world["enrolment_a2"]
    client.force_login(world["staff1"])
    upload = csv_upload(
        f"{REGISTER}{enrolment.id},{TERM_START},present\n"
        f"{other.id},{TERM_START},present\n"
        f"{enrolment.id},2025-03-03,here\n"
        f"{enrolment.id},{TERM_START},late\n"
    )
    response = post(client, cohort, "register", upload)
    assert response.status_code == 200
    assert problems(response) == [
        ("3", "enrolment_id", str(other.id)),
        ("4", "session_date", "2025-03-03"),
        ("4", "status", "here"),
        ("5", "enrolment_id", str(enrolment.id)),
    ]
    assert "Row 2 already has a mark for this learner" in response.text
    assert not Attendance.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exclude(detail__failed=True).exists()  # only the failure


def test_assessments_from_csv_and_xlsx_with_levels_by_code_or_name(world, cohort):
    enrolment = world["enrolment_a1"]
    result = import_assessments(
        world["staff1"],
        cohort,
        csv_upload(f"{ASSESSMENTS}{enrolment.id},initial,reading,entry-1,{TERM_START}\n"),
    )
    assert result.ok and result.rows == 1
    upload = xlsx_upload(
        [
            ["enrolment_id", "stage", "skill", "level", "date"],
            [enrolment.id, "progress", "reading", "Entry 2", TERM_START + WEEK],
            [enrolment.id, "final", "reading", "entry-3", TERM_START + 2 * WEEK],
        ]
    )
    assert import_assessments(world["staff1"], cohort, upload).ok
    assert list(Assessment.objects.order_by("date").values_list("stage", "level")) == [
        ("initial", 1),
        ("progress", 2),
        ("final", 3),
    ]


def test_one_bad_assessment_row_saves_nothing(world, cohort):
    enrolment = world["enrolment_a1"]
    upload = csv_upload(
        f"{ASSESSMENTS}{enrolment.id},initial,reading,entry-1,{TERM_START}\n"
        f"{enrolment.id},final,cooking,entry-9,31/02/2025\n"
        f"{enrolment.id},initial,reading,entry-2,{TERM_START}\n"
    )
    result = import_assessments(world["staff1"], cohort, upload)
    assert [(e.row, e.column) for e in result.errors] == [(3, "skill"), (3, "level"), (3, "date"), (4, "stage")]
    assert "YYYY-MM-DD or DD/MM/YYYY" in result.errors[2].reason
    assert not Assessment.objects.exists()


def test_missing_columns_are_listed_by_name(world, cohort):
    result = import_assessments(world["staff1"], cohort, csv_upload("enrolment_id,when\n1,2025-01-06\n"))
    assert [(e.row, e.column) for e in result.errors] == [(1, "stage"), (1, "skill"), (1, "level"), (1, "date")]


@pytest.mark.parametrize("enrolment_id", ["²", "9" * 40, "١٢", "-1", ""])
def test_an_enrolment_id_that_is_not_a_plain_number_is_reported_not_a_server_error(world, cohort, enrolment_id):
    """ "²" counts as a digit for str.isdigit() but int() refuses it (found by tests/esolplus/test_fuzz.py)."""
    files = {
        import_registers: f"{REGISTER}{enrolment_id},{TERM_START},present\n",
        import_assessments: f"{ASSESSMENTS}{enrolment_id},initial,speaking,entry-1,{TERM_START}\n",
    }
    for importer, text in files.items():
        result = importer(world["staff1"], cohort, csv_upload(text))
        assert [(e.row, e.column) for e in result.errors] == [(2, "enrolment_id")]


def test_the_same_file_twice_changes_nothing_the_second_time(world, cohort):
    enrolment = world["enrolment_a1"]
    register = f"{REGISTER}{enrolment.id},{TERM_START},present\n"
    assessments = f"{ASSESSMENTS}{enrolment.id},progress,speaking,entry-2,{TERM_START}\n"
    for _ in range(2):
        assert import_registers(world["staff1"], cohort, csv_upload(register)).ok
        assert import_assessments(world["staff1"], cohort, csv_upload(assessments)).ok
    assert Attendance.objects.count() == 1
    assert Assessment.objects.count() == 1


def test_a_progress_assessment_on_another_day_is_a_new_one(world, cohort):
    enrolment = world["enrolment_a1"]
    AssessmentFactory(enrolment=enrolment, stage="progress", skill="speaking", level=1, date=TERM_START)
    upload = csv_upload(f"{ASSESSMENTS}{enrolment.id},progress,speaking,entry-2,{TERM_START + WEEK}\n")
    assert import_assessments(world["staff1"], cohort, upload).ok
    assert Assessment.objects.count() == 2


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (abuse.ABUSE_CASES["10 MB CSV"], "bigger than 5 MB"),
        (abuse.xlsx_declaring, "1,048,576 rows long"),
        (abuse.xlsx_with_empty_rows, "600,002 rows long"),
        (lambda: abuse.xlsx_with_empty_rows(declared=False), "more than 1,000 empty rows"),
        (abuse.xlsx_truncated, "damaged, incomplete"),
        (abuse.csv_with_long_field, "more than 10,000 characters"),
        (lambda: ("register.csv", "enrolment_id,status\n1,café\n".encode("cp1252")), "CSV UTF-8"),
        (lambda: ("register.csv", b""), "The submitted file is empty"),  # Django's own check, first
        (lambda: ("register.csv", b"\xef\xbb\xbf"), "The file is empty"),
        (lambda: ("register.ods", b"PK\x03\x04"), ".csv or .xlsx"),
    ],
    ids=[
        "10 MB CSV",
        "huge declared sheet",
        "600,000 empty rows",
        "600,000 empty rows, undeclared",
        "truncated XLSX",
        "131,073-character field",
        "not UTF-8",
        "empty",
        "nothing but a byte order mark",
        "wrong extension",
    ],
)
def test_abusive_files_get_a_message_on_the_screen(client, world, cohort, build, message):
    client.force_login(world["staff1"])
    response = post(client, cohort, "register", SimpleUploadedFile(*build()))
    assert response.status_code == 200
    assert message in response.text
    assert not Attendance.objects.exists()


def test_a_large_upload_is_read_from_disk_as_a_stream(client, world, cohort):
    """Over 2.5 MB Django keeps an upload in a temporary file; the importer reads it from there."""
    client.force_login(world["staff1"])
    name, data = abuse.csv_of_size(3 * 2**20)
    response = post(client, cohort, "register", SimpleUploadedFile(name, data))
    assert "The file has more than 10,000 rows" in response.text


def test_staff_of_another_provider_cannot_import_into_the_cohort(client, world, cohort):
    client.force_login(world["staff2"])
    enrolment = world["enrolment_a1"]
    response = post(client, cohort, "register", csv_upload(f"{REGISTER}{enrolment.id},{TERM_START},present\n"))
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_clash_with_another_write_is_reported_and_nothing_is_kept(world, cohort, monkeypatch):
    """What the database says when another import wrote the same marks first (SQLite has no row locks)."""
    enrolment = world["enrolment_a1"]

    def clash(user, session, marks):
        Attendance.objects.create(enrolment=enrolment, session=session, status="late")
        raise IntegrityError("UNIQUE constraint failed: evaluation_attendance.enrolment_id")

    monkeypatch.setattr(imports, "take_register", clash)
    result = import_registers(world["staff1"], cohort, csv_upload(f"{REGISTER}{enrolment.id},{TERM_START},present\n"))
    assert [e.reason for e in result.errors] == [
        "Someone else is saving records for this cohort right now. Wait a minute, then upload the file again."
    ]
    assert not Attendance.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_the_same_register_at_once_give_two_clear_outcomes(world, cohort, monkeypatch):
    """Two threads, two connections: on PostgreSQL the second waits for the lock on the cohort and then finds
    the marks already there; on SQLite it may be told to try again. Never an exception, never two marks."""
    enrolment = world["enrolment_a1"]
    started, inside = threading.Event(), threading.Event()
    check = imports._check

    def slow_check(*args):
        if not inside.is_set():  # the first one in holds the lock until the other has begun
            inside.set()
            started.wait(timeout=5)
        return check(*args)

    monkeypatch.setattr(imports, "_check", slow_check)
    outcomes = []

    def run(signal):
        try:
            signal.set()
            upload = csv_upload(f"{REGISTER}{enrolment.id},{TERM_START},present\n")
            outcomes.append(import_registers(world["staff1"], cohort, upload))
        except Exception as error:  # a server error, which the assertions below report
            outcomes.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=run, args=(threading.Event(),))
    first.start()
    inside.wait(timeout=5)
    second = threading.Thread(target=run, args=(started,))
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)
    busy = "Someone else is saving records for this cohort right now"
    assert len(outcomes) == 2
    assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert any(outcome.ok for outcome in outcomes)
    assert all(outcome.ok or busy in outcome.errors[0].reason for outcome in outcomes), outcomes
    if connection.vendor == "postgresql":
        assert all(outcome.ok for outcome in outcomes)
    assert list(Attendance.objects.values_list("enrolment_id", "status")) == [(enrolment.id, "present")]
