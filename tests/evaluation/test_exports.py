"""Exports: record-level files keyed per recipient with a full codebook; aggregates under disclosure control."""

import csv
import datetime
import random

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from devtools.evaluation_factories import (
    TERM_START,
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    LearnerIdentityFactory,
    PilotFactory,
    SessionFactory,
)
from evaluation.exports import CODEBOOK, export_pilot
from evaluation.models import AuditEntry, CompletionStatus, ExportRecord, Session
from evaluation.services import erase_learner
from tests.task_queue import database_queue, run_queued  # noqa: F401

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(weeks=1)
TODAY = TERM_START + 20 * WEEK


def read(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def small_pilot(geography):
    """One cohort of three weekly held sessions, a cancelled one, and two learners."""
    cohort = CohortFactory()
    sessions = [SessionFactory(cohort=cohort, date=TERM_START + i * WEEK) for i in range(3)]
    SessionFactory(cohort=cohort, date=TERM_START + 3 * WEEK, status=Session.Status.CANCELLED)
    early = EnrolmentFactory(cohort=cohort)
    late = EnrolmentFactory(cohort=cohort, start_date=TERM_START + WEEK)
    LearnerIdentityFactory(
        learner=early.learner, full_name="Fatima Identifiable", phone="07700 900999", uln="1234567890"
    )
    AttendanceFactory(enrolment=early, session=sessions[0], status="present")
    AttendanceFactory(enrolment=early, session=sessions[1], status="late")
    AttendanceFactory(enrolment=late, session=sessions[1], status="unauthorised")
    return cohort.pilot


def test_record_level_export_has_a_row_for_every_held_session_in_each_window(small_pilot, tmp_path):
    record = export_pilot(small_pilot, tmp_path, recipient="team-a", today=TODAY)
    rows = read(tmp_path / "attendance.csv")
    assert len(rows) == 3 + 2  # early learner: 3 held sessions; late joiner: 2; cancelled session never
    assert sorted(r["status"] for r in rows) == ["late", "not_recorded", "not_recorded", "present", "unauthorised"]
    assert {r["session_held"] for r in rows} == {"1"}
    assert record.row_counts["attendance"] == 5 and record.checksums["attendance.csv"]
    enrolments = read(tmp_path / "enrolments.csv")
    assert {"enrolment_id", "learner_id", "cohort", "start_date", "end_date", "completion_status", "outcome"} <= set(
        enrolments[0]
    )


def test_record_level_export_holds_no_identifiers_and_a_codebook_for_every_column(small_pilot, tmp_path):
    export_pilot(small_pilot, tmp_path, recipient="team-a", today=TODAY)
    everything = "".join(p.read_text() for p in tmp_path.iterdir())
    for secret in ("Fatima", "07700 900999", "1234567890"):
        assert secret not in everything
    codebook = read(tmp_path / "codebook.csv")
    described = {(r["table"], r["column"]) for r in codebook}
    for table in CODEBOOK:
        with (tmp_path / f"{table}.csv").open() as f:
            header = next(csv.reader(f))
        assert {(table, column) for column in header} <= described
    assert all(r["label"] and r["type"] for r in codebook)


def test_pseudonyms_differ_for_each_recipient_and_never_show_the_stored_pseudonym(small_pilot, tmp_path):
    export_pilot(small_pilot, tmp_path / "a", recipient="team-a", today=TODAY)
    export_pilot(small_pilot, tmp_path / "b", recipient="team-b", today=TODAY)
    ids_a = {r["learner_id"] for r in read(tmp_path / "a" / "learners.csv")}
    ids_b = {r["learner_id"] for r in read(tmp_path / "b" / "learners.csv")}
    assert len(ids_a) == 2 and not ids_a & ids_b
    stored = set(small_pilot.cohorts.values_list("enrolments__learner__pseudonym", flat=True))
    assert not any(s.startswith(i) for s in stored for i in ids_a)


def test_xlsx_export_and_the_export_log(small_pilot, tmp_path):
    record = export_pilot(small_pilot, tmp_path, recipient="team-a", fmt="xlsx", today=TODAY)
    sheet = load_workbook(tmp_path / "attendance.xlsx", read_only=True).active
    assert len(list(sheet.iter_rows())) == 1 + 5
    assert ExportRecord.objects.get() == record
    entry = AuditEntry.objects.get(action="export")
    assert entry.pilot == small_pilot and entry.detail["row_counts"]["attendance"] == 5
    assert record.filters["learners_in_small_combinations"] == 2  # two learners: every combination is small


def _big_pilot(n_learners=60, seed=1):
    """Learners spread over two providers with uneven, sometimes small, groups."""
    rng = random.Random(seed)
    pilot = PilotFactory()
    cohorts = [CohortFactory(pilot=pilot) for _ in range(3)]
    sessions = {c.id: [SessionFactory(cohort=c, date=TERM_START + i * WEEK) for i in range(4)] for c in cohorts}
    for i in range(n_learners):
        cohort = cohorts[0] if i < n_learners * 0.7 else cohorts[1] if i < n_learners * 0.95 else cohorts[2]
        status = rng.choice([CompletionStatus.CONTINUING, CompletionStatus.COMPLETED, CompletionStatus.WITHDRAWN])
        enrolment = EnrolmentFactory(
            cohort=cohort,
            completion_status=status,
            actual_end_date=None if status == CompletionStatus.CONTINUING else TERM_START + 4 * WEEK,
            outcome=rng.choice([1, 2, 3]) if status != CompletionStatus.CONTINUING else 8,
        )
        LearnerIdentityFactory(learner=enrolment.learner)
        for session in sessions[cohort.id]:
            AttendanceFactory(
                enrolment=enrolment, session=session, status=rng.choice(["present", "present", "late", "unauthorised"])
            )
    return pilot


def test_aggregate_export_publishes_no_small_count_and_only_multiples_of_5(geography, tmp_path):
    pilot = _big_pilot()
    call_command("export_pilot", pilot.slug, "--out", str(tmp_path), "--level", "aggregate", "--today", str(TODAY))
    rows = read(tmp_path / "indicators.csv")
    assert {r["breakdown"] for r in rows} == {"pilot", "provider", "borough"}
    published = [r[c] for r in rows for c in ("numerator", "denominator") if r[c] not in ("", "[c]")]
    assert published and all(int(v) % 5 == 0 for v in published)
    assert not any(0 < int(v) < pilot.disclosure_threshold for v in published)
    small_provider = [r for r in rows if r["breakdown"] == "provider" and r["indicator"] == "starts"]
    assert "[c]" in {r["numerator"] for r in small_provider}  # the third cohort's 3 learners
    # the hidden group is protected by hiding a second one as well
    assert sum(r["numerator"] == "[c]" for r in small_provider) >= 2
    rates = [r for r in rows if r["indicator"] == "retention" and r["numerator"] == "[c]"]
    assert all(r["value"] in ("[c]", "") for r in rates)


def test_erasing_a_learner_leaves_every_aggregate_unchanged(geography, tmp_path):
    pilot = _big_pilot(n_learners=30, seed=2)
    export_pilot(pilot, tmp_path / "before", recipient="r", level="aggregate", today=TODAY)
    export_pilot(pilot, tmp_path / "before", recipient="r", level="record", today=TODAY)
    for enrolment in pilot.cohorts.first().enrolments.all()[:5]:
        erase_learner(None, enrolment.learner)
    export_pilot(pilot, tmp_path / "after", recipient="r", level="aggregate", today=TODAY)
    export_pilot(pilot, tmp_path / "after", recipient="r", level="record", today=TODAY)
    assert read(tmp_path / "before" / "indicators.csv") == read(tmp_path / "after" / "indicators.csv")
    assert read(tmp_path / "before" / "attendance.csv") == read(tmp_path / "after" / "attendance.csv")


def test_export_all_writes_one_folder_per_pilot(small_pilot, tmp_path):
    other = PilotFactory()
    call_command("export_pilot", "--all", "--out", str(tmp_path), "--today", str(TODAY))
    assert (tmp_path / small_pilot.slug / "attendance.csv").exists()
    assert (tmp_path / other.slug / "codebook.csv").exists()


# --- Record-level exports from the dashboard: prepared in the background, downloaded by the one who asked ---------


@pytest.fixture
def evaluator(small_pilot, django_user_model):
    from evaluation.models import PilotEvaluator

    user = django_user_model.objects.create_user("evaluator", password="pw")
    PilotEvaluator.objects.create(user=user, pilot=small_pilot)
    return user


def _ask(client, pilot, fmt="csv"):
    from django.urls import reverse

    return client.post(reverse("evaluation:export", args=[pilot.slug]), {"format": fmt})


def _unzip(response) -> dict[str, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.usefixtures("database_queue")
def test_record_level_export_is_prepared_in_the_background_and_shown_on_the_dashboard(
    client, small_pilot, evaluator, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from evaluation.models import PilotExport

    client.force_login(evaluator)
    dashboard = reverse("evaluation:dashboard", args=[small_pilot.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, small_pilot)
        assert _ask(client, small_pilot).status_code == 302, "a double click"
    assert response.status_code == 302 and response["Location"] == dashboard + "#downloads"
    export = PilotExport.objects.get()
    assert export.status == PilotExport.Status.QUEUED and not ExportRecord.objects.exists(), "nothing built yet"
    page = client.get(dashboard).text
    assert "Waiting" in page and "?file=" not in page

    run_queued()
    export.refresh_from_db()
    assert export.status == PilotExport.Status.READY and export.size > 0 and export.expires_at > export.finished_at
    page = client.get(dashboard).text
    link = f"{reverse('evaluation:export', args=[small_pilot.slug])}?file={export.pk}"
    assert f'href="{link}"' in page
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert f"{small_pilot.slug}-record-" in download["Content-Disposition"]
    files = _unzip(download)
    assert {"attendance.csv", "learners.csv", "codebook.csv"} <= set(files)
    assert b"Fatima" not in b"".join(files.values())
    assert ExportRecord.objects.get().user == evaluator


def test_only_the_user_who_asked_may_download_and_only_while_they_may_see_the_pilot(
    client, small_pilot, evaluator, django_user_model, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from devtools.factories import coordinator
    from evaluation.models import PilotEvaluator, PilotExport

    client.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, small_pilot, "xlsx")
    export = PilotExport.objects.get(status=PilotExport.Status.READY)
    link = f"{reverse('evaluation:export', args=[small_pilot.slug])}?file={export.pk}"
    assert client.get(link).status_code == 200

    client.force_login(coordinator("coord"))  # sees the pilot, but did not ask for this file
    assert client.get(link).status_code == 404
    assert "?file=" not in client.get(reverse("evaluation:dashboard", args=[small_pilot.slug])).text
    for guess in ("999999", "abc", "1" * 40, ""):
        assert client.get(f"{reverse('evaluation:export', args=[small_pilot.slug])}?file={guess}").status_code == 404

    PilotEvaluator.objects.filter(user=evaluator).delete()
    client.force_login(evaluator)
    assert client.get(link).status_code == 403, "no longer assigned to the pilot"


@pytest.mark.usefixtures("database_queue")
def test_an_export_asked_for_by_someone_who_has_since_lost_the_pilot_is_not_built(
    client, small_pilot, evaluator, django_capture_on_commit_callbacks
):
    from evaluation.models import PilotEvaluator, PilotExport

    client.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, small_pilot)
    PilotEvaluator.objects.filter(user=evaluator).delete()
    run_queued()
    export = PilotExport.objects.get()
    assert export.status == PilotExport.Status.FAILED and not export.file_name and not ExportRecord.objects.exists()


def test_expired_files_are_deleted_and_lost_jobs_reported(
    client, small_pilot, evaluator, django_capture_on_commit_callbacks
):
    from django.core.files.storage import storages
    from django.utils import timezone

    from evaluation.models import PilotExport
    from evaluation.tasks import delete_expired_exports

    client.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, small_pilot)
    ready = PilotExport.objects.get()
    assert storages["private"].exists(ready.file_name)
    lost = PilotExport.objects.create(user=evaluator, pilot=small_pilot, format="csv")
    PilotExport.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(hours=7))
    assert delete_expired_exports.call() == 0, "nothing has expired yet"
    lost.refresh_from_db()
    assert lost.status == PilotExport.Status.FAILED and "took too long" in lost.error

    PilotExport.objects.filter(pk=ready.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert delete_expired_exports.call() == 1
    assert not storages["private"].exists(ready.file_name) and not PilotExport.objects.filter(pk=ready.pk).exists()


def test_the_record_level_page_asks_before_preparing(client, small_pilot, evaluator):
    from django.urls import reverse

    client.force_login(evaluator)
    url = reverse("evaluation:export", args=[small_pilot.slug])
    page = client.get(url + "?level=record&format=xlsx")
    assert page.status_code == 200 and "Prepare the file" in page.text and 'value="xlsx"' in page.text
    assert client.get(url + "?level=record&format=pdf").status_code == 404
    assert _ask(client, small_pilot, "pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_staff_text_that_looks_like_a_formula_stays_text_in_exports(small_pilot, tmp_path, fmt):
    cohort = small_pilot.cohorts.get()
    cohort.name = '=HYPERLINK("http://evil.example","Open")'
    cohort.save()
    export_pilot(small_pilot, tmp_path, recipient="team-a", fmt=fmt, today=TODAY)
    if fmt == "csv":
        assert {row["cohort"] for row in read(tmp_path / "enrolments.csv")} == {"'" + cohort.name}
        assert read(tmp_path / "codebook.csv")[-1]["type"] == "note"  # the codebook says how
    else:
        sheet = load_workbook(tmp_path / "enrolments.xlsx").active
        cells = [row[2] for row in sheet.iter_rows(min_row=2)]
        assert {(cell.value, cell.data_type) for cell in cells} == {(cohort.name, "s")}
