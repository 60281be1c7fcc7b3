"""What a learner needs to decide and act, structured and translated: filter meanings, costs with their unit,
crèche ages, joining, what to bring, access and places, on the class page and on result cards."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from devtools.factories import ClassPageFactory, venue_at
from finder.models import ClassPage
from finder.search.filters import ClassFilter
from finder.search.summaries import age_text, childcare_text, concession_text, cost_text, join_text, money
from finder.vocabularies import AccessFeature, FeeUnit, FreeReason, Referrer, ThingToBring

pytestmark = pytest.mark.usefixtures("geography")
FIND = reverse("finder:find")
TODAY = datetime.date(2026, 11, 3)
POUNDS_45_A_TERM = re.compile(r"£45(\.00)? a term")


def filtered(query: dict) -> set:
    filterset = ClassFilter(query, queryset=ClassPage.objects.current(TODAY), today=TODAY)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


@pytest.fixture
def venue():
    return venue_at("E1 6AN")


def test_free_means_free_for_everyone_unless_the_eligibility_check_says_the_learner_qualifies(venue):
    free = ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE)
    if_eligible = ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE_IF_ELIGIBLE, free_for=[FreeReason.BENEFITS])
    ClassPageFactory(venue=venue, cost=ClassPage.Cost.FEE, fee_amount=45, fee_unit=FeeUnit.TERM)
    assert filtered({"free": "on"}) == {free}
    assert filtered({"free": "on", "eligible": "yes"}) == {free, if_eligible}
    assert filtered({"free": "on", "eligible": "maybe"}) == {free}  # only the checker's "yes" counts
    assert len(filtered({"eligible": "yes"})) == 3  # on its own it narrows nothing


def test_creche_means_a_creche_not_help_to_pay(venue):
    creche = ClassPageFactory(venue=venue, childcare=ClassPage.Childcare.CRECHE)
    ClassPageFactory(venue=venue, childcare=ClassPage.Childcare.SUPPORT)
    ClassPageFactory(venue=venue, childcare=ClassPage.Childcare.NONE)
    assert filtered({"childcare": "on"}) == {creche}
    with translation.override("en-gb"):
        assert str(ClassFilter().form.fields["childcare"].label) == "Crèche on site"


def test_in_person_and_online_each_include_blended_classes(venue):
    in_person = ClassPageFactory(venue=venue, delivery_mode=ClassPage.DeliveryMode.IN_PERSON)
    blended = ClassPageFactory(venue=venue, delivery_mode=ClassPage.DeliveryMode.BLENDED)
    online = ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    assert filtered({"mode": "in_person"}) == {in_person, blended}
    assert filtered({"mode": "online"}) == {online, blended}
    assert filtered({"mode": "blended"}) == {blended}


def test_online_search_shows_blended_classes_near_the_learner_only(client, venue):
    online = ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    near = ClassPageFactory(venue=venue, delivery_mode=ClassPage.DeliveryMode.BLENDED)
    ClassPageFactory(venue=venue_at("CR0 1NX"), delivery_mode=ClassPage.DeliveryMode.BLENDED)
    response = client.get(FIND, {"where": "E1 6AN", "mode": "online"})
    assert set(response.context["page_obj"].object_list) == {online, near}
    response = client.get(FIND, {"mode": "online"})
    assert set(response.context["page_obj"].object_list) == {online}


def test_results_say_when_free_includes_free_if_eligible_with_a_way_back(client, venue):
    ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE_IF_ELIGIBLE, free_for=[FreeReason.REFUGEE])
    response = client.get(FIND, {"where": "E1 6AN", "free": "on", "eligible": "yes"})
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 1
    assert "Including classes free for people like you, from your answers" in html
    assert 'href="?where=E1+6AN&amp;free=on"' in html
    assert '<input type="hidden" name="eligible" value="yes">' in html  # kept when the learner searches again
    without = client.get(FIND, {"where": "E1 6AN", "free": "on"})
    assert without.context["page_obj"].paginator.count == 0
    assert "people like you" not in without.content.decode()


def test_money_and_fees_say_amount_and_unit():
    page = ClassPage(cost=ClassPage.Cost.FEE, fee_amount=45, fee_unit=FeeUnit.TERM, concession_fee=20)
    assert POUNDS_45_A_TERM.fullmatch(cost_text(page))
    assert re.fullmatch(r"£20(\.00)? a term if you are on a low income", concession_text(page))
    page.fee_unit, page.fee_amount = FeeUnit.HOUR, 7.5
    assert cost_text(page) == "£7.50 an hour"
    assert cost_text(ClassPage(cost=ClassPage.Cost.FREE)) == "free"
    assert concession_text(ClassPage(cost=ClassPage.Cost.FREE, concession_fee=5)) == ""
    with translation.override("pl"):
        assert "45" in money(45) and ("GBP" in money(45) or "£" in money(45))


def test_creche_ages_in_months_and_years():
    assert [age_text(m) for m in (1, 6, 12, 18, 24, 48)] == [
        "1 month",
        "6 months",
        "1 year",
        "18 months",
        "2 years",
        "4 years",
    ]
    page = ClassPage(childcare=ClassPage.Childcare.CRECHE, creche_from_months=6, creche_to_months=48)
    assert childcare_text(page) == "Crèche on site for children from 6 months to 4 years"
    page.creche_from_months = None
    assert childcare_text(page) == "Crèche on site for children up to 4 years"
    assert childcare_text(ClassPage(childcare=ClassPage.Childcare.SUPPORT)) == "Help to pay for childcare"


def test_how_to_join():
    page = ClassPage(
        how_to_join=ClassPage.HowToJoin.DROP_IN,
        drop_in_weekday=0,
        drop_in_start=datetime.time(10),
        drop_in_end=datetime.time(12),
    )
    assert join_text(page) == "Come to a drop-in assessment on Monday 10:00–12:00"
    assert join_text(ClassPage(how_to_join=ClassPage.HowToJoin.BOOK)) == "Book an assessment"


@pytest.fixture
def full_class():
    venue = venue_at(
        "E1 6AN",
        step_free_access=True,
        access_features=[AccessFeature.HEARING_LOOP, AccessFeature.LIFT],
        transport_notes="Aldgate East station.",
    )
    return ClassPageFactory(
        venue=venue,
        cost=ClassPage.Cost.FEE,
        fee_amount=45,
        fee_unit=FeeUnit.TERM,
        concession_fee=20,
        eligibility="Ask us about the fee waiver.",
        how_to_join=ClassPage.HowToJoin.REFERRAL,
        referral_by=[Referrer.JOBCENTRE, Referrer.COUNCIL],
        what_to_bring=[ThingToBring.PHOTO_ID, ThingToBring.PROOF_OF_ADDRESS],
        joining_notes="Ring Amina first.",
        childcare=ClassPage.Childcare.CRECHE,
        creche_from_months=6,
        creche_to_months=48,
        capacity=12,
        enrolled=12,
        next_intake=datetime.date.today() + datetime.timedelta(days=60),
    )


def test_class_page_shows_every_fact_structured(client, full_class):
    html = client.get(full_class.url).content.decode()
    assert POUNDS_45_A_TERM.search(html)
    assert re.search(r"£20(\.00)? a term if you are on a low income", html)
    for text in [
        "Crèche on site for children from 6 months to 4 years",
        "Referral only",
        "Jobcentre Plus",
        "The council",
        "What to bring",
        "Photo ID, for example a passport",
        "Proof of address, for example a bill",
        "Step-free access.",
        "Hearing loop",
        "Lift to all floors",
        "Full",
        "Next start date:",
        "This class is full.",
    ]:
        assert text in html, text


def test_the_providers_own_words_are_marked_as_english(client, full_class):
    html = client.get(full_class.url).content.decode()
    section = html.split("In the provider’s own words")[1].split("</section>")[0]
    for text in ("Ask us about the fee waiver.", "Ring Amina first.", "Aldgate East station."):
        assert re.search(r'<dd><span lang="en" dir="auto">' + re.escape(text), section), text
    bare = ClassPageFactory(venue=venue_at("E1 6AN"))
    assert "own words" not in client.get(bare.url).content.decode()


def test_the_providers_titles_and_summaries_read_as_english_on_an_arabic_page(client):
    page = ClassPageFactory(
        title="Monday <b>ESOL</b>", summary="Speaking practice, at the library.", venue=venue_at("E1 6AN")
    )
    with translation.override("ar"):
        url = page.get_url()
        html = client.get(url).content.decode()
        results = client.get(reverse("finder:find"), {"where": "E1 6AN"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1><span lang="en" dir="auto">Monday &lt;b&gt;ESOL&lt;/b&gt;</span></h1>' in html
    assert '<p class="lead"><span lang="en" dir="auto">Speaking practice, at the library.</span></p>' in html
    assert "<b>ESOL</b>" not in html  # the provider's text is still escaped
    assert f'<a href="{url}"><span lang="en" dir="auto">Monday &lt;b&gt;ESOL&lt;/b&gt;</span></a>' in results


def test_free_if_eligible_lists_who_can_get_it_free(client):
    page = ClassPageFactory(
        venue=venue_at("E1 6AN"),
        cost=ClassPage.Cost.FREE_IF_ELIGIBLE,
        free_for=[FreeReason.BENEFITS, FreeReason.ASYLUM],
    )
    html = client.get(page.url).content.decode()
    assert "Free if eligible" in html
    assert "You get benefits, for example Universal Credit" in html
    assert "You have waited 6 months or more for an asylum decision" in html
    assert "You are looking for work" not in html


def test_result_cards_show_the_short_facts_without_a_query_per_card(client, django_assert_max_num_queries, full_class):
    html = client.get(FIND, {"where": "E1 6AN"}).content.decode()
    assert POUNDS_45_A_TERM.search(html)
    assert "Referral only" in html and "Crèche on site" in html and "Next start date:" in html
    for _ in range(3):
        ClassPageFactory(venue=full_class.venue, sessions=[(0, "10:00", "12:00"), (2, "18:00", "20:00")])
    with django_assert_max_num_queries(12) as few:
        client.get(FIND, {"where": "E1 6AN"})
    for _ in range(5):
        ClassPageFactory(venue=venue_at("E1 7AA"), sessions=[(0, "10:00", "12:00")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(FIND, {"where": "E1 6AN"})


def test_the_waiting_list_link_appears_only_when_the_route_exists(client, full_class):
    from django.urls import NoReverseMatch

    try:
        waiting = reverse("finder:join_waiting_list", kwargs={"class_id": full_class.pk})
    except NoReverseMatch:
        waiting = None
    for html in (client.get(full_class.url).content.decode(), client.get(FIND, {"where": "E1 6AN"}).content.decode()):
        assert ("Join the waiting list" in html) == (waiting is not None)
        if waiting:
            assert f'href="{waiting}"' in html
