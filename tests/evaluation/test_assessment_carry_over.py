"""The finder's assessment result becomes an enrolment's initial assessments: no re-keying, never a duplicate."""

import datetime

from django.urls import reverse

from devtools.assessment_factories import slot_for
from devtools.evaluation_factories import TERM_START, LearnerFactory
from devtools.factories import EnquiryFactory, ProviderPageFactory
from evaluation.models import Assessment, AuditEntry, EsolLevel, LearnerIdentity
from evaluation.services import enrol, record_assessment
from evaluation.services.assessments_from_finder import carry_over_assessment
from finder.models import AssessmentBooking, AssessmentResult, AssessmentResultLookup, AssessmentSlot, Level
from tests.concurrency import form_on

ASSESSED_ON = datetime.date(2024, 12, 16)


def result(*, consent_to_share: bool = True, **levels) -> AssessmentResult:
    """A learner assessed by phone at a hub, with a level for each skill named (finder level codes)."""
    slot = slot_for(
        ProviderPageFactory(),
        mode=AssessmentSlot.Mode.PHONE,
        starts_at=datetime.datetime(2024, 12, 16, 10, tzinfo=datetime.UTC),
    )
    booking = AssessmentBooking.objects.create(
        slot=slot, name="Hodan", phone="07700 900111", consent_to_contact=True, status="attended"
    )
    return AssessmentResult.objects.create(
        booking=booking,
        assessed_on=ASSESSED_ON,
        consent_to_share=consent_to_share,
        **{skill: Level.objects.get(code=code) for skill, code in levels.items()},
    )


def initial(enrolment) -> dict[str, tuple[int, datetime.date]]:
    rows = enrolment.assessments.filter(stage="initial").values_list("skill", "level", "date")
    return {skill: (level, date) for skill, level, date in rows}


def test_enrolling_from_a_referral_carries_the_levels_over_with_an_audit_record(world):
    cohort, staff = world["cohort_a1"], world["staff1"]
    found = result(speaking="entry-1", listening="entry-2", reading="pre-entry")
    enquiry = EnquiryFactory(class_page=cohort.class_page, assessment=found)
    enrolment = enrol(staff, LearnerFactory(provider=cohort.provider), cohort, TERM_START, enquiry=enquiry)
    assert initial(enrolment) == {
        "speaking": (EsolLevel.ENTRY_1, ASSESSED_ON),
        "listening": (EsolLevel.ENTRY_2, ASSESSED_ON),
        "reading": (EsolLevel.PRE_ENTRY, ASSESSED_ON),
    }
    audited = AuditEntry.objects.filter(model="evaluation.Assessment", action="create", user=staff)
    assert audited.count() == 3
    assert {entry.detail["source"] for entry in audited} == {"finder_assessment"}
    assert {entry.pilot for entry in audited} == {cohort.pilot}


def test_an_enquiry_without_an_assessment_adds_no_assessments(world):
    cohort = world["cohort_a1"]
    enquiry = EnquiryFactory(class_page=cohort.class_page)
    enrolment = enrol(world["staff1"], LearnerFactory(provider=cohort.provider), cohort, TERM_START, enquiry=enquiry)
    assert not enrolment.assessments.exists()


def test_a_skill_already_assessed_keeps_its_initial_level_and_nothing_is_added_twice(world):
    enrolment, staff = world["enrolment_a1"], world["staff1"]
    record_assessment(staff, enrolment, stage="initial", skill="speaking", level=EsolLevel.ENTRY_3, date=TERM_START)
    record_assessment(staff, enrolment, stage="final", skill="writing", level=EsolLevel.LEVEL_1, date=TERM_START)
    found = result(speaking="entry-1", writing="entry-2")
    created = carry_over_assessment(staff, enrolment, found)
    assert [(a.skill, a.stage, a.level) for a in created] == [("writing", "initial", EsolLevel.ENTRY_2)]
    assert initial(enrolment) == {
        "speaking": (EsolLevel.ENTRY_3, TERM_START),
        "writing": (EsolLevel.ENTRY_2, ASSESSED_ON),
    }
    assert carry_over_assessment(staff, enrolment, found) == []
    assert Assessment.objects.filter(enrolment=enrolment).count() == 3


ENROL = {
    "identity-full_name": "Hodan Ali",
    "identity-phone": "07700 900111",
    "learner-age_band": "35-49",
    "learner-gender": "woman",
    "enrol-start_date": "2025-01-06",
}


def enrolled(name: str = "Hodan Ali"):
    identity = LearnerIdentity.objects.filter(full_name=name).first()
    return identity.learner.enrolments.get() if identity else None


def test_staff_enter_the_learners_reference_with_their_consent_on_the_enrol_form(client, world):
    cohort = world["cohort_a1"]
    url = reverse("evaluation:enrol", args=[cohort.id])
    found = result(speaking="entry-2", writing="entry-1")
    client.force_login(world["staff1"])
    page = client.get(url)
    assert "Assessment reference" in page.text
    form = {**form_on(page, "enrol-start_date"), **ENROL}

    no_consent = client.post(url, {**form, "enrol-assessment_reference": found.booking.reference})
    assert no_consent.status_code == 200 and "Ask the learner first" in no_consent.text
    unknown = client.post(url, {**form, "enrol-assessment_reference": "ZZZZ-ZZZZ", "enrol-assessment_consent": "on"})
    assert unknown.status_code == 200 and "No shared assessment result has this reference" in unknown.text
    assert enrolled() is None and not AssessmentResultLookup.objects.exists()

    typed = found.booking.reference.replace("-", " ").lower()  # as a person reads it out
    response = client.post(url, {**form, "enrol-assessment_reference": typed, "enrol-assessment_consent": "on"})
    assert response.status_code == 302
    assert initial(enrolled()) == {
        "speaking": (EsolLevel.ENTRY_2, ASSESSED_ON),
        "writing": (EsolLevel.ENTRY_1, ASSESSED_ON),
    }
    lookup = AssessmentResultLookup.objects.get()
    assert (lookup.result, lookup.provider, lookup.user) == (found, cohort.provider, world["staff1"])


def test_a_result_the_learner_did_not_agree_to_share_is_not_found(client, world):
    url = reverse("evaluation:enrol", args=[world["cohort_a1"].id])
    hidden = result(consent_to_share=False, speaking="entry-2")
    client.force_login(world["staff1"])
    data = {
        **form_on(client.get(url), "enrol-start_date"),
        **ENROL,
        "enrol-assessment_reference": hidden.booking.reference,
        "enrol-assessment_consent": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "No shared assessment result has this reference" in response.text
    assert enrolled() is None


def test_the_enrol_form_without_a_reference_works_as_before(client, world):
    client.force_login(world["staff1"])
    url = reverse("evaluation:enrol", args=[world["cohort_a1"].id])
    response = client.post(url, {**form_on(client.get(url), "enrol-start_date"), **ENROL})
    assert response.status_code == 302
    assert enrolled() is not None and not enrolled().assessments.exists()
