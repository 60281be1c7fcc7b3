"""A learner answers their 6-month follow-up survey from the link in a text message, on a small phone (375×667),
in Arabic (right to left) and in English: one question a screen with big answer cards, the check-answers screen,
thanks. Their answers then make a matched pair with the baseline their tutor entered, as the indicators count it.
Every screen passes axe (WCAG 2.2 AA)."""

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from devtools.evaluation_factories import EnrolmentFactory, LearnerIdentityFactory
from evaluation.indicators import learner_facts
from evaluation.models import Learner, SurveyAnswer, SurveyResponse
from evaluation.services import invitations
from evaluation.survey_link import link_url
from tests.e2e.tools import axe, html_errors, require, save_screenshot

pytestmark = pytest.mark.usefixtures("geography")
SMALL_PHONE = {"width": 375, "height": 667}


def _baseline(learner, instrument):
    """The tutor entered the baseline (staff mode), every item at its first value."""
    response = SurveyResponse.objects.create(
        learner=learner, instrument=instrument, wave="baseline", date=timezone.localdate()
    )
    for item in instrument.items.all():
        SurveyAnswer.objects.create(response=response, item=item, value=int(next(iter(item.value_labels))))


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en-gb", "ltr")])
def test_a_learner_answers_a_follow_up_by_link_on_a_small_phone(page, live_site, language, direction):
    require("axe", "java", "vnu")
    documents: dict[str, str] = {}
    learner = EnrolmentFactory().learner
    LearnerIdentityFactory(learner=learner, phone="07700 900123")
    instrument = invitations.current_instrument()
    _baseline(learner, instrument)
    invitation = invitations.invite(
        learner, "follow_up", channel="sms", language=language, by=None, today=timezone.localdate()
    )
    items = list(instrument.items.all())
    page.set_viewport_size(SMALL_PHONE)

    page.goto(urlsplit(link_url(invitation)).path)
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("html").get_attribute("lang") == language
    axe(page)
    documents["start"] = page.content()
    with page.expect_navigation():
        page.locator("main a.survey-button").click()

    chosen = {}
    for number, item in enumerate(items, start=1):
        assert f"/{number}/" in page.url
        options = page.locator(".survey-option")
        assert options.count() == len(item.value_labels)
        box = options.first.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        assert page.locator(".survey-option svg[aria-hidden=true]").count() == options.count()
        if number == 1:
            axe(page)
            documents["question"] = page.content()
            save_screenshot(page, f"survey_question_{language}")
        value = list(item.value_labels)[-1]  # the last answer, so the pair shows a change
        page.locator(f'.survey-option:has(input[value="{value}"])').click()
        chosen[item.code] = int(value)
        with page.expect_navigation():
            page.locator("form.survey-form button[type=submit]:not([name=skip])").click()

    assert page.url.endswith("/check/")
    axe(page)
    documents["check"] = page.content()
    with page.expect_navigation():
        page.locator("form.survey-form button[type=submit]").click()
    assert page.url.endswith("/thanks/")
    axe(page)
    documents["thanks"] = page.content()
    assert html_errors(documents) == {}

    response = SurveyResponse.objects.get(learner=learner, wave="follow_up")
    assert (response.mode, response.language) == ("self", language)
    assert dict(response.answers.values_list("item__code", "value")) == chosen
    facts = learner_facts(Learner.objects.filter(pk=learner.pk))[0]
    assert len(facts.integration) == len(items)
    assert sorted(pair[1] for pair in facts.integration.values()) == sorted(chosen.values())
    baseline = sorted(int(next(iter(item.value_labels))) for item in items)
    assert sorted(pair[0] for pair in facts.integration.values()) == baseline
