"""A learner who comes back (the same Unique Learner Number) is one learner with many enrolments, never a server
error: enrolled again at their own provider, refused with a message elsewhere or on the same cohort twice."""

import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import Enrolment, Learner, LearnerIdentity
from tests.concurrency import form_on

pytestmark = pytest.mark.django_db
ULN = "1234567891"
ENROL = {
    "identity-full_name": "Maryam Yusuf",
    "identity-phone": "07700 900321",
    "identity-uln": ULN,
    "learner-age_band": "35-49",
    "learner-gender": "woman",
    "enrol-start_date": "2025-01-06",
}


def enrol(user, cohort, **changes):
    client = Client()
    client.force_login(user)
    url = reverse("evaluation:enrol", args=[cohort.id])
    return client.post(url, {**form_on(client.get(url)), **ENROL, **changes})


def test_a_returning_learner_is_enrolled_again_as_the_same_learner(world):
    assert enrol(world["staff1"], world["cohort_a1"]).status_code == 302
    response = enrol(world["staff1"], world["cohort_b1"], **{"identity-full_name": "Maryam Y."})  # same provider
    assert response.status_code == 302
    learner = Learner.objects.get(identity__uln=ULN)
    assert set(learner.enrolments.values_list("cohort", flat=True)) == {world["cohort_a1"].pk, world["cohort_b1"].pk}
    assert LearnerIdentity.objects.filter(uln=ULN).count() == 1  # the identity as first recorded


def test_the_same_learner_on_the_same_cohort_again_is_a_message(world):
    enrol(world["staff1"], world["cohort_a1"])
    response = enrol(world["staff1"], world["cohort_a1"])
    assert response.status_code == 200
    assert "This learner is already enrolled on this cohort." in response.content.decode()
    assert Enrolment.objects.filter(learner__identity__uln=ULN).count() == 1


def test_another_providers_learner_is_refused_without_showing_who_they_are(world):
    enrol(world["staff1"], world["cohort_a1"])
    response = enrol(world["staff2"], world["cohort_a2"], **{"identity-full_name": "Someone"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "registered by another provider" in page and "Maryam" not in page
    assert Learner.objects.count() == Learner.objects.filter(enrolments__isnull=False).distinct().count()
    assert not Enrolment.objects.filter(cohort=world["cohort_a2"], learner__identity__uln=ULN).exists()


def test_a_learner_on_two_cohorts_of_a_pilot_is_one_learner_in_its_exports(world, tmp_path):
    import csv

    from django.utils import timezone

    from devtools.evaluation_factories import CohortFactory
    from evaluation.exports import export_pilot

    first = world["cohort_a1"]
    second = CohortFactory(
        pilot=first.pilot,
        class_page=first.class_page,
        start_date=first.end_date,
        end_date=first.end_date.replace(year=first.end_date.year + 1),
    )
    consent = {"consent-privacy_notice_version": "2025-1", "consent-research": "on"}
    assert enrol(world["staff1"], first, **consent).status_code == 302
    assert (
        enrol(world["staff1"], second, **consent, **{"enrol-start_date": second.start_date.isoformat()}).status_code
        == 302
    )
    export_pilot(first.pilot, tmp_path, recipient="r", level="record", today=timezone.localdate())

    def rows(name):
        with open(tmp_path / f"{name}.csv", newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    ours = [row for row in rows("enrolments") if row["cohort"] in {first.name, second.name}]
    assert Learner.objects.get(identity__uln=ULN).enrolments.count() == 2
    learner_ids = [row["learner_id"] for row in ours]  # the returning learner, and one the fixture enrolled
    (returning,) = [pseudonym for pseudonym in set(learner_ids) if learner_ids.count(pseudonym) == 2]
    assert [row["learner_id"] for row in rows("learners")].count(returning) == 1
