"""The learner's survey pages (/survey/<token>/): private headers and no cookie, the invitation's language, one
question a screen saved as it goes (resumable, skippable), one response however often it is sent, stale tabs
caught, and every refused link a plain page with 404 or 410, never a server error."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from evaluation import survey_link
from evaluation.models import SurveyInvitation, SurveyResponse
from evaluation.services import invitations
from evaluation.services.consent import withdraw_consent
from tests.evaluation.learner_records import survey_response

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def invitation(world):
    from devtools.evaluation_factories import LearnerIdentityFactory

    learner = world["enrolment_a1"].learner
    LearnerIdentityFactory(learner=learner, phone="07700 900123")
    return invitations.invite(learner, "follow_up", channel="sms", language="ar", by=None, today=TODAY)


def url(name, invitation, *args, language="ar"):
    with translation.override(language):
        return reverse(f"survey:{name}", args=[survey_link.token_for(invitation), *args])


def items(invitation):
    return list(invitation.instrument.items.all())


def test_the_link_opens_in_the_invitations_language_privately_and_sets_no_cookie(client, invitation):
    english = url("start", invitation, language="en-gb")
    moved = client.get(english)
    assert moved.status_code == 302 and moved["Location"] == url("start", invitation)
    page = client.get(moved["Location"])
    assert page.status_code == 200 and 'lang="ar"' in page.text and 'dir="rtl"' in page.text
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page["X-Robots-Tag"] and '<meta name="robots" content="noindex' in page.text
    assert not page.cookies
    # The learner chose English with the switcher (a link on this site): English it is.
    chosen = client.get(english, headers={"Sec-Fetch-Site": "same-origin"})
    assert chosen.status_code == 200 and 'lang="en-gb"' in chosen.text


def test_a_learner_answers_skips_checks_and_sends_once(client, invitation):
    questions = items(invitation)
    for number, item in enumerate(questions, start=1):
        page = client.get(url("question", invitation, number))
        assert page.status_code == 200 and f"{number}" in page.text
        data = (
            {"item": item.code, "skip": "1"}
            if number == 2
            else {"item": item.code, "answer": next(iter(item.value_labels))}
        )
        sent = client.post(url("question", invitation, number), data)
        expected = url("question", invitation, number + 1) if number < len(questions) else url("check", invitation)
        assert sent.status_code == 302 and sent["Location"] == expected
    invitation.refresh_from_db()
    assert invitation.progress[questions[1].code] is None and len(invitation.progress) == len(questions)
    check = client.get(url("check", invitation))
    assert check.status_code == 200 and check.context["version"] == invitation.version
    data = {"version": invitation.version}
    done, again = client.post(url("check", invitation), data), client.post(url("check", invitation), data)
    assert done.status_code == 302 and done["Location"] == url("thanks", invitation)
    assert again.status_code == 410  # the double click: answered already
    response = SurveyResponse.objects.get()
    assert (response.mode, response.language, response.wave) == ("self", "ar", "follow_up")
    assert response.answers.count() == len(questions) - 1  # the skipped one is no answer
    assert client.get(done["Location"]).status_code == 200
    assert client.get(url("start", invitation)).status_code == 410


def test_opening_the_link_again_continues_where_the_learner_stopped(client, invitation):
    first, second = items(invitation)[:2]
    client.post(url("question", invitation, 1), {"item": first.code, "answer": next(iter(first.value_labels))})
    client.post(url("question", invitation, 2), {"item": second.code, "skip": "1"})
    start = client.get(url("start", invitation))
    assert start.context["started"] and start.context["next_url"] == url("question", invitation, 3)
    back_to_one = client.get(url("question", invitation, 1))
    assert back_to_one.context["chosen"] == next(iter(first.value_labels))


def test_next_without_an_answer_and_bad_answers_are_plain_errors(client, invitation):
    item = items(invitation)[0]
    for data in (
        {"item": item.code},
        {"item": item.code, "answer": "99"},
        {},
        {"item": item.code, "answer": "x" * 500},
    ):
        page = client.post(url("question", invitation, 1), data)
        assert page.status_code == 400 and "error-summary" in page.text, data
    invitation.refresh_from_db()
    assert invitation.progress == {}


def test_a_stale_question_screen_changes_only_its_question(client, invitation):
    first, second = items(invitation)[:2]
    client.post(url("question", invitation, 2), {"item": second.code, "answer": next(iter(second.value_labels))})
    # A screen for question 1 that was open in another tab is sent now; it says which question it was.
    wrong = client.post(url("question", invitation, 1), {"item": second.code, "answer": "1"})
    assert wrong.status_code == 400
    client.post(url("question", invitation, 1), {"item": first.code, "answer": next(iter(first.value_labels))})
    invitation.refresh_from_db()
    assert set(invitation.progress) == {first.code, second.code}


def test_a_stale_check_screen_is_shown_again_not_sent(client, invitation):
    item = items(invitation)[0]
    shown = client.get(url("check", invitation)).context["version"]
    client.post(url("question", invitation, 1), {"item": item.code, "answer": next(iter(item.value_labels))})
    stale = client.post(url("check", invitation), {"version": shown})
    assert stale.status_code == 409 and not SurveyResponse.objects.exists()
    current = stale.context["version"]
    assert client.post(url("check", invitation), {"version": current}).status_code == 302
    assert SurveyResponse.objects.get().answers.count() == 1
    assert client.post(url("check", invitation), {"version": "not a number"}).status_code == 410


@pytest.mark.parametrize("token", ["nonsense", "1:abc", "0", "1" * 400, "%00"])
def test_altered_or_made_up_links_are_not_found(client, invitation, token):
    page = client.get(f"/ar/survey/{token}/")
    assert page.status_code == 404 and page["Cache-Control"] == "private, no-store"


def test_a_changed_character_is_not_found(client, invitation):
    token = survey_link.token_for(invitation)
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/survey/{changed}/").status_code == 404
    assert client.post(f"/survey/{changed}/1/", {"answer": "1"}).status_code == 404


def test_expired_answered_by_staff_and_withdrawn_links_are_gone(client, world, invitation):
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_on=TODAY - datetime.timedelta(days=1))
    expired = client.get(url("start", invitation))
    assert expired.status_code == 410 and "survey-" not in expired.context.get("reason", "")
    assert expired.context["reason"] == "expired"
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_on=TODAY)
    withdraw_consent(world["staff1"], invitation.learner, research=False, follow_up_contact=True, on=TODAY)
    assert client.get(url("question", invitation, 1)).context["reason"] == "withdrawn"


def test_a_wave_entered_by_staff_ends_the_link(client, invitation):
    survey_response(invitation.learner, "follow_up", belonging=2)
    for page in (client.get(url("start", invitation)), client.post(url("check", invitation), {"version": 0})):
        assert page.status_code == 410 and page.context["reason"] == "answered"
    assert SurveyResponse.objects.get().mode == "staff"


def test_a_question_number_out_of_range_goes_back_to_the_start(client, invitation):
    assert client.get(url("question", invitation, 999))["Location"] == url("start", invitation)


def test_cross_site_posts_are_refused(client, invitation):
    item = items(invitation)[0]
    page = client.post(
        url("question", invitation, 1), {"item": item.code, "answer": "1"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert page.status_code == 403
    invitation.refresh_from_db()
    assert invitation.progress == {}


def test_too_many_posts_from_one_client_are_refused(client, settings, invitation):
    settings.SURVEY_LINK_RATE = "2/h"
    item = items(invitation)[0]
    data = {"item": item.code, "answer": next(iter(item.value_labels))}
    statuses = [client.post(url("question", invitation, 1), data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_the_surveys_own_forms_pass_with_a_null_origin_only_from_the_same_site(client, invitation):
    """The pages send no referrer, so browsers send "Origin: null"; Sec-Fetch-Site still tells same-site apart."""
    item = items(invitation)[0]
    data = {"item": item.code, "answer": next(iter(item.value_labels))}
    target = url("question", invitation, 1)
    assert client.post(target, data, headers={"Origin": "null"}).status_code == 403
    refused = client.post(target, data, headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert client.post(target, data, headers={"Origin": "https://evil.example"}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.progress == {}
    sent = client.post(target, data, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert sent.status_code == 302
