"""Searches on /find/ are counted by day, borough and level (finder/search/demand.py), once, without a cookie."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devtools.factories import ClassPageFactory, venue_at
from finder.models import Level, SearchDemand
from finder.search.demand import searched_borough
from tests.concurrency import at_the_same_moment, connections_that_wait  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("geography")
FIND = reverse("finder:find")
TOWER_HAMLETS = "E09000030"


def counts():
    """(borough, level): (searches, without results), over every day."""
    totals = {}
    for d in SearchDemand.objects.all():
        searches, without = totals.get((d.borough_code, d.level_code), (0, 0))
        totals[(d.borough_code, d.level_code)] = (searches + d.searches, without + d.without_results)
    return totals


def test_a_search_from_an_e1_postcode_counts_one_for_tower_hamlets(client):
    ClassPageFactory(venue=venue_at("E1 6AN"))
    response = client.get(FIND, {"where": "E1 6RB"})
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 1
    assert counts() == {(TOWER_HAMLETS, ""): (1, 0)}
    assert SearchDemand.objects.get().day == timezone.localdate()


def test_a_search_with_no_results_counts_as_without_and_keeps_its_one_level(client):
    entry_1 = Level.objects.get(code="entry-1")
    client.get(FIND, {"where": "E1 6RB", "level": "entry-1"})
    client.get(FIND, {"where": "E1 6RB", "level": "entry-1"})
    client.get(FIND, {"where": "E1 6RB", "level": ["entry-1", "entry-2"]})  # several levels: "any or several"
    assert entry_1.code == "entry-1"
    assert counts() == {(TOWER_HAMLETS, "entry-1"): (2, 2), (TOWER_HAMLETS, ""): (1, 1)}


def test_page_two_print_head_and_robots_are_not_counted(client):
    for _ in range(12):
        ClassPageFactory(venue=venue_at("E1 6AN"))
    assert client.get(FIND, {"where": "E1 6RB", "page": "2"}).context["page_obj"].number == 2
    assert client.get(FIND, {"where": "E1 6RB", "print": "1"}).status_code == 200
    assert client.head(FIND, {"where": "E1 6RB"}).status_code == 200
    for agent in ("Googlebot/2.1", "Mozilla/5.0 (compatible; YandexSpider)", "CCBot crawler"):
        assert client.get(FIND, {"where": "E1 6RB"}, headers={"User-Agent": agent}).status_code == 200
    assert counts() == {}
    client.get(FIND, {"where": "E1 6RB"}, headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    assert counts() == {(TOWER_HAMLETS, ""): (1, 0)}


def test_places_outside_london_unknown_places_and_my_location_are_not_counted(client):
    client.get(FIND, {"where": "Nowhere-on-earth"})
    client.get(FIND, {"where": "E1 6RB", "mode": "online"})  # online, from Tower Hamlets: still a London search
    client.get(FIND, {"lat": "51.515", "lon": "-0.07"})  # no place named: no borough
    assert counts() == {(TOWER_HAMLETS, ""): (1, 1)}
    assert searched_borough("") == "" and searched_borough("Nowhere-on-earth") == ""


def test_a_place_name_counts_for_the_borough_of_its_outcode(client):
    client.get(FIND, {"where": "Peckham"})
    assert counts() == {("E09000028", ""): (1, 1)}  # SE15: Southwark


def test_the_response_sets_no_cookie_and_is_the_same_as_before(client):
    ClassPageFactory(venue=venue_at("E1 6AN"))
    counted = client.get(FIND, {"where": "E1 6RB"})
    assert not counted.cookies and "Set-Cookie" not in counted.headers
    not_counted = client.get(FIND, {"where": "E1 6RB"}, headers={"User-Agent": "Examplebot"})
    assert counts() == {(TOWER_HAMLETS, ""): (1, 0)}
    assert counted.content == not_counted.content
    assert sorted(counted.headers.items()) == sorted(not_counted.headers.items())


def test_counting_is_one_statement_whether_or_not_the_days_row_exists(client):
    for searches in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            client.get(FIND, {"where": "E1 6RB"})
        writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE", "WITH"}]
        assert len(writes) == 1 and "finder_searchdemand" in writes[0] and "ON CONFLICT" in writes[0]
        assert counts() == {(TOWER_HAMLETS, ""): (searches, searches)}


@pytest.mark.usefixtures("connections_that_wait")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_searches_at_the_same_moment_both_count():
    day = timezone.localdate()
    results = at_the_same_moment(
        lambda: SearchDemand.objects.count_search(day, TOWER_HAMLETS, "entry-1", found=True),
        lambda: SearchDemand.objects.count_search(day, TOWER_HAMLETS, "entry-1", found=False),
    )
    assert results == [None, None]
    assert counts() == {(TOWER_HAMLETS, "entry-1"): (2, 1)}


def test_the_demo_search_demand_loads_twice_as_once():
    import io

    from devtools.demo_demand import load_demand_demo

    load_demand_demo(io.StringIO())
    first = counts() | {("rows", ""): (SearchDemand.objects.count(), 0)}
    load_demand_demo(io.StringIO())
    assert counts() | {("rows", ""): (SearchDemand.objects.count(), 0)} == first
    assert SearchDemand.objects.values("borough_code").distinct().count() == 33
    assert SearchDemand.objects.dates("day", "month").count() >= 6
