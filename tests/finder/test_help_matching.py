"""Help me choose listens: answers filter (with "I'm flexible" choices), each match says why against the answers,
full classes come after open ones with a waiting list, and nothing near means labelled alternatives."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories import ClassPageFactory, venue_at
from finder.models import ClassPage, Level
from finder.search.matching import Reason

pytestmark = pytest.mark.usefixtures("geography")
HELP = reverse("finder:help_me_choose")
MONDAY_MORNING = ((0, "09:30", "11:30"),)
TUESDAY_AFTERNOON = ((1, "13:00", "15:00"),)


def results_for(client, **answers):
    query = {"step": "6", "where": "E1 6AN", **answers}
    response = client.get(HELP, query)
    assert response.status_code == 200
    return response, response.context["results"]


def shown(items, page):
    """The result shown for ``page`` (results are their own objects, with reasons)."""
    return next(item for item in items if item == page)


def texts(item) -> list[str]:
    return [reason.text for reason in item.match_reasons]


def test_mornings_never_shows_afternoon_classes_as_matches(client):
    morning = ClassPageFactory(venue=venue_at("E1 6AW"), sessions=MONDAY_MORNING)
    ClassPageFactory(venue=venue_at("E1 6AN"), sessions=TUESDAY_AFTERNOON)
    ClassPageFactory(venue=venue_at("E1 6AN"), sessions=MONDAY_MORNING + TUESDAY_AFTERNOON)  # can't come to all
    response, results = results_for(client, when=["morning"])
    assert results.matches == [morning]
    assert results.other_times == [] and results.online == []
    assert Reason("Monday morning — you said mornings", True) in shown(results.matches, morning).match_reasons
    html = response.content.decode()
    assert "afternoon" not in html.lower().split("your answers")[0]
    assert "at other times" not in html.lower()


def test_weekends_and_evenings_are_either_or(client):
    saturday = ClassPageFactory(venue=venue_at("E1 6AW"), sessions=((5, "10:00", "12:00"),))
    evening = ClassPageFactory(venue=venue_at("E1 6AW"), sessions=((2, "18:00", "20:00"),))
    ClassPageFactory(venue=venue_at("E1 6AW"), sessions=TUESDAY_AFTERNOON)
    _, results = results_for(client, when=["evening", "weekend"])
    assert set(results.matches) == {saturday, evening}
    assert "Saturday morning — you said evenings or weekends" in texts(results.matches[0]) + texts(results.matches[1])


def test_nothing_in_the_morning_offers_other_times_clearly_labelled(client):
    afternoon = ClassPageFactory(venue=venue_at("E1 6AW"), sessions=TUESDAY_AFTERNOON)
    response, results = results_for(client, when=["morning"])
    assert results.matches == []
    assert results.other_times == [afternoon]
    assert Reason("Tuesday afternoon — you said mornings", False) in shown(results.other_times, afternoon).match_reasons
    html = response.content.decode()
    assert "We found no classes near you that fit all your answers at the times you chose (mornings)." in html
    assert "Classes near you at other times" in html
    assert '<p class="help-result__label">At other times</p>' in html
    assert "does not match your answer" in html


def test_any_time_is_flexible_and_keeps_every_time(client):
    afternoon = ClassPageFactory(venue=venue_at("E1 6AW"), sessions=TUESDAY_AFTERNOON)
    morning = ClassPageFactory(venue=venue_at("E1 6AN"), sessions=MONDAY_MORNING)
    response, results = results_for(client, when=["any", "morning"])
    assert set(results.matches) == {afternoon, morning}
    assert Reason("Tuesday afternoon", True) in shown(results.matches, afternoon).match_reasons
    assert "you said" not in " ".join(texts(shown(results.matches, afternoon)))
    assert "time=" not in response.context["find_query"]


def test_a_creche_answer_keeps_only_classes_with_a_creche(client):
    venue = venue_at("E1 6AW")
    creche = ClassPageFactory(venue=venue, childcare=ClassPage.Childcare.CRECHE)
    ClassPageFactory(venue=venue, childcare=ClassPage.Childcare.SUPPORT)
    ClassPageFactory(venue=venue, childcare=ClassPage.Childcare.NONE)
    response, results = results_for(client, childcare="yes")
    assert results.matches == [creche]
    assert Reason("Crèche on site — you asked for a crèche", True) in shown(results.matches, creche).match_reasons
    assert "childcare=on" in response.context["find_query"]
    _, results = results_for(client, childcare="no")
    assert len(results.matches) == 3


def test_full_classes_come_after_open_ones_with_the_waiting_list(client):
    full = ClassPageFactory(title="Full class", venue=venue_at("E1 6AN"), capacity=12, enrolled=12)
    waiting = ClassPageFactory(
        title="Waiting class", venue=venue_at("E1 6AN"), places_status=ClassPage.Places.WAITING_LIST
    )
    open_farther = ClassPageFactory(title="Open class", venue=venue_at("E1 6AW"), capacity=12, enrolled=4)
    response, results = results_for(client)
    assert results.matches[0] == open_farther
    assert set(results.matches[1:]) == {full, waiting}
    assert not shown(results.matches, full).open_now and results.matches[0].open_now
    html = response.content.decode()
    assert html.index("Open class") < html.index("Full class")
    assert "<strong>Full</strong> – no places now. You can join the waiting list." in html
    assert "<strong>Waiting list</strong> – no places now. You can join the waiting list." in html
    assert reverse("finder:join_waiting_list", kwargs={"class_id": full.pk}) in html
    assert reverse("finder:join_waiting_list", kwargs={"class_id": open_farther.pk}) not in html


def test_online_classes_when_nothing_near_meets_the_answers(client):
    entry_1, entry_3 = Level.objects.get(code="entry-1"), Level.objects.get(code="entry-3")
    ClassPageFactory(venue=venue_at("E1 6AW"), levels=[entry_3])  # near, but not the learner's level
    online = ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE, levels=[entry_1])
    ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE, levels=[entry_3])
    response, results = results_for(client, level="entry-1")
    assert results.matches == []
    assert results.online == [online]
    assert Reason("Entry 1 (A1) — your level", True) in shown(results.online, online).match_reasons
    assert Reason("Online: you study from home") in shown(results.online, online).match_reasons
    html = response.content.decode()
    assert "Online classes that fit your answers" in html
    assert '<p class="help-result__label">Online</p>' in html


def test_online_classes_are_not_offered_when_a_class_near_fits(client):
    near = ClassPageFactory(venue=venue_at("E1 6AW"))
    ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    _, results = results_for(client)
    assert (results.matches, results.online) == ([near], [])


def test_free_answers_and_might_get_it_free(client):
    venue = venue_at("E1 6AW")
    maybe = ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE_IF_ELIGIBLE, eligibility="On benefits")
    free = ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE)
    ClassPageFactory(venue=venue, cost=ClassPage.Cost.FEE, fee_amount=90, fee_unit="term")
    _, results = results_for(client, free="yes")
    assert results.matches == [free]
    assert Reason("Free", True) in shown(results.matches, free).match_reasons
    response, results = results_for(client, free="maybe")
    assert results.matches == [free, maybe]  # surely free is the better fit
    assert (
        Reason("Free if eligible — you said you might get it free", True) in shown(results.matches, maybe).match_reasons
    )
    assert "free=on&eligible=yes" in response.context["find_query"]
    assert f'href="{reverse("finder:free_checker")}"' in response.content.decode()
    _, results = results_for(client, free="no")
    assert len(results.matches) == 3


def test_dont_know_my_level_means_an_assessment_to_walk_into_or_book(client):
    venue = venue_at("E1 6AW")
    book = ClassPageFactory(venue=venue_at("E1 6AN"), how_to_join=ClassPage.HowToJoin.BOOK)
    drop_in = ClassPageFactory(venue=venue, how_to_join=ClassPage.HowToJoin.DROP_IN)
    ClassPageFactory(venue=venue, how_to_join=ClassPage.HowToJoin.REFERRAL, referral_by=["jobcentre"])
    response, results = results_for(client, level="dont-know")
    assert results.matches == [drop_in, book]  # walk-in first, though farther
    assert (
        Reason("Come to a drop-in assessment — they will find your level", True)
        in shown(results.matches, drop_in).match_reasons
    )
    assert "a short talk and test to find your level" in response.content.decode()
    assert "level=" not in response.context["find_query"]


def test_reasons_are_read_as_words_not_only_ticks(client):
    page = ClassPageFactory(
        venue=venue_at("E1 6AW"), sessions=MONDAY_MORNING, childcare=ClassPage.Childcare.CRECHE, women_only=True
    )
    response, results = results_for(client, when=["morning"], childcare="yes", free="yes", level="entry-1")
    lines = texts(shown(results.matches, page))
    assert lines[:4] == [
        "Monday morning — you said mornings",
        "Entry 1 (A1) — your level",
        "Crèche on site — you asked for a crèche",
        "Free",
    ]
    assert lines[4].endswith(" km away") and lines[5] == "Women only"
    html = response.content.decode()
    assert html.count('<span class="help-reason__icon" aria-hidden="true">✓</span>') == 4
    assert html.count("matches your answer") == 4
    assert "Women only" in html


def test_the_full_finder_link_carries_the_same_answers(client):
    response, _ = results_for(client, when=["morning", "evening"], childcare="yes", level="entry-2")
    query = response.context["find_query"]
    for part in ("where=E1+6AN", "level=entry-2", "time=morning", "time=evening", "childcare=on"):
        assert part in query
    assert "weekends" not in query
    response, _ = results_for(client, when=["weekend"])
    assert "weekends=on" in response.context["find_query"]


def test_your_answers_are_listed_with_links_to_change_them(client):
    response, _ = results_for(client, when=["morning"], childcare="yes", free="maybe", level="dont-know")
    rows = response.context["your_answers"]
    assert [answer for _question, answer, _url in rows] == [
        "E1 6AN",
        "I don't know",
        "Mornings",
        "Yes, I need a crèche",
        "I might get it free",
    ]
    assert rows[2][2].startswith(HELP) and "step=3" in rows[2][2] and "when=morning" in rows[2][2]


def test_bad_answers_become_messages_not_errors(client):
    response = client.get(HELP, {"step": "6", "where": "E1 6AN", "when": ["noon"], "free": "perhaps"})
    assert response.status_code == 200
    assert response.context["step_name"] == "when"
    assert "Choose one of the answers." in response.content.decode()


def test_the_results_cost_the_same_queries_however_many_classes_fit(client):
    def queries_with(count: int) -> int:
        while ClassPage.objects.count() < count:
            full = ClassPage.objects.count() % 2 == 1  # every other class is full
            ClassPageFactory(venue=venue_at("E1 6AW"), sessions=MONDAY_MORNING, capacity=5, enrolled=5 if full else 0)
        with CaptureQueriesContext(connection) as captured:
            _, results = results_for(client, when=["morning"], free="maybe", level="entry-1")
        assert len(results.matches) == count
        return len(captured)

    queries_with(1)  # the place is looked up once, then cached
    assert queries_with(2) == queries_with(8)
