"""Services: the audit log, the register and UK GDPR duties (imports: tests/evaluation/test_imports.py)."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from devtools.evaluation_factories import (
    TERM_START,
    EnrolmentFactory,
    LearnerIdentityFactory,
    PilotFactory,
    SessionFactory,
)
from devtools.factories import EnquiryFactory
from evaluation.models import Assessment, Attendance, AuditEntry, LearnerIdentity, Session, SurveyInstrument
from evaluation.services import (
    add_goal,
    enrol,
    record_assessment,
    record_survey,
    register_learner,
    take_register,
)

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(weeks=1)


def test_register_learner_from_an_enquiry_enrols_them_and_audits_every_write(world):
    cohort, staff = world["cohort_a1"], world["staff1"]
    enquiry = EnquiryFactory(class_page=cohort.class_page, name="Hodan")
    learner = register_learner(
        staff,
        cohort.provider,
        characteristics={"age_band": "25-34", "gender": "woman"},
        identity={"full_name": "Hodan Ali", "phone": "07700 900111", "uln": "1234567890"},
        consent={
            "privacy_notice_version": "2025-1",
            "research": True,
            "follow_up_contact": False,
            "recorded_on": TERM_START,
        },
        enquiry=enquiry,
    )
    enrolment = enrol(staff, learner, cohort, TERM_START, enquiry=enquiry)
    enquiry.refresh_from_db()
    assert enquiry.status == "enrolled" and learner.identity.enquiry == enquiry
    assert len(learner.pseudonym) == 64 and "1234567890" not in learner.pseudonym
    logged = set(AuditEntry.objects.filter(user=staff).values_list("action", "model"))
    assert {
        ("create", "evaluation.Learner"),
        ("create", "evaluation.LearnerIdentity"),
        ("create", "evaluation.ConsentRecord"),
        ("create", "evaluation.Enrolment"),
    } <= logged
    record_assessment(staff, enrolment, stage="initial", skill="reading", level=1, date=TERM_START)
    record_assessment(staff, enrolment, stage="initial", skill="reading", level=2, date=TERM_START)
    assert Assessment.objects.get().level == 2
    assert AuditEntry.objects.filter(model="evaluation.Assessment", action="change").count() == 1


def test_register_screen_marks_everyone_present_by_default_and_saves_in_one_post(client, world):
    session = SessionFactory(cohort=world["cohort_a1"], status=Session.Status.PLANNED)
    second = EnrolmentFactory(cohort=world["cohort_a1"])
    first = world["enrolment_a1"]
    client.force_login(world["staff1"])
    page = client.get(reverse("evaluation:register", args=[session.id]))
    assert page.text.count("checked") == 2
    response = client.post(
        reverse("evaluation:register", args=[session.id]), {f"mark_{first.id}": "present", f"mark_{second.id}": "late"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "held"
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {first.id: "present", second.id: "late"}
    entry = AuditEntry.objects.get(model="evaluation.Session")
    assert entry.user == world["staff1"] and entry.detail["created"] == 2


def test_a_register_cannot_mark_a_learner_from_another_cohort(world):
    session = SessionFactory(cohort=world["cohort_a1"])
    with pytest.raises(ValueError):
        take_register(world["staff1"], session, {world["enrolment_a2"].id: "present"})
    assert not Attendance.objects.exists()


def test_survey_answers_are_checked_against_value_labels(world):
    instrument = SurveyInstrument.objects.get(code="integration", version=1)
    learner = world["enrolment_a1"].learner
    with pytest.raises(ValueError):
        record_survey(None, learner, instrument, wave="baseline", date=TERM_START, answers={"belonging": 9})
    response = record_survey(None, learner, instrument, wave="baseline", date=TERM_START, answers={"belonging": 3})
    assert response.answers.get().value == 3


def test_erasure_deletes_identity_and_enquiry_and_keeps_pseudonymous_records(client, world):
    enrolment = world["enrolment_a1"]
    enquiry = EnquiryFactory(class_page=world["cohort_a1"].class_page)
    LearnerIdentityFactory(learner=enrolment.learner, enquiry=enquiry)
    add_goal(None, enrolment, text="Speak to my GP", set_date=TERM_START)
    client.force_login(world["staff1"])
    access = client.get(reverse("evaluation:subject_access", args=[enrolment.learner_id]))
    assert json.loads(access.content)["identity"]["full_name"].startswith("Learner Name")
    client.post(reverse("evaluation:erase", args=[enrolment.learner_id]))
    assert not LearnerIdentity.objects.exists()
    assert not type(enquiry).objects.filter(pk=enquiry.pk).exists()
    enrolment.learner.refresh_from_db()
    assert enrolment.learner.erased_at and enrolment.goals.count() == 1
    assert set(AuditEntry.objects.filter(user=world["staff1"]).values_list("action", flat=True)) == {"access", "erase"}


def test_identities_are_purged_only_after_every_pilot_of_the_learner_expires(geography):
    old, current = PilotFactory(retention_until=datetime.date(2025, 6, 30)), PilotFactory()
    expired = EnrolmentFactory(cohort__pilot=old)
    kept = EnrolmentFactory(cohort__pilot=old)
    EnrolmentFactory(cohort__pilot=current, learner=kept.learner)
    for e in (expired, kept):
        LearnerIdentityFactory(learner=e.learner)
    call_command("purge_expired_identities", "--today", "2025-07-01")
    assert list(LearnerIdentity.objects.values_list("learner_id", flat=True)) == [kept.learner_id]


def test_subject_access_command_prints_everything_held(world, capsys):
    LearnerIdentityFactory(learner=world["enrolment_a1"].learner, full_name="Zainab Q")
    call_command("learner_data", str(world["enrolment_a1"].learner_id), "--access")
    data = json.loads(capsys.readouterr().out)
    assert data["identity"]["full_name"] == "Zainab Q" and len(data["enrolments"]) == 1


def test_sessions_are_scheduled_from_the_class_timetable_once(client, world):
    cohort = world["cohort_a1"]  # the factory's class meets on Tuesdays, 10:00 to 12:00
    client.force_login(world["staff1"])
    client.post(reverse("evaluation:schedule", args=[cohort.id]))
    client.post(reverse("evaluation:schedule", args=[cohort.id]))
    dates = list(cohort.sessions.values_list("date", flat=True))
    assert len(dates) == 12 and all(day.weekday() == 1 for day in dates)
    client.force_login(world["staff2"])
    assert client.post(reverse("evaluation:schedule", args=[cohort.id])).status_code == 404


def test_only_coordinators_can_read_the_audit_log_in_the_admin(client, world):
    from django.contrib.auth.models import Permission

    access_admin = Permission.objects.get(codename="access_admin")
    for who in ("coordinator", "evaluator_a"):
        world[who].user_permissions.add(access_admin)
    AuditEntry.objects.create(action="create", model="evaluation.Learner", object_id="1")
    client.force_login(world["coordinator"])
    assert client.get("/admin/evaluation/audit-log/").status_code == 200
    client.force_login(world["evaluator_a"])
    assert client.get("/admin/evaluation/audit-log/").status_code in (302, 403)


def test_staff_enrol_a_learner_from_an_enquiry_through_the_screen(client, world):
    cohort = world["cohort_a1"]
    enquiry = EnquiryFactory(class_page=cohort.class_page, name="Maryam Yusuf", phone="07700 900321")
    url = reverse("evaluation:enrol", args=[cohort.id]) + f"?enquiry={enquiry.id}"
    client.force_login(world["staff2"])
    assert client.get(url).status_code == 404
    client.force_login(world["staff1"])
    form = client.get(url)
    assert 'value="Maryam Yusuf"' in form.text
    response = client.post(
        url,
        {
            "identity-full_name": "Maryam Yusuf",
            "identity-phone": "07700 900321",
            "identity-uln": "12345",
            "learner-age_band": "35-49",
            "learner-gender": "woman",
            "learner-time_in_uk": "1-5",
            "learner-employment_status": "unemployed",
            "learner-childcare_need": "true",
            "consent-privacy_notice_version": "2025-1",
            "consent-research": "on",
            "enrol-start_date": "2025-01-06",
        },
    )
    assert response.status_code == 200 and "A Unique Learner Number has 10 digits." in response.text
    assert not LearnerIdentity.objects.filter(full_name="Maryam Yusuf").exists()
    response = client.post(
        url,
        {
            "identity-full_name": "Maryam Yusuf",
            "identity-phone": "07700 900321",
            "learner-age_band": "35-49",
            "learner-gender": "woman",
            "learner-time_in_uk": "1-5",
            "learner-employment_status": "unemployed",
            "learner-childcare_need": "true",
            "consent-privacy_notice_version": "2025-1",
            "consent-research": "on",
            "enrol-start_date": "2025-01-06",
        },
    )
    assert response.status_code == 302
    identity = LearnerIdentity.objects.get(full_name="Maryam Yusuf")
    assert identity.enquiry == enquiry and identity.learner.provider == cohort.provider
    assert identity.learner.enrolments.get().cohort == cohort
    assert identity.learner.consents.get().research is True
