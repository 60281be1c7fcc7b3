"""The audit log keeps old and new values in plain JSON and shows them to the people who read it; looking at a
learner's identity and a failed import are logged too (evaluation.services.audit)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from devtools.evaluation_factories import TERM_START, LearnerIdentityFactory, SessionFactory
from evaluation.models import AuditEntry
from evaluation.services import corrections
from evaluation.services.audit import changes, describe, json_safe, record_audit, record_change, snapshot

pytestmark = pytest.mark.django_db


def test_json_safe_values_dates_as_iso_decimals_as_text_records_as_ids(world):
    cohort = world["cohort_a1"]
    value = {"on": datetime.date(2025, 1, 6), "hours": Decimal("24.5"), "cohort": cohort, "days": (1, 2)}
    assert json_safe(value) == {"on": "2025-01-06", "hours": "24.5", "cohort": cohort.pk, "days": [1, 2]}


def test_a_snapshot_holds_a_foreign_key_as_its_id(world):
    cohort = world["cohort_a1"]
    cohort.refresh_from_db()
    assert snapshot(cohort, ["pilot", "planned_hours", "start_date"]) == {
        "pilot": world["pilot_a"].pk,
        "planned_hours": "24.0",
        "start_date": "2025-01-06",
    }


def test_changes_are_only_the_fields_that_differ_with_old_and_new():
    before = {"level": 1, "date": datetime.date(2025, 1, 6), "stage": "initial", "hours": Decimal("2.0")}
    after = {"level": 2, "date": datetime.date(2025, 1, 13), "stage": "initial", "hours": Decimal("2.0"), "new": 1}
    assert changes(before, after) == {"level": [1, 2], "date": ["2025-01-06", "2025-01-13"], "new": [None, 1]}
    assert changes(before, before) == {}


def test_record_change_writes_a_json_entry_or_nothing(world):
    enrolment = world["enrolment_a1"]
    entry = record_change(None, enrolment, world["pilot_a"], {"start_date": TERM_START}, {"start_date": None})
    entry.refresh_from_db()
    assert entry.action == "change" and entry.detail == {"changes": {"start_date": ["2025-01-06", None]}}
    assert record_change(None, enrolment, None, {"level": 1}, {"level": 1}) is None
    assert AuditEntry.objects.count() == 1


def test_describe_says_field_old_to_new_and_what_a_deletion_removed():
    assert describe({"changes": {"level": [1, 2], "actual_end_date": [None, "2025-02-03"]}, "wave": "end"}) == [
        "level: 1 → 2",
        "actual_end_date: — → 2025-02-03",
        "wave: end",
    ]
    assert describe({"old": {"text": "Read a letter", "rating": ""}}) == [
        "text: Read a letter (deleted)",
        "rating: — (deleted)",
    ]


def test_coordinators_read_old_and_new_values_in_the_admin_audit_log(client, world):
    goal_entry = record_audit(
        world["staff1"], "change", world["enrolment_a1"], world["pilot_a"], changes={"outcome": [8, 1]}
    )
    world["coordinator"].user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(world["coordinator"])
    page = client.get(reverse("evaluation_audit_log:inspect", args=[goal_entry.pk]))
    assert page.status_code == 200
    assert "<li>outcome: 8 → 1</li>" in page.text


def test_a_correction_through_the_service_is_readable_in_the_log(world):
    goal = world["enrolment_a1"].goals.create(text="Read a letter", set_date=TERM_START)
    corrections.correct_goal(world["staff1"], goal, based_on=None, text="Read a letter", rating="partly")
    entry = AuditEntry.objects.get(action="change", model="evaluation.Goal")
    assert describe(entry.detail) == ["rating: — → partly"]


def test_viewing_a_learners_identity_is_logged_and_a_refused_look_is_not(client, world):
    learner = world["enrolment_a1"].learner
    LearnerIdentityFactory(learner=learner, full_name="Maryam Yusuf")
    client.force_login(world["staff2"])
    assert client.get(reverse("evaluation:identity", args=[learner.pk])).status_code == 404
    assert not AuditEntry.objects.exists()
    client.force_login(world["staff1"])
    assert client.get(reverse("evaluation:identity", args=[learner.pk])).status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.model, entry.object_id, entry.user) == (
        "access",
        "evaluation.Learner",
        str(learner.pk),
        world["staff1"],
    )
    assert entry.detail == {"viewed": "identity"}
    assert "Maryam" not in json.dumps(entry.detail)


def test_a_failed_import_is_logged_with_rows_and_reasons_but_no_values(client, world):
    cohort = world["cohort_a1"]
    SessionFactory(cohort=cohort, date=TERM_START)
    enrolment = world["enrolment_a1"]
    text = f"enrolment_id,session_date,status\n{enrolment.id},{TERM_START},Maryam Yusuf\n99999,{TERM_START},present\n"
    upload = SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")
    client.force_login(world["staff1"])
    response = client.post(reverse("evaluation:import", args=[cohort.id]), {"kind": "register", "file": upload})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="import")
    assert (entry.user, entry.pilot, entry.object_id) == (world["staff1"], world["pilot_a"], str(cohort.pk))
    assert entry.detail["failed"] is True and entry.detail["kind"] == "register" and entry.detail["problems"] == 2
    assert [(e["row"], e["column"]) for e in entry.detail["errors"]] == [(2, "status"), (3, "enrolment_id")]
    assert all(e["reason"] for e in entry.detail["errors"])
    assert "Maryam" not in json.dumps(entry.detail) and "99999" not in json.dumps(entry.detail)
