"""Access rules, tested from the side of the one refused."""

import pytest
from django.urls import reverse

from devtools.evaluation_factories import EnrolmentFactory, LearnerFactory, LearnerIdentityFactory, SessionFactory
from devtools.factories import EnquiryFactory
from evaluation.models import AuditEntry, LearnerIdentity, PilotExport

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.fixture
def urls(world):
    e1 = world["enrolment_a1"]
    LearnerIdentityFactory(learner=e1.learner, full_name="Amina Secret")
    session = SessionFactory(cohort=world["cohort_a1"])
    return {
        "cohort": reverse("evaluation:cohort", args=[world["cohort_a1"].id]),
        "register": reverse("evaluation:register", args=[session.id]),
        "enrol": reverse("evaluation:enrol", args=[world["cohort_a1"].id]),
        "import": reverse("evaluation:import", args=[world["cohort_a1"].id]),
        "enrolment": reverse("evaluation:enrolment", args=[e1.id]),
        "identity": reverse("evaluation:identity", args=[e1.learner_id]),
        "subject_access": reverse("evaluation:subject_access", args=[e1.learner_id]),
        "survey": reverse("evaluation:survey", args=[e1.learner_id]),
        "outcome": reverse("evaluation:outcome", args=[e1.learner_id]),
    }


def test_anonymous_visitors_are_sent_to_log_in(client, urls):
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["staff2", "evaluator_a", "nobody"])
def test_other_providers_staff_and_evaluators_cannot_open_a_providers_records(client, world, urls, who):
    for name, url in urls.items():
        assert get(client, world[who], url).status_code == 404, name


def test_other_providers_staff_cannot_post_a_register_or_erase(client, world, urls):
    client.force_login(world["staff2"])
    enrolment = world["enrolment_a1"]
    assert client.post(urls["register"], {f"mark_{enrolment.id}": "unauthorised"}).status_code == 404
    assert client.post(reverse("evaluation:erase", args=[enrolment.learner_id])).status_code == 404
    assert LearnerIdentity.objects.filter(learner=enrolment.learner).exists()
    assert not enrolment.attendance.exists()


def test_own_provider_staff_can_see_their_learners_identity(client, world, urls):
    for name, url in urls.items():
        assert get(client, world["staff1"], url).status_code == 200, name
    assert b"Amina Secret" in get(client, world["staff1"], urls["identity"]).content


def test_coordinators_record_for_any_cohort_but_never_see_identity(client, world, urls):
    assert get(client, world["coordinator"], urls["register"]).status_code == 200
    assert get(client, world["coordinator"], urls["identity"]).status_code == 404
    assert get(client, world["coordinator"], urls["subject_access"]).status_code == 404


def test_evaluators_see_only_their_pilots_dashboards_and_exports(client, world, django_capture_on_commit_callbacks):
    evaluator = world["evaluator_a"]
    slug_a, slug_b = world["pilot_a"].slug, world["pilot_b"].slug
    assert get(client, evaluator, reverse("evaluation:dashboard", args=[slug_a])).status_code == 200
    assert get(client, evaluator, reverse("evaluation:dashboard", args=[slug_b])).status_code == 403
    assert get(client, evaluator, reverse("evaluation:export", args=[slug_b]) + "?level=record").status_code == 403
    assert client.post(reverse("evaluation:export", args=[slug_b]), {"format": "csv"}).status_code == 403
    # Record level is prepared in the background (the tests' tasks run at once), then downloaded.
    export_url = reverse("evaluation:export", args=[slug_a])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(export_url, {"format": "csv"}).status_code == 302
    prepared = PilotExport.objects.get(user=evaluator)
    response = client.get(f"{export_url}?file={prepared.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert b"Amina" not in b"".join(response.streaming_content)
    assert AuditEntry.objects.filter(action="export", user=evaluator, pilot=world["pilot_a"]).count() == 1


@pytest.mark.parametrize("who", ["staff1", "staff2", "nobody"])
def test_provider_staff_cannot_open_dashboards_exports_or_publish(client, world, who):
    slug = world["pilot_a"].slug
    assert get(client, world[who], reverse("evaluation:dashboard", args=[slug])).status_code == 403
    assert get(client, world[who], reverse("evaluation:export", args=[slug])).status_code == 403
    assert client.post(reverse("evaluation:publish", args=[slug]), PUBLISH).status_code == 403


PUBLISH = {"action": "publish", "based_on": "0"}


def test_evaluators_cannot_publish_and_unpublished_results_are_not_public(client, world):
    slug = world["pilot_a"].slug
    client.force_login(world["evaluator_a"])
    assert client.post(reverse("evaluation:publish", args=[slug]), PUBLISH).status_code == 403
    client.logout()
    assert client.get(reverse("evaluation:results", args=[slug])).status_code == 404
    client.force_login(world["coordinator"])
    assert client.post(reverse("evaluation:publish", args=[slug]), PUBLISH).status_code == 302
    client.logout()
    response = client.get(reverse("evaluation:results", args=[slug]))
    assert response.status_code == 200 and b"[c]" in response.content


def test_staff_only_list_their_own_cohorts(client, world):
    response = get(client, world["staff2"], reverse("evaluation:home"))
    assert world["cohort_a2"].name in response.text and world["cohort_a1"].name not in response.text


def test_dashboard_filters_by_provider_and_rejects_a_bad_period(client, world):
    client.force_login(world["coordinator"])
    url = reverse("evaluation:dashboard", args=[world["pilot_a"].slug])
    everyone = client.get(url)
    assert everyone.status_code == 200
    assert world["cohort_a1"].provider.title in everyone.text and world["cohort_a2"].provider.title in everyone.text
    one = client.get(url, {"provider": world["cohort_a2"].provider_id})
    table = one.text.split("All indicators")[-1]
    assert world["cohort_a2"].provider.title in table and world["cohort_a1"].provider.title not in table
    bad = client.get(url, {"start": "2025-05-01", "end": "2025-01-01"})
    assert bad.status_code == 200 and "The period must end after it starts." in bad.text


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_coordinators_see_pseudonyms_never_names(client, world, urls, make_user, who):
    """docs/indicators.md: coordinators (superusers too) never see who a learner is, nor who enquired."""
    user = world["coordinator"] if who == "coordinator" else make_user("root", is_superuser=True, is_staff=True)
    learner = world["enrolment_a1"].learner
    enquiry = EnquiryFactory(class_page=world["cohort_a1"].class_page, name="Bashir Enquirer")
    for name in ("cohort", "register", "enrolment"):
        body = get(client, user, urls[name]).text
        assert "Amina Secret" not in body and "Bashir Enquirer" not in body, name
        assert str(learner) in body, name
    assert get(client, user, urls["enrol"] + f"?enquiry={enquiry.pk}").status_code == 404


def test_own_provider_staff_see_names_and_who_enquired(client, world, urls):
    enquiry = EnquiryFactory(class_page=world["cohort_a1"].class_page, name="Bashir Enquirer")
    for name in ("cohort", "register", "enrolment"):
        assert "Amina Secret" in get(client, world["staff1"], urls[name]).text, name
    assert "Bashir Enquirer" in get(client, world["staff1"], urls["cohort"]).text
    enrol = get(client, world["staff1"], urls["enrol"] + f"?enquiry={enquiry.pk}")
    assert enrol.status_code == 200 and "Bashir Enquirer" in enrol.text
    for bad in ("abc", "-1", "99999999999999999999999", str(enquiry.pk + 1000)):
        assert get(client, world["staff1"], urls["enrol"] + f"?enquiry={bad}").status_code == 404, bad


def test_a_learner_another_provider_registered_is_a_pseudonym_to_this_providers_staff(client, world):
    other = LearnerFactory(provider=world["cohort_a2"].provider)
    LearnerIdentityFactory(learner=other, full_name="Chidi Elsewhere")
    enrolment = EnrolmentFactory(cohort=world["cohort_a1"], learner=other)
    for url in (
        reverse("evaluation:cohort", args=[world["cohort_a1"].id]),
        reverse("evaluation:enrolment", args=[enrolment.id]),
    ):
        body = get(client, world["staff1"], url).text
        assert "Chidi Elsewhere" not in body and str(other) in body, url
