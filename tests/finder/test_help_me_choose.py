"""/find/help/: five questions, one per step, state in the URL, then a ranked list with reasons."""

import pytest
from django.urls import reverse

from devtools.factories import ClassPageFactory, venue_at
from finder.models import ClassPage, Level

pytestmark = pytest.mark.usefixtures("geography")
HELP = reverse("finder:help_me_choose")


def test_each_step_asks_one_question_and_carries_the_answers(client):
    response = client.get(HELP)
    assert response.context["step_name"] == "where"
    assert b"Question 1 of 5" in response.content
    response = client.get(HELP, {"step": "2", "where": "SE15 5AA"})
    assert response.context["step_name"] == "level"
    assert b'name="where" value="SE15 5AA"' in response.content
    assert b"I don&#x27;t know" in response.content
    response = client.get(HELP, {"step": "3", "where": "SE15 5AA", "level": "entry-1"})
    assert response.context["step_name"] == "when"
    assert b'name="level" value="entry-1"' in response.content
    assert b"Any time, I&#x27;m flexible" in response.content
    response = client.get(HELP, {"step": "4", "where": "SE15 5AA", "level": "entry-1", "when": ["evening"]})
    assert response.context["step_name"] == "childcare"
    assert b'name="when" value="evening"' in response.content
    response = client.get(HELP, {"step": "5", "where": "SE15 5AA", "childcare": "yes"})
    assert response.context["step_name"] == "free"
    assert b"I might get it free" in response.content


def test_a_place_we_cannot_find_sends_the_learner_back_to_step_one(client):
    response = client.get(HELP, {"step": "3", "where": "Atlantis"})
    assert response.context["step_name"] == "where"
    assert "Atlantis" in str(response.context["form"].errors["where"])


def test_ranked_results_say_why_they_match(client):
    venue = venue_at("SE15 5AA")
    evening = ClassPageFactory(
        venue=venue, sessions=[(1, "18:00", "20:00"), (3, "18:00", "20:00")], childcare=ClassPage.Childcare.CRECHE
    )
    ClassPageFactory(  # a morning class is not shown to a learner who is free in the evening
        venue=venue_at("SE15 4QS"), sessions=[(0, "09:30", "11:30")], childcare=ClassPage.Childcare.CRECHE
    )
    ClassPageFactory(venue=venue, childcare=ClassPage.Childcare.NONE, sessions=[(1, "18:00", "20:00")])
    ClassPageFactory(
        venue=venue,
        childcare=ClassPage.Childcare.CRECHE,
        cost=ClassPage.Cost.FEE,
        fee_amount=90,
        fee_unit="term",
        sessions=[(1, "18:00", "20:00")],
    )
    query = {
        "step": "6",
        "where": "SE15 4QS",
        "level": "entry-1",
        "when": ["evening"],
        "childcare": "yes",
        "free": "yes",
    }
    response = client.get(HELP, query)
    results = response.context["results"].matches
    assert results == [evening]
    lines = [(reason.text, reason.matches) for reason in results[0].match_reasons]
    assert lines[:2] == [("Tuesday evening — you said evenings", True), ("Thursday evening — you said evenings", True)]
    assert ("Crèche on site — you asked for a crèche", True) in lines and ("Free", True) in lines
    assert lines[-1][0].endswith("km away")
    assert response.content.decode().count("<h1") == 1


def test_dont_know_my_level_shows_classes_that_start_with_an_assessment(client):
    venue = venue_at("E1 6AN")
    drop_in = ClassPageFactory(
        venue=venue, how_to_join=ClassPage.HowToJoin.DROP_IN, levels=[Level.objects.get(code="entry-3")]
    )
    ClassPageFactory(venue=venue, how_to_join=ClassPage.HowToJoin.REFERRAL, referral_by=["jobcentre"])
    response = client.get(HELP, {"step": "6", "where": "E1 6AN", "level": "dont-know"})
    assert response.context["results"].matches == [drop_in]
    assert "drop-in assessment" in response.context["results"].matches[0].match_reasons[1].text


def test_bad_step_and_answers_do_not_break_the_page(client):
    for query in (
        {"step": "x"},
        {"step": "-4"},
        {"step": "99", "where": "E1"},
        {"level": "<script>", "step": "3", "where": "E1"},
    ):
        response = client.get(HELP, query)
        assert response.status_code == 200
        assert b"<script>" not in response.content
