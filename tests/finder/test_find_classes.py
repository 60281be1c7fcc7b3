"""/find/: search by place, distance in the database, pagination, print view."""

import datetime

import pytest
from django.urls import reverse
from geopy.distance import geodesic

from devtools.factories import ClassPageFactory, venue_at
from finder.models import ClassPage
from tests.geodata import place_rows, postcode_row

pytestmark = pytest.mark.usefixtures("geography")
FIND = reverse("finder:find")


def point(postcode):
    row = postcode_row(postcode)
    return float(row["lat"]), float(row["lon"])


def test_empty_page_shows_the_form_only(client):
    response = client.get(FIND)
    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert b"<h1>" in response.content and response.content.count(b"<h1") == 1


def test_results_are_nearest_first_with_geodesic_distances(client):
    # Peckham (SE15 5AA) searched from SE15 4QS; Whitechapel is ~6 km away, Croydon far away.
    near = ClassPageFactory(venue=venue_at("SE15 5AA"))
    middle = ClassPageFactory(venue=venue_at("E1 6AN"))
    far = ClassPageFactory(venue=venue_at("CR0 1NX"))
    response = client.get(FIND, {"where": "SE15 4QS", "radius": "10"})
    results = list(response.context["page_obj"].object_list)
    assert results == [near, middle]
    assert far not in results
    origin = point("SE15 4QS")
    for item, postcode in zip(results, ["SE15 5AA", "E1 6AN"], strict=True):
        assert item.distance_km == pytest.approx(geodesic(origin, point(postcode)).km, abs=0.001)
    assert f"{results[0].distance_km:.1f} km".encode() in response.content


def test_radius_limits_results_by_true_distance(client):
    origin = point("SE15 4QS")
    venues = [venue_at(p) for p in ("SE15 5AA", "SE5 8RS", "SE1 7PB", "E1 6AN")]
    classes = [ClassPageFactory(venue=v) for v in venues]
    for radius in (1, 2, 5):
        response = client.get(FIND, {"where": "SE15 4QS", "radius": str(radius)})
        found = set(response.context["page_obj"].paginator.object_list)
        expected = {c for c, v in zip(classes, venues, strict=True) if geodesic(origin, point(v.postcode)).km <= radius}
        assert found == expected


def test_place_name_and_outcode_search(client):
    klass = ClassPageFactory(venue=venue_at("SE15 5AA"))
    assert place_rows("Peckham")
    for where in ("Peckham", "SE15"):
        response = client.get(FIND, {"where": where})
        assert list(response.context["page_obj"].object_list) == [klass]


def test_use_my_location_coordinates(client):
    klass = ClassPageFactory(venue=venue_at("E1 6AN"))
    lat, lon = point("E1 6AN")
    response = client.get(FIND, {"lat": str(lat), "lon": str(lon), "radius": "1"})
    assert list(response.context["page_obj"].object_list) == [klass]
    assert response.context["page_obj"].object_list[0].distance_km == pytest.approx(0, abs=0.001)


def test_location_outside_london_is_refused(client):
    response = client.get(FIND, {"lat": "53.48", "lon": "-2.24"})
    assert response.status_code == 200
    assert "outside London" in str(response.context["place_form"].errors["where"])


def test_ended_and_draft_classes_are_hidden(client):
    venue = venue_at("E1 6AN")
    live = ClassPageFactory(venue=venue)
    ClassPageFactory(venue=venue, live=False)
    ClassPageFactory(venue=venue, start_date=None, end_date=datetime.date(2020, 1, 1))
    response = client.get(FIND, {"where": "E1 6AN"})
    assert list(response.context["page_obj"].paginator.object_list) == [live]


def test_online_classes_only_when_asked(client):
    online = ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    nearby = ClassPageFactory(venue=venue_at("E1 6AN"))
    response = client.get(FIND, {"where": "E1 6AN"})
    assert list(response.context["page_obj"].object_list) == [nearby]
    response = client.get(FIND, {"mode": "online"})
    assert list(response.context["page_obj"].object_list) == [online]
    assert response.context["page_obj"].object_list[0].distance_km is None


def test_sort_by_soonest_start(client):
    later = ClassPageFactory(
        venue=venue_at("E1 6AN"), start_date=datetime.date(2030, 1, 7), end_date=datetime.date(2030, 3, 29)
    )
    sooner = ClassPageFactory(venue=venue_at("E1 7AA"), rolling_enrolment=True)
    response = client.get(FIND, {"where": "E1 6AN", "sort": "soonest"})
    assert list(response.context["page_obj"].object_list) == [sooner, later]


def test_pagination_keeps_the_query_and_uses_few_queries(client, django_assert_max_num_queries):
    venue = venue_at("E1 6AN")
    for _ in range(12):
        ClassPageFactory(venue=venue, sessions=[(0, "10:00", "12:00"), (2, "18:00", "20:00")])
    response = client.get(FIND, {"where": "E1 6AN", "free": "on"})
    page = response.context["page_obj"]
    assert (page.number, page.paginator.num_pages, len(page.object_list)) == (1, 2, 10)
    assert b"free=on&amp;page=2" in response.content or b"page=2" in response.content
    with django_assert_max_num_queries(15):
        response = client.get(FIND, {"where": "E1 6AN", "free": "on", "page": "2"})
    assert len(response.context["page_obj"].object_list) == 2
    response = client.get(FIND, {"where": "E1 6AN", "page": "9"})
    assert "no page 9" in str(response.context["place_form"].errors["page"])


def test_result_card_shows_the_facts(client):
    ClassPageFactory(
        venue=venue_at("E1 6AN"),
        childcare=ClassPage.Childcare.CRECHE,
        women_only=True,
        places_status=ClassPage.Places.FEW,
        sessions=[(1, "18:00", "20:00")],
    )
    html = client.get(FIND, {"where": "E1 6AN"}).content.decode()
    for text in ("Crèche", "Women only", "Few places left", "Tuesday 18:00–20:00", "Entry 1", "Free", "Next start"):
        assert text in html


def test_print_view(client):
    ClassPageFactory(venue=venue_at("E1 6AN"), contact_phone="020 7946 0000")
    response = client.get(FIND, {"where": "E1 6AN", "print": "1"})
    assert response.templates[0].name == "pages/find_classes_print.html"
    assert "020 7946 0000" in response.content.decode()


def test_a_typed_place_wins_over_an_earlier_location(client):
    ClassPageFactory(venue=venue_at("E1 6AN"))
    peckham = ClassPageFactory(venue=venue_at("SE15 5AA"))
    lat, lon = point("E1 6AN")
    response = client.get(FIND, {"where": "SE15 5AA", "lat": str(lat), "lon": str(lon), "radius": "1"})
    assert list(response.context["page_obj"].object_list) == [peckham]


def test_dense_searches_count_up_to_a_cap_and_still_page_nearest_first():
    """Pages come from a smaller circle when it already holds them; they must match a full sort."""
    from finder.search import queries

    postcodes = ["SE15 5AA", "SE15 4QS", "SE5 8RS", "SE1 7PB", "E1 6AN", "E1 7AA", "N1 1AA", "SE15 5AA", "SE15 4QS"]
    for postcode in postcodes:
        ClassPageFactory(venue=venue_at(postcode))
    origin = point("SE15 4QS")
    expected = sorted(ClassPage.objects.all(), key=lambda c: geodesic(origin, (c.venue.latitude, c.venue.longitude)).km)
    radii = []

    def build(km):
        radii.append(km)
        return queries.near_classes(*origin, km)

    capped = queries.NearbyPaginator(build, 20, per_page=2, cap=7)
    assert (capped.count, capped.capped) == (7, True)
    shown = [item for number in capped.page_range for item in capped.page(number).object_list]
    assert [c.pk for c in shown] == [c.pk for c in expected[:7]]
    radii.clear()
    one_by_one = queries.NearbyPaginator(build, 20, per_page=1, cap=50)
    assert (one_by_one.count, one_by_one.capped) == (9, False)
    shown = [item for number in one_by_one.page_range for item in one_by_one.page(number).object_list]
    assert [c.pk for c in shown] == [c.pk for c in expected]
    assert min(radii) < 20


def test_the_finder_page_counts_to_its_own_cap_and_the_api_further(client, monkeypatch):
    """Past FINDER_COUNT_CAP the page says "more than" and how to narrow; the open data API counts to COUNT_CAP."""
    from finder.search import queries, views

    monkeypatch.setattr(views, "FINDER_COUNT_CAP", 2)
    assert queries.FINDER_COUNT_CAP < queries.COUNT_CAP
    for postcode in ("E1 6AN", "E1 6AW", "E1 7AA"):
        ClassPageFactory(venue=venue_at(postcode))
    response = client.get(FIND, {"where": "E1 6AN", "radius": "5"})
    html = response.content.decode()
    assert (response.context["page_obj"].paginator.count, response.context["page_obj"].paginator.capped) == (2, True)
    assert "More than 2 classes found" in html and "Add choices or a smaller distance" in html
    api = client.get("/openreferral/service_at_locations", {"postcode": "E1 6AN", "proximity": "5000"}).json()
    assert (api["total_items"], api["total_items_capped"]) == (3, False)
