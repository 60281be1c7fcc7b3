"""Consent that means something (evaluation.consent): research exports and figures use only the learners the
pilot's lawful basis allows, a withdrawal counts from its date, and follow-up contact needs the learner's yes."""

import csv
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from devtools.evaluation_factories import (
    CONSENTED_ON,
    TERM_START,
    ConsentRecordFactory,
    EnrolmentFactory,
    LearnerFactory,
    LearnerIdentityFactory,
    SessionFactory,
)
from evaluation.consent import contactable_learners, may_contact_for_follow_up, research_learners
from evaluation.exports import export_pilot
from evaluation.indicators import indicator_rows
from evaluation.models import Attendance, AuditEntry, ConsentRecord, Learner, ProgressionOutcome, ResearchBasis
from evaluation.services.consent import CannotWithdraw, withdraw_consent
from tests.concurrency import form_on

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(weeks=1)
TODAY = TERM_START + 20 * WEEK


@pytest.fixture
def learners(world):
    """Pilot A's provider-1 cohort with learners whose consent differs (enrolment_a1's learner agreed)."""
    cohort = world["cohort_a1"]
    world["enrolment_a2"].delete()  # one provider's learners only, to count by hand

    def enrolled(consent):
        return EnrolmentFactory(
            cohort=cohort, learner=LearnerFactory(provider=cohort.provider, consent=consent)
        ).learner

    return {
        "agreed": world["enrolment_a1"].learner,
        "declined": enrolled({"research": False}),
        "no record": enrolled(False),
        "no contact": enrolled({"follow_up_contact": False}),
        "withdrawn record": enrolled({"withdrawn_on": TERM_START + 10 * WEEK}),
        "other pilot": EnrolmentFactory(cohort=world["cohort_b1"]).learner,
    }


def named(learners: dict, chosen) -> set[str]:
    ids = {learner.pk for learner in chosen}
    return {name for name, learner in learners.items() if learner.pk in ids}


def with_basis(pilot, basis):
    pilot.research_basis = basis
    pilot.save()
    return pilot


# --- The rule -------------------------------------------------------------------------------------------------


def test_on_consent_only_learners_who_agreed_and_have_not_withdrawn_are_used(world, learners):
    pilot = with_basis(world["pilot_a"], ResearchBasis.CONSENT)
    assert named(learners, research_learners(pilot, TODAY)) == {"agreed", "no contact"}
    before_withdrawal = TERM_START + 10 * WEEK - datetime.timedelta(days=1)
    assert named(learners, research_learners(pilot, before_withdrawal)) == {"agreed", "no contact", "withdrawn record"}


def test_on_public_task_everyone_is_used_except_those_who_objected_or_withdrew(world, learners):
    pilot = with_basis(world["pilot_a"], ResearchBasis.PUBLIC_TASK)
    assert named(learners, research_learners(pilot, TODAY)) == {"agreed", "no contact", "no record"}


def test_consent_recorded_after_the_day_does_not_count_yet(world, learners):
    pilot = with_basis(world["pilot_a"], ResearchBasis.CONSENT)
    assert named(learners, research_learners(pilot, CONSENTED_ON - datetime.timedelta(days=1))) == set()
    ConsentRecordFactory(learner=learners["declined"], recorded_on=TODAY)  # said yes later
    assert "declined" in named(learners, research_learners(pilot, TODAY))
    assert "declined" not in named(learners, research_learners(pilot, TODAY - datetime.timedelta(days=1)))


def test_follow_up_contact_needs_a_yes_whatever_the_basis(world, learners):
    on = TODAY
    contactable = {name for name, learner in learners.items() if may_contact_for_follow_up(learner, on)}
    assert contactable == {"agreed", "declined", "other pilot"}
    assert named(learners, contactable_learners(Learner.objects.all(), on)) == contactable


# --- Withdrawal -----------------------------------------------------------------------------------------------


def test_a_withdrawal_counts_from_its_date_and_is_audited_with_old_and_new_values(world, learners):
    pilot = with_basis(world["pilot_a"], ResearchBasis.CONSENT)
    learner, day = learners["agreed"], TERM_START + 12 * WEEK
    record = withdraw_consent(world["staff1"], learner, research=True, follow_up_contact=False, on=day)

    assert (record.research, record.follow_up_contact, record.recorded_on) == (False, True, day)
    assert "agreed" in named(learners, research_learners(pilot, day - datetime.timedelta(days=1)))
    assert "agreed" not in named(learners, research_learners(pilot, day))
    assert may_contact_for_follow_up(learner, day)
    audit = AuditEntry.objects.get(model="evaluation.ConsentRecord", object_id=str(record.pk))
    assert audit.action == "change" and audit.user == world["staff1"]
    assert audit.detail["changes"] == {"research": [True, False], "follow_up_contact": [True, True]}
    assert audit.detail["withdrawn_from"] == day.isoformat()

    again = withdraw_consent(world["staff1"], learner, research=True, follow_up_contact=False, on=day)
    assert again is None and learner.consents.count() == 2  # withdrawn already: nothing more stored

    withdraw_consent(world["staff1"], learner, research=False, follow_up_contact=True, on=day + WEEK)
    assert not may_contact_for_follow_up(learner, day + WEEK) and may_contact_for_follow_up(learner, day)


def test_on_public_task_a_learner_with_no_record_can_object(world, learners):
    pilot = with_basis(world["pilot_a"], ResearchBasis.PUBLIC_TASK)
    learner = learners["no record"]
    record = withdraw_consent(world["staff1"], learner, research=True, follow_up_contact=False, on=TODAY)
    assert record.research is False and record.follow_up_contact is False
    assert "no record" not in named(learners, research_learners(pilot, TODAY))
    audit = AuditEntry.objects.get(model="evaluation.ConsentRecord")
    assert audit.detail["changes"]["research"] == [None, False]


def test_a_withdrawal_cannot_be_dated_before_the_consent_it_replaces(world, learners):
    with pytest.raises(CannotWithdraw):
        withdraw_consent(None, learners["agreed"], research=True, follow_up_contact=False, on=CONSENTED_ON - WEEK)
    with pytest.raises(CannotWithdraw):
        withdraw_consent(None, learners["agreed"], research=False, follow_up_contact=False, on=TODAY)
    assert learners["agreed"].consents.count() == 1


# --- Research exports and figures -----------------------------------------------------------------------------


def read(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def exported_rows(pilot, tmp_path, today=TODAY) -> dict[str, int]:
    record = export_pilot(pilot, tmp_path, recipient="team", today=today)
    return record.row_counts


def test_record_level_exports_leave_out_learners_research_may_not_use(world, learners, tmp_path):
    pilot = with_basis(world["pilot_a"], ResearchBasis.CONSENT)
    session = SessionFactory(cohort=world["cohort_a1"], date=TERM_START)
    for learner in learners.values():
        for enrolment in learner.enrolments.filter(cohort__pilot=pilot):
            Attendance.objects.create(enrolment=enrolment, session=session, status="present")
        ProgressionOutcome.objects.create(
            learner=learner, outcome_type="EMP", outcome_code=1, date=TERM_START + 14 * WEEK, source="learner"
        )

    counts = exported_rows(pilot, tmp_path / "consent")
    assert counts["learners"] == counts["enrolments"] == counts["attendance"] == counts["outcomes"] == 2

    with_basis(pilot, ResearchBasis.PUBLIC_TASK)
    counts = exported_rows(pilot, tmp_path / "public")
    assert counts["learners"] == counts["enrolments"] == counts["attendance"] == counts["outcomes"] == 3
    record = export_pilot(pilot, tmp_path / "public-again", recipient="team", today=TODAY)
    assert record.filters["learners_in_small_combinations"] == 3


def test_exports_honour_a_withdrawal_from_its_date(world, learners, tmp_path):
    pilot = with_basis(world["pilot_a"], ResearchBasis.CONSENT)
    day = TERM_START + 12 * WEEK
    withdraw_consent(world["staff1"], learners["agreed"], research=True, follow_up_contact=False, on=day)
    assert exported_rows(pilot, tmp_path / "before", today=day - datetime.timedelta(days=1))["learners"] == 2
    assert exported_rows(pilot, tmp_path / "after", today=day)["learners"] == 1


def starts(pilot, today=TODAY) -> int:
    rows = indicator_rows(pilot, today)
    return next(r.measure.numerator for r in rows if r.indicator == "starts" and r.breakdown == "pilot")


def test_indicators_count_only_learners_research_may_use(world, learners):
    pilot = with_basis(world["pilot_a"], ResearchBasis.CONSENT)
    assert starts(pilot) == 2  # agreed, no contact
    with_basis(pilot, ResearchBasis.PUBLIC_TASK)
    assert starts(pilot) == 3  # and the learner with no record
    withdraw_consent(None, learners["no record"], research=True, follow_up_contact=False, on=TODAY)
    assert starts(pilot) == 2 and starts(pilot, TODAY - datetime.timedelta(days=1)) == 3


# --- The withdrawal screen ------------------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_learners_own_provider_records_a_withdrawal_once(world):
    enrolment = world["enrolment_a1"]
    learner = enrolment.learner
    client = logged_in(world["staff1"])
    url = reverse("evaluation:withdraw_consent", args=[learner.id]) + f"?enrolment={enrolment.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Withdraw consent" in page.text
    data = {**form_on(page), "withdrawn": ["research", "follow_up_contact"], "on": TODAY.isoformat()}
    responses = [client.post(url, data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == reverse("evaluation:enrolment", args=[enrolment.id])
    assert learner.consents.count() == 2 and AuditEntry.objects.filter(model="evaluation.ConsentRecord").count() == 1
    latest = learner.consents.order_by("-recorded_on", "-pk").first()
    assert (latest.research, latest.follow_up_contact, latest.recorded_on) == (False, False, TODAY)

    shown = client.get(reverse("evaluation:enrolment", args=[enrolment.id])).text
    assert "Do not contact" in shown


def test_the_enrolment_page_says_do_not_contact_only_for_learners_who_did_not_agree(world):
    client = logged_in(world["staff1"])
    agreed = world["enrolment_a1"]
    cohort = world["cohort_a1"]
    refused = EnrolmentFactory(
        cohort=cohort, learner=LearnerFactory(provider=cohort.provider, consent={"follow_up_contact": False})
    )
    assert "Do not contact" not in client.get(reverse("evaluation:enrolment", args=[agreed.id])).text
    assert "Do not contact" in client.get(reverse("evaluation:enrolment", args=[refused.id])).text


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"withdrawn": []}, "Tick what the learner withdraws."),
        ({"withdrawn": ["everything"]}, "Tick from the list."),
        ({"on": ""}, "Enter the day the learner told you."),
        ({"on": "31/02/2025"}, "Enter a real date."),
        ({"on": (timezone.localdate() + WEEK).isoformat()}, "The date cannot be in the future."),
        ({"on": (CONSENTED_ON - WEEK).isoformat()}, "the withdrawal cannot be earlier"),
    ],
)
def test_the_form_explains_what_is_wrong_and_stores_nothing(world, changes, error):
    learner = world["enrolment_a1"].learner
    client = logged_in(world["staff1"])
    url = reverse("evaluation:withdraw_consent", args=[learner.id])
    data = {"withdrawn": ["research"], "on": TODAY.isoformat(), **changes}
    response = client.post(url, data)
    assert response.status_code == 200 and error in response.text
    assert learner.consents.count() == 1 and not AuditEntry.objects.filter(model="evaluation.ConsentRecord").exists()


@pytest.mark.parametrize("who", [None, "nobody", "staff2", "evaluator_a", "coordinator"])
def test_everyone_but_the_learners_own_provider_is_refused(world, who):
    learner = world["enrolment_a1"].learner
    client = Client()
    if who:
        client.force_login(world[who])
    for learner_id in (learner.id, learner.id + 1000, 2**63):
        url = f"/evaluation/learners/{learner_id}/consent/withdraw/"
        for response in (client.get(url), client.post(url, {"withdrawn": ["research"], "on": TODAY.isoformat()})):
            assert response.status_code in ({302} if who is None else {403, 404}), (who, url, response.status_code)
    assert learner.consents.count() == 1


def test_staff_of_a_provider_that_did_not_register_the_learner_are_refused(world):
    """A learner registered by provider 2 and enrolled on provider 1's class: provider 1 records their marks but
    does not know who they are, so cannot record their withdrawal."""
    learner = LearnerFactory(provider=world["cohort_a2"].provider)
    LearnerIdentityFactory(learner=learner)
    enrolment = EnrolmentFactory(cohort=world["cohort_a1"], learner=learner)
    url = reverse("evaluation:withdraw_consent", args=[learner.id])
    data = {"withdrawn": ["research"], "on": TODAY.isoformat(), "enrolment": enrolment.id}
    assert logged_in(world["staff1"]).post(url, data).status_code == 404
    assert ConsentRecord.objects.filter(learner=learner).count() == 1
    # Their own provider records it, and is not sent to the other provider's enrolment page it cannot open.
    response = logged_in(world["staff2"]).post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:identity", args=[learner.id])
    assert ConsentRecord.objects.filter(learner=learner).count() == 2
