"""Progression outcomes are ILR destinations (evaluation.destinations): the type and code are checked by the form,
the service and the database; only paid work, learning and voluntary work count as progression; the export
codebook says what each stored code means."""

import csv
import datetime

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from devtools.evaluation_factories import TERM_START, EnrolmentFactory
from evaluation import destinations
from evaluation.exports import export_pilot
from evaluation.forms import OutcomeForm
from evaluation.indicators import enrolment_facts
from evaluation.models import AuditEntry, CompletionStatus, Enrolment, ProgressionOutcome
from evaluation.services import record_outcome
from tests.concurrency import form_on

WEEK = datetime.timedelta(weeks=1)


@pytest.mark.parametrize(
    ("outcome_type", "outcome_code", "valid"),
    [
        ("EMP", 1, True),
        ("EMP", 2, True),
        ("EMP", 4, True),
        ("EMP", 5, True),
        ("EMP", 3, False),  # no EMP3 in the ILR
        ("EDU", 6, True),
        ("EDU", 7, False),
        ("VOL", 1, True),
        ("VOL", 2, False),
        ("NPE", 2, True),
        ("GAP", 1, True),
        ("SDE", 4, True),
        ("OTH", 1, True),
        ("OTH", 2, False),  # "Not reported", closed in 2015
        ("OTH", 4, True),
        ("XYZ", 1, False),
        ("EMP", None, True),  # recorded before the ILR codes
        ("NPE", None, False),
        ("OTH", None, False),
    ],
)
def test_only_ilr_destinations_are_valid(outcome_type, outcome_code, valid):
    assert destinations.is_valid(outcome_type, outcome_code) is valid


def test_a_destination_is_written_and_read_as_the_ilr_writes_it():
    assert destinations.key("EMP", 1) == "EMP1"
    assert destinations.parse("emp1") == ("EMP", 1)
    assert destinations.parse(" NPE2 ") == ("NPE", 2)
    for bad in ("", "EMP", "EMP3", "EMP99999", "EMPx", "1EMP", "OTH2"):
        assert destinations.parse(bad) is None, bad
    assert destinations.label("EMP", 1) == "In paid employment for 16 hours or more per week"
    assert destinations.label("EDU", None) == "Education"


def test_only_paid_work_learning_and_volunteering_count_as_progression():
    assert {t for t in destinations.OutcomeType.values if destinations.counts_as_progression(t)} == {
        "EMP",
        "EDU",
        "VOL",
    }


@pytest.mark.django_db
def test_the_database_refuses_a_type_and_code_that_are_not_an_ilr_destination(geography):
    enrolment = EnrolmentFactory()
    ProgressionOutcome.objects.create(
        learner=enrolment.learner, outcome_type="NPE", outcome_code=1, date=TERM_START, source="learner"
    )
    with pytest.raises(IntegrityError):
        ProgressionOutcome.objects.create(
            learner=enrolment.learner, outcome_type="EMP", outcome_code=3, date=TERM_START, source="learner"
        )


@pytest.mark.django_db
def test_the_service_refuses_what_is_not_a_destination(geography):
    learner = EnrolmentFactory().learner
    for outcome_type, outcome_code in (("EMP", 3), ("EMP", None), ("ABC", 1)):
        with pytest.raises(ValueError):
            record_outcome(
                None, learner, outcome_type=outcome_type, outcome_code=outcome_code, date=TERM_START, source="learner"
            )
    assert not ProgressionOutcome.objects.exists()


def test_the_form_offers_destinations_grouped_by_type_and_stores_type_and_code():
    html = str(OutcomeForm()["destination"])
    assert '<optgroup label="In paid employment">' in html and '<optgroup label="Voluntary work">' in html
    assert 'value="EMP1"' in html and 'value="OTH4"' in html and 'value="OTH2"' not in html

    form = OutcomeForm({"destination": "NPE1", "date": "2025-06-02", "source": "learner"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["outcome_type"], form.cleaned_data["outcome_code"]) == ("NPE", 1)
    assert "destination" not in form.cleaned_data

    for bad in ("EMP3", "", "<script>", "EMP1' OR 1=1"):
        form = OutcomeForm({"destination": bad, "date": "2025-06-02", "source": "learner"})
        assert not form.is_valid() and "destination" in form.errors, bad


@pytest.mark.django_db
def test_staff_record_a_destination_and_it_is_audited(world):
    learner = world["enrolment_a1"].learner
    client = Client()
    client.force_login(world["staff1"])
    url = reverse("evaluation:outcome", args=[learner.id])
    data = {**form_on(client.get(url)), "destination": "EDU5", "date": "2025-06-02", "source": "learner"}
    assert client.post(url, data).status_code == 302
    outcome = ProgressionOutcome.objects.get(learner=learner)
    assert (outcome.outcome_type, outcome.outcome_code, outcome.destination) == ("EDU", 5, "EDU5")
    audit = AuditEntry.objects.get(model="evaluation.ProgressionOutcome")
    assert audit.detail == {"destination": "EDU5"}

    refused = client.post(url, {**form_on(client.get(url)), "destination": "EMP3", "date": "2025-06-02"})
    assert refused.status_code == 200 and ProgressionOutcome.objects.count() == 1


def _leaver_with(outcome_type, outcome_code):
    enrolment = EnrolmentFactory(actual_end_date=TERM_START + WEEK, completion_status=CompletionStatus.COMPLETED)
    ProgressionOutcome.objects.create(
        learner=enrolment.learner,
        outcome_type=outcome_type,
        outcome_code=outcome_code,
        date=TERM_START + 4 * WEEK,
        source="learner",
    )
    return enrolment


@pytest.mark.django_db
def test_progression_counts_only_progression_destinations(geography):
    progressed = {
        _leaver_with(t, c).id: True for t, c in (("EMP", 2), ("EDU", 5), ("VOL", 1), ("EMP", None), ("EDU", None))
    }
    not_progressed = {_leaver_with(t, c).id: False for t, c in (("NPE", 1), ("NPE", 2), ("GAP", 1), ("OTH", 4))}
    facts = enrolment_facts(Enrolment.objects.all(), today=TERM_START + 30 * WEEK)
    assert {f.enrolment_id: f.progressed for f in facts} == {**progressed, **not_progressed}


@pytest.mark.django_db
def test_the_codebook_maps_every_stored_code_to_its_ilr_type_code_and_title(geography, tmp_path):
    enrolment = _leaver_with("NPE", 1)
    ProgressionOutcome.objects.create(
        learner=enrolment.learner, outcome_type="EMP", outcome_code=None, date=TERM_START, source="provider"
    )
    export_pilot(enrolment.cohort.pilot, tmp_path, recipient="team", today=TERM_START + 30 * WEEK)

    with (tmp_path / "outcomes.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted((r["outcome_type"], r["outcome_code"]) for r in rows) == [("EMP", ""), ("NPE", "1")]
    with (tmp_path / "codebook.csv").open(newline="", encoding="utf-8") as f:
        book = {(r["table"], r["column"]): r for r in csv.DictReader(f)}
    assert "EMP=In paid employment" in book[("outcomes", "outcome_type")]["allowed_values"]
    codes = book[("outcomes", "outcome_code")]["allowed_values"]
    for outcome_type, titles in destinations.CODES.items():
        for code, title in titles.items():
            assert f"{outcome_type} {code}={title}" in codes
    assert "NPE 1=Not in paid employment, looking for work and available to start work" in codes
    assert "EMP blank=In paid employment, code not recorded" in codes


LEGACY = ("evaluation", "0006_results_releases_research_basis_minutes")
ILR = ("evaluation", "0007_ilr_destinations")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_each_old_kind_as_its_ilr_type(geography):
    learner_id = EnrolmentFactory().learner_id
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([LEGACY])
        old = MigrationExecutor(connection).loader.project_state([LEGACY]).apps
        for kind in ("EMP", "EDU", "VOL"):
            old.get_model("evaluation", "ProgressionOutcome").objects.create(
                learner_id=learner_id, kind=kind, date=TERM_START, source="learner"
            )

        executor = MigrationExecutor(connection)
        executor.migrate([ILR])
        new = executor.loader.project_state([ILR]).apps.get_model("evaluation", "ProgressionOutcome")
        assert sorted(new.objects.values_list("outcome_type", "outcome_code")) == [
            ("EDU", None),
            ("EMP", None),
            ("VOL", None),
        ]
    finally:
        MigrationExecutor(connection).migrate(leaves)
