"""Open Referral UK 3.0 API parameters: each one filters as documented or is refused with a 400 that names it;
unknown ids are 404s; every response is JSON open to every origin; a page costs the same queries however many
records it holds. Schemas and records are in test_openreferral.py."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools.factories import ClassPageFactory, ProviderPageFactory, WorkplaceOfferPageFactory, venue_at
from finder.models import ClassPage, Language, Level
from finder.openreferral.ids import term_uid
from finder.openreferral.taxonomy import TAXONOMY, terms
from tests.finder import test_openreferral
from tests.finder.test_openreferral import assert_valid, get, sid

classes, offer = test_openreferral.classes, test_openreferral.offer  # the same fixtures

pytestmark = pytest.mark.usefixtures("geography")

# Parametrised ids must be the same in every pytest-xdist worker.
UNKNOWN_ID = "8d2f3c1e-5b0a-4c7e-9f21-6a4d0b3e7c55"


def names(client, path, **params) -> set[str]:
    response = get(client, path, per_page=100, **params)
    assert response.status_code == 200, response.json()
    return {row.get("name") or row["service"]["name"] for row in response.json()["contents"]}


def test_organization_id_filters_services_and_service_at_locations(client, classes, offer):
    provider = sid(classes["provider"])
    assert names(client, "/services", organization_id=provider) == {"Entry 1 with crèche", "English for care staff"}
    assert names(client, "/service_at_locations", organization_id=provider) == {"Entry 1 with crèche"}
    other = classes["whitechapel"].get_parent().specific
    assert names(client, "/services", organization_id=sid(other)) == {classes["whitechapel"].title}
    assert names(client, "/services", organization_id=str(uuid.uuid4())) == set()
    # Parameters are cumulative: the provider's services that are workplace offers.
    workplace = term_uid("taxonomy_term", "workplace-offer")
    assert names(client, "/services", organization_id=provider, taxonomy_term_id=workplace) == {
        "English for care staff"
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("level", {"peckham", "whitechapel", "online", "offer"}),
        ("level:entry-1", {"peckham", "online"}),
        ("level:entry-2", {"offer"}),
        ("childcare", {"peckham"}),
        ("creche", {"peckham"}),
        ("childcare-support", set()),
        ("women-only", {"peckham"}),
        ("strand", {"peckham"}),
        ("strand:childcare", {"peckham"}),
        ("strand:arts", set()),
        ("workplace-offer", {"offer"}),
        ("sector", {"offer"}),
        ("sector:care", {"offer"}),
        ("sector:retail", set()),
    ],
)
def test_taxonomy_term_id_filters_services(client, classes, offer, code, expected):
    listings = {**classes, "offer": offer}
    wanted = {listings[key].title for key in expected}
    assert names(client, "/services", taxonomy_term_id=term_uid("taxonomy_term", code)) == wanted
    at_venues = {listings[key].title for key in expected if key in ("peckham", "whitechapel")}
    assert names(client, "/service_at_locations", taxonomy_term_id=term_uid("taxonomy_term", code)) == at_venues


def test_taxonomy_id_filters_services_and_terms(client, classes, offer):
    assert len(names(client, "/services", taxonomy_id=TAXONOMY.id)) == 4
    assert len(names(client, "/service_at_locations", taxonomy_id=TAXONOMY.id)) == 2
    assert names(client, "/services", taxonomy_id=str(uuid.uuid4())) == set()
    assert get(client, "/taxonomy_terms", taxonomy_id=TAXONOMY.id).json()["total_items"] == len(terms())
    assert get(client, "/taxonomy_terms", taxonomy_id=str(uuid.uuid4())).json()["total_items"] == 0


def test_modified_after_means_on_or_after(client, classes):
    moment = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
    ClassPage.objects.update(last_published_at=moment - datetime.timedelta(days=30))
    ClassPage.objects.filter(pk=classes["peckham"].pk).update(last_published_at=moment)
    assert names(client, "/services", modified_after="2026-03-01T09:30:00Z") == {"Entry 1 with crèche"}
    assert names(client, "/services", modified_after="2026-03-01T10:30:00+01:00") == {"Entry 1 with crèche"}
    assert names(client, "/services", modified_after="2026-03-01") == {"Entry 1 with crèche"}
    assert names(client, "/services", modified_after="2026-03-01T09:30:01Z") == set()
    assert names(client, "/service_at_locations", modified_after="2026-03-01") == {"Entry 1 with crèche"}


def test_search_narrows_every_list(client, classes, offer):
    assert names(client, "/services", search="care staff") == {"English for care staff"}
    assert names(client, "/service_at_locations", search="ENTRY 1 WITH") == {"Entry 1 with crèche"}
    assert names(client, "/organizations", search="peckham") == {"Peckham Learning"}
    assert names(client, "/taxonomy_terms", search="crèche") == {"Crèche on site"}
    assert names(client, "/taxonomies", search="ESOL") == {TAXONOMY.name}
    assert names(client, "/taxonomies", search="nothing like it") == set()


def test_full_and_minimal_choose_how_much_is_written(client, classes, offer):
    summary = get(client, "/services", full="false").json()
    assert_valid(summary, "service_list.json")
    assert all("schedules" not in s and "attributes" not in s and s["organization"] for s in summary["contents"])
    minimal = get(client, "/services", minimal="true").json()
    assert {frozenset(s) for s in minimal["contents"]} == {frozenset({"id", "last_modified"})}
    full_rows = get(client, "/service_at_locations", full="true").json()
    assert_valid(full_rows, "service_at_location_list.json")
    assert all(row["service"]["schedules"] for row in full_rows["contents"])
    with_services = get(client, "/organizations", full="true").json()["contents"]
    peckham = next(o for o in with_services if o["id"] == sid(classes["provider"]))
    assert len(peckham["services"]) == 2 and all("schedules" not in s for s in peckham["services"])
    with_full = get(client, "/organizations", full_service="true").json()["contents"]
    assert all(s["schedules"] for o in with_full for s in o["services"])


def test_paging(client, classes):
    data = get(client, "/services").json()
    assert (data["page_number"], data["size"], data["first_page"], data["last_page"], data["empty"]) == (
        1,
        3,
        True,
        True,
        False,
    )
    beyond = get(client, "/services", page=7, per_page=2).json()
    assert (beyond["total_items"], beyond["total_pages"], beyond["contents"], beyond["empty"]) == (3, 2, [], True)
    assert get(client, "/services", per_page=200).status_code == 200
    first, second = (get(client, "/services", per_page=2, page=n).json()["contents"] for n in (1, 2))
    assert len({s["id"] for s in first + second}) == 3


def test_postcode_and_proximity(client, classes):
    near_outcode = get(client, "/service_at_locations", postcode="SE15").json()
    assert [row["service"]["name"] for row in near_outcode["contents"]] == ["Entry 1 with crèche"]
    assert near_outcode["total_items_capped"] is False
    # SE15 5AA is about 260 m from SE15 4QS, and Whitechapel 5.6 km.
    assert get(client, "/service_at_locations", postcode="se154qs", proximity="200").json()["total_items"] == 0
    assert get(client, "/service_at_locations", postcode="se154qs", proximity="300").json()["total_items"] == 1
    assert get(client, "/service_at_locations", postcode="se154qs", proximity="6000").json()["total_items"] == 2
    too_deep = get(client, "/service_at_locations", postcode="SE15 4QS", page=6, per_page=100)
    assert too_deep.status_code == 400 and "page" in too_deep.json()["errors"]


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/services", {"page": "-1"}, "page"),
        ("/services", {"page": "0"}, "page"),
        ("/services", {"page": "abc"}, "page"),
        ("/services", {"page": "١٢"}, "page"),
        ("/services", {"per_page": "100000"}, "per_page"),
        ("/services", {"per_page": "201"}, "per_page"),
        ("/services", {"search": "a\x00b"}, "search"),
        ("/services", {"search": "tab\there"}, "search"),
        ("/services", {"search": "x" * 101}, "search"),
        ("/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/services", {"modified_after": "2026-13-45"}, "modified_after"),
        ("/services", {"modified_after": "0001-01-01T00:00:00+01:00"}, "modified_after"),
        ("/services", {"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
        ("/services", {"taxonomy_id": "esol"}, "taxonomy_id"),
        ("/services", {"organization_id": "42"}, "organization_id"),
        ("/services", {"full": "banana"}, "full"),
        ("/services", {"minimal": "yes please"}, "minimal"),
        ("/services", {"format": "ndjson"}, "format"),
        ("/services", {"postcode": "E1 6AN"}, "postcode"),
        ("/services", {"full_service": "true"}, "full_service"),
        ("/service_at_locations", {"postcode": "ZZ99 9ZZ"}, "postcode"),
        ("/service_at_locations", {"postcode": "<script>"}, "postcode"),
        ("/service_at_locations", {"postcode": "E1 6AN", "proximity": "99999999"}, "proximity"),
        ("/service_at_locations", {"postcode": "E1 6AN", "proximity": "1e3"}, "proximity"),
        ("/service_at_locations", {"proximity": "500"}, "proximity"),
        ("/service_at_locations", {"minimal": "true"}, "minimal"),
        ("/organizations", {"taxonomy_term_id": UNKNOWN_ID}, "taxonomy_term_id"),
        ("/organizations", {"full_service": "2"}, "full_service"),
        ("/organizations/" + UNKNOWN_ID, {"full": "true"}, "full"),
        ("/taxonomies", {"full": "true"}, "full"),
        ("/taxonomy_terms", {"parent_id": "childcare"}, "parent_id"),
        ("/taxonomy_terms", {"top_only": "maybe"}, "top_only"),
        ("/taxonomy_terms", {"organization_id": UNKNOWN_ID}, "organization_id"),
    ],
)
def test_bad_parameters_are_400_json_naming_the_parameter(client, path, params, named):
    response = get(client, path, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_request"
    assert named in body["errors"] and body["message"].startswith(named)


def test_unknown_parameters_are_ignored(client, classes):
    plain = get(client, "/services").json()
    assert get(client, "/services", _="1712345678", utm_source="newsletter").json() == plain
    assert get(client, "/services", format="json").json() == plain


@pytest.mark.parametrize(
    "path",
    [
        "/services/",
        "/organizations/",
        "/service_at_locations/",
        "/taxonomies/",
        "/taxonomy_terms/",
    ],
)
def test_unknown_ids_are_404_json(client, classes, path):
    for identifier in (str(uuid.uuid4()), "nope", "%00", "1"):
        response = get(client, path + identifier)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found" and response.json()["message"]


def test_a_record_is_found_only_under_its_own_kind(client, classes):
    page = classes["peckham"]
    assert get(client, f"/organizations/{sid(page)}").status_code == 404
    assert get(client, f"/service_at_locations/{sid(page)}").status_code == 404
    assert get(client, f"/services/{sid(classes['provider'])}").status_code == 404


def test_only_get_is_allowed_and_json_is_all_it_speaks(client, classes):
    response = client.post("/openreferral/services", {"name": "x"})
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
    html = client.get("/openreferral/services", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and html["Content-Type"] == "application/json"
    assert client.head("/openreferral/services").status_code == 200


def test_cors_lets_any_web_page_read_the_api_and_nothing_else(client, classes):
    for path, status in (
        ("/openreferral/services", 200),
        ("/openreferral/services?page=x", 400),
        ("/openreferral/services/nothing", 404),
    ):
        response = client.get(path, HTTP_ORIGIN="https://directory.example.org")
        assert response.status_code == status
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        "/openreferral/services",
        HTTP_ORIGIN="https://directory.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert (
        "GET" in preflight["Access-Control-Allow-Methods"] and "POST" not in preflight["Access-Control-Allow-Methods"]
    )
    for path in ("/", "/find/", "/admin/login/"):
        assert "Access-Control-Allow-Origin" not in client.get(path, HTTP_ORIGIN="https://directory.example.org")


POSTCODES = ["SE15 5AA", "E1 6AN", "E1 6AW", "SE15 4QS"]


def add_listings(count: int):
    """``count`` classes at their own venues and ``count`` workplace offers, over two new providers."""
    providers = [ProviderPageFactory(), ProviderPageFactory()]
    for number in range(count):
        provider = providers[number % 2]
        ClassPageFactory(
            venue=venue_at(POSTCODES[number % len(POSTCODES)], provider=provider),
            parent=provider,
            levels=Level.objects.all()[: 1 + number % 3],
            support_languages=Language.objects.all()[: number % 3],
            contact_phone="020 7946 0000",
            sessions=[(day, "10:00", "12:00") for day in range(1 + number % 3)],
        )
        WorkplaceOfferPageFactory(parent=provider, levels=Level.objects.all()[:2])


QUERY_COUNTED = [
    ("/services", {}),
    ("/services", {"full": "false"}),
    ("/services", {"taxonomy_term_id": term_uid("taxonomy_term", "level")}),
    ("/service_at_locations", {}),
    ("/service_at_locations", {"postcode": "SE15 4QS", "proximity": "20000", "full": "true"}),
    ("/organizations", {"full_service": "true"}),
]


@pytest.mark.parametrize(("path", "params"), QUERY_COUNTED)
def test_a_page_costs_the_same_queries_however_many_records_it_holds(
    client, classes, offer, django_assert_max_num_queries, path, params
):
    get(client, path, **params)  # warm the site-root cache, as any running site has it
    with CaptureQueriesContext(connection) as few:
        small = get(client, path, **params).json()
    add_listings(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = get(client, path, **params).json()
    assert large["size"] > small["size"]
