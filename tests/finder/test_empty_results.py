"""/find/ never leaves a learner at a dead end: empty and thin results say so and offer ways forward whose
counts are what their links show; postcodes outside London get their own message; the printed list too."""

import re
from html import unescape

import pytest
from django.urls import reverse

from devtools.factories import ClassPageFactory, venue_at
from finder.geography.models import Outcode, Postcode, Sector
from finder.models import ClassPage
from finder.search.suggestions import MAX_REMOVALS

pytestmark = pytest.mark.usefixtures("geography")
FIND = reverse("finder:find")
OUTSIDE = "That postcode is outside London. This finder lists classes in London."


def links(html: str) -> dict[str, str]:
    """Link text → href, for the links of the suggestions section."""
    section = html.split('id="suggestions-heading"')[1].split("</section>")[0]
    return {
        re.sub(r"<[^>]+>|\s+", " ", unescape(text)).strip(): unescape(href)
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', section, re.S)
    }


def follow(client, href: str):
    assert href.startswith("?")
    return client.get(FIND + href)


def test_nothing_in_range_says_so_and_offers_the_nearest_classes_further_away(client):
    # SE1 7PB is about 3.7 km from E1 6AN; nothing within 1 km.
    further = ClassPageFactory(title="Waterloo English", venue=venue_at("SE1 7PB"))
    response = client.get(FIND, {"where": "E1 6AN", "radius": "1"})
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 0
    assert "No classes found" in html
    assert "No classes match your search" in html
    assert [item.pk for item in response.context["suggestions"].nearby] == [further.pk]
    assert re.search(r"Waterloo English</span></a> – \d\.\d km away", html)
    found = links(html)
    assert found["Search within 5 km"] == "?where=E1+6AN&radius=5"
    assert list(follow(client, found["Search within 5 km"]).context["page_obj"].object_list) == [further]


def test_online_classes_and_removing_each_filter_are_counted_right(client):
    venue = venue_at("E1 6AN")
    ClassPageFactory(
        venue=venue, childcare=ClassPage.Childcare.CRECHE, cost=ClassPage.Cost.FEE, fee_amount=5, fee_unit="term"
    )
    ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE, women_only=True)
    ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE, sessions=[(0, "18:00", "20:00")])
    for _ in range(2):
        ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE, childcare=ClassPage.Childcare.CRECHE)
    query = {"where": "E1 6AN", "childcare": "on", "free": "on", "time": "morning"}
    response = client.get(FIND, query)
    assert response.context["page_obj"].paginator.count == 0
    found = links(response.content.decode())
    # Each link's count is what the link then shows.
    expected = {
        "See 2 online classes with your choices": 2,
        "Without “Free classes only”: 1 class": 1,
        "Without “Crèche on site”: 1 class": 1,
    }
    assert set(found) == set(expected), found
    for text, count in expected.items():
        assert follow(client, found[text]).context["page_obj"].paginator.count == count, text
    assert "mode=online" in found["See 2 online classes with your choices"]
    assert "childcare" not in found["Without “Crèche on site”: 1 class"]
    # No suggestion for a filter whose removal finds nothing more ("Time of day": still none).
    assert not any("Time of day" in text for text in found)


def test_thin_results_show_the_same_suggestions_below_them(client):
    venue = venue_at("E1 6AN")
    creche = ClassPageFactory(venue=venue, childcare=ClassPage.Childcare.CRECHE)
    for _ in range(3):
        ClassPageFactory(venue=venue)
    response = client.get(FIND, {"where": "E1 6AN", "childcare": "on"})
    assert list(response.context["page_obj"].object_list) == [creche]
    html = response.content.decode()
    assert "1 class found" in html and "Want more classes?" in html
    assert "Without “Crèche on site”: 4 classes" in links(html)
    plenty = client.get(FIND, {"where": "E1 6AN"})
    assert not plenty.context["suggestions"] and 'id="suggestions-heading"' not in plenty.content.decode()


def test_the_extra_work_is_bounded(client, django_assert_max_num_queries):
    ClassPageFactory(venue=venue_at("E1 6AN"))
    many = {
        "where": "E1 6AN",
        **dict.fromkeys(("free", "childcare", "women_only", "step_free", "places", "weekends"), "on"),
        "time": "evening",
        "starts": "now",
    }
    with django_assert_max_num_queries(12 + MAX_REMOVALS + 2) as queries:
        response = client.get(FIND, many)
    assert response.context["page_obj"].paginator.count == 0
    counts = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT COUNT")]
    assert len(counts) <= 1 + MAX_REMOVALS + 1  # the search, at most six filters, online


def test_a_postcode_outside_london_gets_a_clear_message_and_a_way_to_online_classes(client):
    ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    # Not in the committed London cut: a full postcode we do not hold, then its area (as with the full import).
    response = client.get(FIND, {"where": "M1 1AE", "free": "on"})
    assert response.status_code == 200
    assert "We couldn&#x27;t find the postcode M1 1AE" in response.content.decode()  # unknown stays unknown
    Outcode.objects.create(
        code="M1", latitude=53.4776, longitude=-2.2336, postcode_count=1000, district_code="E08000003"
    )
    Sector.objects.create(
        code="M1 1", latitude=53.4794, longitude=-2.2384, postcode_count=300, district_code="E08000003"
    )
    for where in ("M1 1AE", "M1", "m1 1"):
        response = client.get(FIND, {"where": where, "free": "on"})
        html = response.content.decode()
        assert response.status_code == 200 and response.context["page_obj"] is None
        assert OUTSIDE in html, where
        assert 'href="?free=on&amp;mode=online"' in html
    online = client.get(FIND, {"free": "on", "mode": "online"})
    assert online.context["page_obj"].paginator.count == 1
    # A postcode we hold (as with the whole of GB imported) in a district outside London.
    Postcode.objects.create(postcode="M1 1AD", latitude=53.48, longitude=-2.24, district_code="E08000003")
    assert OUTSIDE in client.get(FIND, {"where": "M1 1AD"}).content.decode()


def test_border_areas_with_london_postcodes_are_searched(client):
    # DA1 is counted in Dartford but holds Bexley postcodes (DA1 3LD); HA6 3 likewise for Hillingdon.
    for where in ("DA1", "HA6 3", "DA1 3LD"):
        response = client.get(FIND, {"where": where})
        assert response.context["page_obj"] is not None, where
        assert OUTSIDE not in response.content.decode()
    response = client.get(FIND, {"where": "DA1 9ZZ"})
    assert "We couldn&#x27;t find the postcode DA1 9ZZ" in response.content.decode()


def test_an_online_search_from_outside_london_is_fine(client):
    Outcode.objects.create(
        code="M1", latitude=53.4776, longitude=-2.2336, postcode_count=1000, district_code="E08000003"
    )
    online = ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    response = client.get(FIND, {"where": "M1", "mode": "online"})
    assert list(response.context["page_obj"].object_list) == [online]
    assert OUTSIDE not in response.content.decode()


def test_print_view_lists_the_choices_and_says_when_nothing_matched(client):
    ClassPageFactory(venue=venue_at("SE1 7PB"))
    response = client.get(
        FIND, {"where": "E1 6AN", "radius": "1", "childcare": "on", "level": ["entry-1", "entry-2"], "print": "1"}
    )
    html = response.content.decode()
    assert response.templates[0].name == "pages/find_classes_print.html"
    choices = html.split("Your choices")[1].split("</ul>")[0]
    assert "Level: Entry 1 (A1), Entry 2 (A2)" in choices and "Crèche on site" in choices
    assert "No classes found" in html and "No classes match" in html
    assert "Near E1 6AN, within 1 km." in html


def test_print_view_without_a_place_is_never_blank(client):
    html = client.get(FIND, {"print": "1"}).content.decode()
    assert "There is a problem" in html and "Enter a postcode or a place" in html
