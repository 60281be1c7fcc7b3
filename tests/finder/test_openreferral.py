"""Open Referral UK 3.0 API: every endpoint validates offline against the published JSON schemas, the records
say what the site says, only published listings appear, and ids survive moves and renames.

Parameters, errors, CORS and query counts are in test_openreferral_parameters.py.
"""

import json
import uuid

import pytest
from wagtail.models import PageViewRestriction

from devtools.factories import ClassPageFactory, ProviderPageFactory, WorkplaceOfferPageFactory, venue_at
from finder.geography.models import District
from finder.models import ClassPage, IndustrySector, Language, Level
from finder.openreferral.ids import TAXONOMY_NAMESPACE, derived, service_at_location_id, term_uid
from tests.geodata import postcode_row
from tests.openreferral_schemas import validator_for

pytestmark = pytest.mark.usefixtures("geography")


def assert_valid(data, schema_name: str):
    errors = sorted(validator_for(schema_name).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def get(client, path, **params):
    """GET an API path; every response, good or bad, is JSON open to every origin."""
    response = client.get("/openreferral" + path, params)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    return response


def sid(page) -> str:
    return str(page.oruk_id)


@pytest.fixture
def classes():
    provider = ProviderPageFactory(title="Peckham Learning", website="https://peckham.example.org")
    peckham = ClassPageFactory(
        venue=venue_at("SE15 5AA", provider=provider),
        parent=provider,
        title="Entry 1 with crèche",
        levels=[Level.objects.get(code="entry-1")],
        childcare=ClassPage.Childcare.CRECHE,
        women_only=True,
        strand=ClassPage.Strand.CHILDCARE,
        support_languages=[Language.objects.get(code="ar")],
        contact_name="Sara",
        contact_phone="020 7946 0001",
        contact_email="sara@peckham.example.org",
        sessions=[(1, "18:00", "20:00"), (3, "18:00", "20:00")],
    )
    whitechapel = ClassPageFactory(
        venue=venue_at("E1 6AN"),
        cost=ClassPage.Cost.FEE,
        fee_amount=120,
        fee_unit="course",
        levels=[Level.objects.get(code="level-1")],
    )
    online = ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    return {"peckham": peckham, "whitechapel": whitechapel, "online": online, "provider": provider}


@pytest.fixture
def offer(classes):
    return WorkplaceOfferPageFactory(
        parent=classes["provider"],
        title="English for care staff",
        sectors=[IndustrySector.objects.get(code="care")],
        boroughs=[District.objects.get(name="Southwark")],
        levels=[Level.objects.get(code="entry-2")],
        contact_email="work@peckham.example.org",
    )


def test_api_details(client):
    data = get(client, "/").json()
    assert_valid(data, "api_details.json")
    # The ORUK validator reads the version ("HSDS-UK-3.0") to choose the ORUK 3.0 OpenAPI description.
    assert data["version"] == "HSDS-UK-3.0"
    assert data["openapi_url"] == "https://openreferraluk.org/specifications/3.0/openapi.json"


def test_services_list_and_detail(client, classes):
    data = get(client, "/services").json()
    assert_valid(data, "service_list.json")
    assert data["total_items"] == 3
    service = next(s for s in data["contents"] if s["id"] == sid(classes["peckham"]))
    assert [(s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in service["schedules"]] == [
        ("WEEKLY", "TU", "18:00", "20:00"),
        ("WEEKLY", "TH", "18:00", "20:00"),
    ]
    assert service["schedules"][0]["valid_from"] == classes["peckham"].start_date.isoformat()
    assert service["cost_options"][0]["amount"] == 0
    assert {lang["code"] for lang in service["languages"]} == {"en", "ar"}
    assert service["contacts"][0]["phones"][0]["number"] == "020 7946 0001"
    assert service["organization"]["name"] == "Peckham Learning"
    assert service["organization_id"] == sid(classes["provider"]) == service["organization"]["id"]
    codes = {a["taxonomy_term"]["code"] for a in service["attributes"]}
    assert codes == {"level:entry-1", "creche", "women-only", "strand:childcare"}
    [at_venue] = service["service_at_locations"]
    assert at_venue["location"]["addresses"][0]["postal_code"] == "SE15 5AA"
    detail = get(client, f"/services/{service['id']}")
    assert detail.status_code == 200
    assert_valid(detail.json(), "service.json")
    assert detail.json() == service
    fee = get(client, f"/services/{sid(classes['whitechapel'])}").json()
    assert fee["cost_options"][0]["amount"] == 120


def test_empty_optional_fields_are_left_out(client, classes):
    service = get(client, f"/services/{sid(classes['online'])}").json()
    assert "service_at_locations" not in service and "contacts" not in service
    assert '""' not in json.dumps(service) and "[]" not in json.dumps(service) and "null" not in json.dumps(service)


def test_paging_search_modified_after_and_terms(client, classes):
    data = get(client, "/services", per_page=2, page=2).json()
    assert (data["page_number"], data["size"], data["total_pages"], data["last_page"]) == (2, 1, 2, True)
    assert_valid(data, "service_list.json")
    data = get(client, "/services", search="crèche").json()
    assert [s["name"] for s in data["contents"]] == ["Entry 1 with crèche"]
    assert get(client, "/services", modified_after="2100-01-01").json()["total_items"] == 0
    assert get(client, "/services", modified_after="2000-01-01T00:00:00Z").json()["total_items"] == 3
    creche = term_uid("taxonomy_term", "creche")
    assert [s["name"] for s in get(client, "/services", taxonomy_term_id=creche).json()["contents"]] == [
        "Entry 1 with crèche"
    ]
    level_1 = term_uid("taxonomy_term", "level:level-1")
    assert get(client, "/services", taxonomy_term_id=level_1).json()["total_items"] == 1


def test_service_at_locations_near_a_postcode(client, classes):
    data = get(client, "/service_at_locations", postcode="SE15 4QS", proximity="3000").json()
    assert_valid(data, "service_at_location_list.json")
    assert [row["service_id"] for row in data["contents"]] == [sid(classes["peckham"])]
    row = data["contents"][0]
    assert row["id"] == str(service_at_location_id(classes["peckham"].oruk_id)) != row["service_id"]
    assert row["location_id"] == str(classes["peckham"].venue.oruk_id)
    assert row["service"]["name"] == "Entry 1 with crèche" and "schedules" not in row["service"]
    expected = postcode_row("SE15 5AA")
    assert row["location"]["latitude"] == pytest.approx(float(expected["lat"]))
    assert row["location"]["addresses"][0]["postal_code"] == "SE15 5AA"
    wide = get(client, "/service_at_locations", postcode="SE15 4QS", proximity="20000").json()
    assert wide["total_items"] == 2
    assert wide["contents"][0]["service_id"] == sid(classes["peckham"])  # nearest first
    everything = get(client, "/service_at_locations").json()
    assert everything["total_items"] == 2
    detail = get(client, f"/service_at_locations/{row['id']}").json()
    assert_valid(detail, "service_at_location.json")
    assert detail["service"]["schedules"] and "service_at_locations" not in detail["service"]


def test_organizations(client, classes, offer):
    data = get(client, "/organizations").json()
    assert_valid(data, "organization_list.json")
    org = next(o for o in data["contents"] if o["name"] == "Peckham Learning")
    assert org["id"] == sid(classes["provider"]) and "services" not in org
    detail = get(client, f"/organizations/{org['id']}").json()
    assert_valid(detail, "organization.json")
    assert {s["id"] for s in detail["services"]} == {sid(classes["peckham"]), sid(offer)}
    assert all("schedules" not in s and "organization" not in s for s in detail["services"])
    full = get(client, f"/organizations/{org['id']}", full_service="true").json()
    assert all(s["schedules"] for s in full["services"])
    for service in full["services"]:
        assert_valid(service | {"organization": org}, "service.json")


def test_taxonomies_and_terms(client):
    data = get(client, "/taxonomies").json()
    assert_valid(data, "taxonomy_list.json")
    assert_valid(get(client, f"/taxonomies/{data['contents'][0]['id']}").json(), "taxonomy.json")
    terms = get(client, "/taxonomy_terms", per_page=100).json()
    assert_valid(terms, "taxonomy_term_list.json")
    codes = {t["code"] for t in terms["contents"]}
    assert {"level:pre-entry", "level:level-2", "creche", "women-only", "strand:arts", "sector:care"} <= codes
    assert_valid(get(client, f"/taxonomy_terms/{terms['contents'][0]['id']}").json(), "taxonomy_term.json")
    top = get(client, "/taxonomy_terms", top_only="true").json()
    assert {t["code"] for t in top["contents"]} == {
        "level",
        "childcare",
        "women-only",
        "strand",
        "workplace-offer",
        "sector",
    }
    children = get(client, "/taxonomy_terms", parent_id=term_uid("taxonomy_term", "childcare")).json()
    assert {t["code"] for t in children["contents"]} == {"creche", "childcare-support"}


def test_workplace_offers_are_published_as_services(client, classes, offer):
    data = get(client, "/services").json()
    assert data["total_items"] == 4
    service = next(s for s in data["contents"] if s["id"] == sid(offer))
    detail = get(client, f"/services/{sid(offer)}").json()
    assert_valid(detail, "service.json")
    assert detail == service
    assert detail["organization_id"] == sid(classes["provider"])
    assert [area["name"] for area in detail["service_areas"]] == ["Southwark"]
    assert detail["cost_options"][0]["option"] == offer.funding_and_cost
    assert detail["schedules"][0]["description"] == offer.typical_length
    assert {a["taxonomy_term"]["code"] for a in detail["attributes"]} == {
        "workplace-offer",
        "level:entry-2",
        "sector:care",
    }
    assert "service_at_locations" not in detail
    located = get(client, "/service_at_locations").json()["contents"]
    assert sid(offer) not in {row["service_id"] for row in located}
    assert get(client, f"/service_at_locations/{service_at_location_id(offer.oruk_id)}").status_code == 404


def test_ids_are_the_stored_uuids_and_survive_a_move_and_a_rename(client, classes):
    page, old_provider, venue = classes["peckham"], classes["provider"], classes["peckham"].venue
    # A row from before the ids were stored keeps the id published for it then (migration finder/0004).
    published_before = uuid.uuid5(TAXONOMY_NAMESPACE, f"service:{page.pk}")
    ClassPage.objects.filter(pk=page.pk).update(oruk_id=published_before)
    before = get(client, f"/services/{published_before}").json()
    new_provider = ProviderPageFactory(title="Southwark Adult Learning")

    # The venue moves with the class and is renamed; the class is moved, renamed and published again.
    venue.provider, venue.name = new_provider, "Peckham Library, 2nd floor"
    venue.save()
    page.refresh_from_db()
    page.move(new_provider, pos="last-child")
    page.refresh_from_db()
    page.title, page.slug = "Entry 1 on Tuesdays and Thursdays", "entry-1-tue-thu"
    page.save_revision().publish()

    after = get(client, f"/services/{published_before}").json()
    assert after["id"] == before["id"] == str(published_before)
    assert after["name"] == "Entry 1 on Tuesdays and Thursdays"
    assert (before["organization_id"], after["organization_id"]) == (sid(old_provider), sid(new_provider))
    for records in ("schedules", "cost_options", "languages", "contacts", "attributes"):
        assert [r["id"] for r in after[records]] == [r["id"] for r in before[records]]
    assert after["service_at_locations"][0]["id"] == before["service_at_locations"][0]["id"]
    location_before, location_after = (
        before["service_at_locations"][0]["location"],
        after["service_at_locations"][0]["location"],
    )
    assert location_after["id"] == location_before["id"] == str(venue.oruk_id)
    assert location_after["addresses"][0]["id"] == location_before["addresses"][0]["id"]
    assert location_after["addresses"][0]["id"] == derived(venue.oruk_id, "address")


def test_ids_are_uuids_unique_across_records(client, classes, offer):
    service = get(client, f"/services/{sid(classes['peckham'])}").json()
    found = []

    def collect(value):
        if isinstance(value, dict):
            if "id" in value:
                found.append(value["id"])
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect({key: value for key, value in service.items() if key != "attributes"})
    assert all(uuid.UUID(identifier) for identifier in found)
    assert len(found) == len(set(found))


def test_only_published_listings_appear(client, classes):
    provider = classes["provider"]
    draft = ClassPageFactory(venue=venue_at("SE15 5AA", provider=provider), parent=provider, live=False)
    unapproved_venue = venue_at("SE15 5AA", provider=provider, live=False)
    waiting = ClassPageFactory(venue=unapproved_venue, parent=provider)
    hidden_provider = ProviderPageFactory(title="Private pilot")
    hidden = ClassPageFactory(venue=venue_at("E1 6AN", provider=hidden_provider), parent=hidden_provider)
    PageViewRestriction.objects.create(page=hidden_provider, restriction_type="password", password="secret")

    services = {s["id"] for s in get(client, "/services", per_page=100).json()["contents"]}
    located = {s["service_id"] for s in get(client, "/service_at_locations", per_page=100).json()["contents"]}
    organizations = {o["id"] for o in get(client, "/organizations", per_page=100).json()["contents"]}
    for page in (draft, waiting, hidden):
        assert sid(page) not in services | located
        assert get(client, f"/services/{sid(page)}").status_code == 404
    assert sid(hidden_provider) not in organizations
    assert get(client, f"/organizations/{sid(hidden_provider)}").status_code == 404
    assert sid(classes["peckham"]) in services


def test_a_client_walking_the_api_as_the_validator_does_finds_every_record_valid(client, classes, offer):
    """The ORUK validator reads page 1, the middle and the last page of each list, then each listed id."""
    lists = {
        "/services": ("service_list.json", "/services/", "service.json"),
        "/service_at_locations": (
            "service_at_location_list.json",
            "/service_at_locations/",
            "service_at_location.json",
        ),
        "/organizations": ("organization_list.json", "/organizations/", "organization.json"),
        "/taxonomies": ("taxonomy_list.json", "/taxonomies/", "taxonomy.json"),
        "/taxonomy_terms": ("taxonomy_term_list.json", "/taxonomy_terms/", "taxonomy_term.json"),
    }
    for path, (list_schema, detail_path, detail_schema) in lists.items():
        first = get(client, path, per_page=2).json()
        assert first["contents"], path
        for number in {1, max(first["total_pages"] // 2, 1), first["total_pages"]}:
            page = get(client, path, per_page=2, page=number).json()
            assert_valid(page, list_schema)
            for record in page["contents"]:
                assert_valid(get(client, detail_path + record["id"]).json(), detail_schema)


def test_the_validator_rejects_a_broken_record():
    """Guards the checks above: a missing name and a bad status must fail, so validation is real."""
    with pytest.raises(AssertionError, match="name"):
        assert_valid({"contents": [{"id": str(uuid.uuid4()), "status": "open"}]}, "service_list.json")
    with pytest.raises(AssertionError):
        assert_valid({"id": str(uuid.uuid4()), "name": "x", "status": "open"}, "service.json")
