"""Surveys by link, the staff side (evaluation.services.invitations, evaluation.survey_due): one invitation per wave
however often it is asked for, only to learners who may be contacted, one response however often it is sent,
reminders at most SURVEY_MAX_REMINDERS times, the due list's statuses, and the screens refused to everyone else."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from devtools.evaluation_factories import TERM_START, EnrolmentFactory, LearnerFactory, LearnerIdentityFactory
from esolplus.concurrency import StaleVersion
from esolplus.models import Notification
from evaluation import services, survey_link
from evaluation.models import ComparisonMember, SurveyInvitation, SurveyResponse
from evaluation.services import invitations
from evaluation.services.consent import withdraw_consent
from evaluation.survey_due import Status, cohort_due, comparison_due, comparison_members
from tests.evaluation.learner_records import survey_response

pytestmark = pytest.mark.django_db
Wave = SurveyResponse.Wave
TODAY = timezone.localdate()


@pytest.fixture
def learner(world):
    """Enrolment A1's learner (provider 1), who agreed to follow-up contact, with a phone and an email."""
    learner = world["enrolment_a1"].learner
    LearnerIdentityFactory(learner=learner, full_name="Amina Learner", phone="07700 900123", email="amina@example.org")
    return learner


def _invite(learner, wave=Wave.FOLLOW_UP, channel="sms", language="ar", by=None, today=TODAY):
    return invitations.invite(learner, wave, channel=channel, language=language, by=by, today=today)


def _first_answers(invitation) -> dict[str, int]:
    return {item.code: int(next(iter(item.value_labels))) for item in invitation.instrument.items.all()}


# --- Invitations ---------------------------------------------------------------------------------------------------


def test_an_invitation_is_made_once_and_its_message_queued_once_in_the_learners_language(world, learner):
    first = _invite(learner, by=world["staff1"])
    again = _invite(learner, channel="email", language="pl", by=world["coordinator"])
    assert again.pk == first.pk and SurveyInvitation.objects.count() == 1
    assert (first.channel, first.language, first.instrument) == ("sms", "ar", invitations.current_instrument())
    assert first.expires_on == TODAY + datetime.timedelta(days=28)
    message = Notification.objects.get(template="survey_invitation")
    assert (message.recipient, message.language, message.channel) == ("07700 900123", "ar", "sms")
    assert "/ar/survey/" in message.context["url"] and survey_link.token_for(first) in message.context["url"]


def test_an_email_invitation_goes_to_the_email_address(learner):
    _invite(learner, channel="email", language="so")
    message = Notification.objects.get(template="survey_invitation")
    assert (message.recipient, message.language, message.channel) == ("amina@example.org", "so", "email")


def test_an_unknown_language_falls_back_to_english(learner):
    assert _invite(learner, language="xx").language == "en-gb"


@pytest.mark.parametrize(
    ("change", "channel", "words"),
    [
        ({"phone": ""}, "sms", "no phone number"),
        ({"email": ""}, "email", "no email address"),
    ],
)
def test_no_address_for_the_channel_is_a_clear_refusal(learner, change, channel, words):
    for name, value in change.items():
        setattr(learner.identity, name, value)
    learner.identity.save()
    with pytest.raises(invitations.CannotInvite, match=words):
        _invite(learner, channel=channel)
    assert not SurveyInvitation.objects.exists() and not Notification.objects.exists()


def test_learners_who_did_not_agree_or_withdrew_are_not_invited(world, learner):
    no_record = LearnerFactory(provider=learner.provider, consent=False)
    LearnerIdentityFactory(learner=no_record, phone="07700 900999")
    said_no = LearnerFactory(provider=learner.provider, consent={"follow_up_contact": False})
    LearnerIdentityFactory(learner=said_no, phone="07700 900998")
    withdraw_consent(world["staff1"], learner, research=False, follow_up_contact=True, on=TODAY)
    for who in (no_record, said_no, learner):
        with pytest.raises(invitations.CannotInvite, match="not agreed to be contacted"):
            _invite(who)
    assert not SurveyInvitation.objects.exists() and not Notification.objects.exists()


def test_a_wave_already_entered_by_staff_is_not_invited(learner):
    survey_response(learner, Wave.FOLLOW_UP, belonging=3)
    with pytest.raises(invitations.CannotInvite, match="already recorded"):
        _invite(learner)


# --- The learner's answers -----------------------------------------------------------------------------------------


def test_answers_are_recorded_once_as_the_learners_own(learner):
    invitation = _invite(learner)
    answers = _first_answers(invitation)
    response = invitations.record_self_answers(invitation, answers, today=TODAY)
    with pytest.raises(invitations.LinkClosed):  # the same screen sent twice
        invitations.record_self_answers(invitation, answers, today=TODAY)
    assert SurveyResponse.objects.count() == 1
    assert (response.mode, response.language, response.wave) == ("self", "ar", Wave.FOLLOW_UP)
    assert response.translation_version == invitation.instrument.translation_version
    assert response.answers.count() == len(answers)
    invitation.refresh_from_db()
    assert invitation.is_answered and invitation.response == response


def test_a_wave_entered_by_staff_closes_the_link(world, learner):
    invitation = _invite(learner)
    services.record_survey(
        world["staff1"], learner, invitation.instrument, wave=Wave.FOLLOW_UP, date=TODAY, answers={"belonging": 2}
    )
    assert invitations.closed_reason(invitation, TODAY) == "answered"
    with pytest.raises(invitations.LinkClosed):
        invitations.record_self_answers(invitation, _first_answers(invitation), today=TODAY)
    assert SurveyResponse.objects.get().mode == "staff"


def test_answers_changed_in_another_tab_are_not_sent_unseen(learner):
    invitation = _invite(learner)
    shown = invitation.version
    invitations.save_progress(invitation, "belonging", 4)  # the other tab
    with pytest.raises(StaleVersion):
        invitations.record_self_answers(invitation, {"belonging": 1}, today=TODAY, version=shown)
    assert not SurveyResponse.objects.exists()


def test_progress_is_kept_per_question_and_a_bad_value_is_refused(learner):
    invitation = _invite(learner)
    invitations.save_progress(invitation, "belonging", 3)
    invitations.save_progress(invitation, "volunteering", None)  # skipped
    stale = SurveyInvitation.objects.get()  # a tab that loaded before the saves above
    stale.progress = {}
    saved = invitations.save_progress(stale, "belonging", 2)
    assert saved.progress == {"belonging": 2, "volunteering": None}
    for code, value in (("belonging", 9), ("no_such_item", 1)):
        with pytest.raises(ValueError):
            invitations.save_progress(invitation, code, value)


def test_closed_reasons(world, learner):
    invitation = _invite(learner)
    assert invitations.closed_reason(invitation, TODAY) is None
    assert invitations.closed_reason(invitation, invitation.expires_on + datetime.timedelta(days=1)) == "expired"
    withdraw_consent(world["staff1"], learner, research=False, follow_up_contact=True, on=TODAY)
    assert invitations.closed_reason(invitation, TODAY) == "withdrawn"


def test_only_an_unaltered_token_for_this_use_opens_an_invitation(world, learner):
    mine = _invite(learner)
    other_learner = world["enrolment_a2"].learner
    LearnerIdentityFactory(learner=other_learner, phone="07700 900777")
    theirs = _invite(other_learner)
    token = survey_link.token_for(mine)
    assert survey_link.invitation_for_token(token) == mine
    signature = token.split(":", 1)[1]
    forged = [
        f"{theirs.pk}:{signature}",  # another learner's id with my signature
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        signing.Signer(salt="finder.waiting.withdraw").sign(str(mine.pk)),  # signed for another use
        "not-a-token",
        f"{mine.pk}",
    ]
    for token in forged:
        assert survey_link.invitation_for_token(token) is None, token


# --- Reminders -----------------------------------------------------------------------------------------------------


def test_reminders_at_most_the_maximum_and_never_after_answering(settings, learner, world):
    settings.SURVEY_MAX_REMINDERS, settings.SURVEY_REMINDER_AFTER_DAYS = 2, 5
    now = timezone.now()
    invitation = _invite(learner)
    answered = _invite(learner, wave=Wave.BASELINE)
    invitations.record_self_answers(answered, {}, today=TODAY)
    SurveyInvitation.objects.update(sent_at=now - datetime.timedelta(days=6))
    day = datetime.timedelta(days=1)

    assert invitations.remind_unanswered(now) == 1
    assert invitations.remind_unanswered(now) == 0  # too soon, and a second run of the job sends nothing
    assert invitations.remind_unanswered(now + 4 * day) == 0
    assert invitations.remind_unanswered(now + 5 * day) == 1
    assert invitations.remind_unanswered(now + 11 * day) == 0  # two reminders: no more
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 2
    reminders = Notification.objects.filter(template="survey_reminder")
    assert reminders.count() == 2
    assert {(n.recipient, n.language) for n in reminders} == {("07700 900123", "ar")}
    assert {n.key for n in reminders} == {f"survey-reminder:{invitation.pk}:1", f"survey-reminder:{invitation.pk}:2"}


def test_no_reminder_once_answered_by_staff_or_consent_withdrawn(world, learner):
    now = timezone.now()
    by_staff = _invite(learner)
    withdrawn_learner = world["enrolment_a2"].learner
    LearnerIdentityFactory(learner=withdrawn_learner, phone="07700 900777")
    _invite(withdrawn_learner)
    SurveyInvitation.objects.update(sent_at=now - datetime.timedelta(days=30))
    survey_response(learner, Wave.FOLLOW_UP, belonging=2)
    withdraw_consent(world["staff2"], withdrawn_learner, research=False, follow_up_contact=True, on=TODAY)
    assert invitations.remind_unanswered(now) == 0
    by_staff.refresh_from_db()
    assert by_staff.reminders_sent == 0


# --- Who is due which wave -----------------------------------------------------------------------------------------


def test_the_due_list_shows_each_due_wave_and_its_status(world, learner):
    cohort = world["cohort_a1"]
    enrolment = world["enrolment_a1"]
    today = enrolment.planned_end_date + datetime.timedelta(days=200)  # past the follow-up
    survey_response(learner, Wave.BASELINE, belonging=3)
    invitations.invite(learner, Wave.END, channel="sms", language="ar", by=None, today=today)
    no_contact = EnrolmentFactory(cohort=cohort, learner=LearnerFactory(provider=cohort.provider, consent=False))
    no_phone = EnrolmentFactory(cohort=cohort)
    LearnerIdentityFactory(learner=no_phone.learner, phone="", email="")
    reminded = EnrolmentFactory(
        cohort=cohort,
        start_date=TERM_START + datetime.timedelta(weeks=30),
        planned_end_date=TERM_START + datetime.timedelta(weeks=42),
    )
    LearnerIdentityFactory(learner=reminded.learner)
    invitations.invite(reminded.learner, Wave.BASELINE, channel="sms", language="en-gb", by=None, today=today)
    SurveyInvitation.objects.filter(learner=reminded.learner).update(reminders_sent=1, last_reminded_at=timezone.now())

    rows = {(row.learner.pk, row.wave): row for row in cohort_due(cohort, today)}
    assert rows[(learner.pk, Wave.BASELINE)].status == Status.ANSWERED
    assert rows[(learner.pk, Wave.END)].status == Status.INVITED
    assert rows[(learner.pk, Wave.FOLLOW_UP)].status == Status.NOT_INVITED
    assert rows[(learner.pk, Wave.FOLLOW_UP)].may_invite
    assert rows[(learner.pk, Wave.FOLLOW_UP)].channels == ["sms", "email"]
    for other in (no_contact, no_phone):
        assert rows[(other.learner_id, Wave.BASELINE)].status == Status.CANNOT_CONTACT
        assert not rows[(other.learner_id, Wave.BASELINE)].may_invite
    assert rows[(reminded.learner_id, Wave.BASELINE)].status == Status.REMINDED
    # Reminded learner's course ends later: its end survey and follow-up are not due yet.
    assert (reminded.learner_id, Wave.FOLLOW_UP) not in rows


def test_waves_come_due_on_their_days(world, learner):
    cohort, enrolment = world["cohort_a1"], world["enrolment_a1"]
    end_window = enrolment.planned_end_date - datetime.timedelta(days=14)

    def due(on):
        return {row.wave for row in cohort_due(cohort, on) if row.learner == learner}

    assert due(enrolment.start_date - datetime.timedelta(days=1)) == set()
    assert due(enrolment.start_date) == {Wave.BASELINE}
    assert due(end_window - datetime.timedelta(days=1)) == {Wave.BASELINE}
    assert due(end_window) == {Wave.BASELINE, Wave.END}
    enrolment.actual_end_date = enrolment.planned_end_date - datetime.timedelta(days=30)  # left early
    enrolment.save()
    follow_up = enrolment.actual_end_date.replace(month=enrolment.actual_end_date.month + 6)
    assert Wave.FOLLOW_UP not in due(follow_up - datetime.timedelta(days=1))
    assert Wave.FOLLOW_UP in due(follow_up)


def test_comparison_members_are_due_baseline_then_follow_up_and_staff_see_only_their_own(world):
    pilot = world["pilot_a"]
    mine = LearnerFactory(provider=world["cohort_a1"].provider)
    theirs = LearnerFactory(provider=world["cohort_a2"].provider)
    placed = LearnerFactory(provider=world["cohort_a1"].provider)
    joined = TERM_START
    for learner, left in ((mine, None), (theirs, None), (placed, TERM_START + datetime.timedelta(days=30))):
        LearnerIdentityFactory(learner=learner)
        ComparisonMember.objects.create(
            pilot=pilot, learner=learner, source="waiting_list", joined_on=joined, left_on=left
        )
    provider_1 = [world["cohort_a1"].provider_id]
    assert list(comparison_members(pilot, provider_1).values_list("learner", flat=True)) == [mine.pk]
    everyone = comparison_members(pilot, None)
    assert set(everyone.values_list("learner", flat=True)) == {mine.pk, theirs.pk}
    assert {row.wave for row in comparison_due(everyone, joined)} == {Wave.BASELINE}
    later = joined + datetime.timedelta(days=200)
    assert {(row.learner.pk, row.wave) for row in comparison_due(everyone, later)} == {
        (who.pk, wave) for who in (mine, theirs) for wave in (Wave.BASELINE, Wave.FOLLOW_UP)
    }


# --- The staff screens, from the refused side ----------------------------------------------------------------------


def test_the_due_list_is_for_the_cohorts_provider_and_coordinators_only(client, world, learner):
    url = reverse("evaluation:survey_due", args=[world["cohort_a1"].pk])
    assert client.get(url).status_code == 302  # anonymous: to the login
    for who in ("staff2", "evaluator_a", "nobody"):
        client.force_login(world[who])
        assert client.get(url).status_code == 404, who
    client.force_login(world["staff1"])
    page = client.get(url)
    assert page.status_code == 200 and "Amina Learner" in page.text
    assert "07700" not in page.text and "amina@example.org" not in page.text
    client.force_login(world["coordinator"])
    page = client.get(url)
    assert page.status_code == 200 and "Amina Learner" not in page.text and str(learner) in page.text


def test_only_the_learners_provider_and_coordinators_may_invite(client, world, learner):
    url = reverse("evaluation:invite_survey", args=[learner.pk])
    data = {"wave": Wave.BASELINE, "channel": "sms", "language": "ar"}
    assert client.post(url, data).status_code == 302 and not SurveyInvitation.objects.exists()
    for who in ("staff2", "evaluator_a", "nobody"):
        client.force_login(world[who])
        assert client.post(url, data).status_code == 404, who
    assert not SurveyInvitation.objects.exists()
    client.force_login(world["coordinator"])
    assert client.post(url, data).status_code == 302
    assert SurveyInvitation.objects.get().created_by == world["coordinator"]


def test_the_invite_button_sent_twice_invites_once_and_goes_back_to_the_list(client, world, learner):
    client.force_login(world["staff1"])
    back = reverse("evaluation:survey_due", args=[world["cohort_a1"].pk])
    data = {"wave": Wave.BASELINE, "channel": "email", "language": "uk", "back": back}
    url = reverse("evaluation:invite_survey", args=[learner.pk])
    first, second = client.post(url, data), client.post(url, data)
    assert first.url == back and second.url == back
    assert SurveyInvitation.objects.count() == 1 and Notification.objects.count() == 1
    evil = client.post(url, {**data, "wave": Wave.END, "back": "https://evil.example/"})
    assert evil.url == reverse("evaluation:home")


def test_inviting_a_learner_who_cannot_be_contacted_says_why(client, world, learner):
    learner.identity.phone = ""
    learner.identity.save()
    client.force_login(world["staff1"])
    url = reverse("evaluation:invite_survey", args=[learner.pk])
    page = client.post(url, {"wave": Wave.BASELINE, "channel": "sms", "language": "ar"})
    assert page.status_code == 400 and "no phone number" in page.text
    bad = client.post(url, {"wave": "someday", "channel": "pigeon", "language": "ar"})
    assert bad.status_code == 400 and not SurveyInvitation.objects.exists()


def test_the_comparison_due_list_refuses_evaluators_and_staff_with_no_members(client, world):
    pilot = world["pilot_a"]
    member = LearnerFactory(provider=world["cohort_a1"].provider)
    LearnerIdentityFactory(learner=member, full_name="Waiting Person")
    ComparisonMember.objects.create(pilot=pilot, learner=member, source="waiting_list", joined_on=TERM_START)
    url = reverse("evaluation:comparison_due", args=[pilot.slug])
    assert client.get(url).status_code == 302
    for who in ("staff2", "evaluator_a", "nobody"):
        client.force_login(world[who])
        assert client.get(url).status_code == 404, who
    client.force_login(world["staff1"])
    assert "Waiting Person" in client.get(url).text
    client.force_login(world["coordinator"])
    page = client.get(url)
    assert page.status_code == 200 and "Waiting Person" not in page.text and str(member) in page.text
    assert client.get(reverse("evaluation:comparison_due", args=["no-such-pilot"])).status_code == 404


def test_an_expired_unanswered_invitation_is_sent_again_once(learner):
    invitation = _invite(learner)
    invitations.save_progress(invitation, "belonging", 3)
    later = invitation.expires_on + datetime.timedelta(days=1)
    renewed = _invite(learner, channel="email", language="uk", today=later)
    again = _invite(learner, channel="email", language="uk", today=later)
    assert renewed.pk == again.pk == invitation.pk and SurveyInvitation.objects.count() == 1
    assert (renewed.channel, renewed.language, renewed.expires_on) == ("email", "uk", later + datetime.timedelta(28))
    assert renewed.progress == {"belonging": 3}  # the answers so far are kept
    assert Notification.objects.filter(template="survey_invitation").count() == 2
    assert invitations.closed_reason(renewed, later) is None
