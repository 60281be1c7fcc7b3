"""Open Referral UK 3.0 API: every endpoint validates offline against the published JSON schemas."""

import json
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from finder.models import ClassPage, Language, Level
from finder.openreferral.ids import uid
from tests.factories import ClassPageFactory, ProviderPageFactory, venue_at
from tests.geodata import postcode_row

pytestmark = pytest.mark.usefixtures("geography")
SCHEMA_DIR = Path(settings.OPENREFERRAL_SCHEMA_DIR) / "schema"
SCHEMA_URL = "https://openreferraluk.org/specifications/3.0/schema/"


def _registry() -> Registry:
    resources = [
        (
            SCHEMA_URL + path.name,
            Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012),
        )
        for path in SCHEMA_DIR.glob("*.json")
    ]
    return Registry().with_resources(resources)


REGISTRY = _registry()


def assert_valid(data, schema_name: str):
    validator = Draft202012Validator(
        {"$ref": SCHEMA_URL + schema_name}, registry=REGISTRY, format_checker=FormatChecker()
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def get(client, path, **params):
    response = client.get("/openreferral" + path, params)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


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
        venue=venue_at("E1 6AN"), cost=ClassPage.Cost.FEE, fee_amount=120, levels=[Level.objects.get(code="level-1")]
    )
    online = ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    return {"peckham": peckham, "whitechapel": whitechapel, "online": online, "provider": provider}


def test_api_details(client):
    response = get(client, "/")
    assert response.status_code == 200
    assert_valid(response.json(), "api_details.json")


def test_services_list_and_detail(client, classes):
    response = get(client, "/services")
    data = response.json()
    assert_valid(data, "service_list.json")
    assert data["total_items"] == 3
    service = next(s for s in data["contents"] if s["id"] == uid("service", classes["peckham"].pk))
    assert [(s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in service["schedules"]] == [
        ("WEEKLY", "TU", "18:00", "20:00"),
        ("WEEKLY", "TH", "18:00", "20:00"),
    ]
    assert service["schedules"][0]["valid_from"] == classes["peckham"].start_date.isoformat()
    assert service["cost_options"][0]["amount"] == 0
    assert {lang["code"] for lang in service["languages"]} == {"en", "ar"}
    assert service["contacts"][0]["phones"][0]["number"] == "020 7946 0001"
    assert service["organization"]["name"] == "Peckham Learning"
    codes = {a["taxonomy_term"]["code"] for a in service["attributes"]}
    assert codes == {"level:entry-1", "creche", "women-only", "strand:childcare"}
    detail = get(client, f"/services/{service['id']}")
    assert detail.status_code == 200
    assert_valid(detail.json(), "service.json")
    assert detail.json() == service
    fee = get(client, f"/services/{uid('service', classes['whitechapel'].pk)}").json()
    assert fee["cost_options"][0]["amount"] == 120


def test_empty_optional_fields_are_left_out(client, classes):
    service = get(client, f"/services/{uid('service', classes['online'].pk)}").json()
    assert "service_at_locations" not in service and "contacts" not in service
    assert '""' not in json.dumps(service) and "[]" not in json.dumps(service)


def test_paging_search_modified_after_and_terms(client, classes):
    data = get(client, "/services", per_page=2, page=2).json()
    assert (data["page_number"], data["size"], data["total_pages"], data["last_page"]) == (2, 1, 2, True)
    assert_valid(data, "service_list.json")
    data = get(client, "/services", search="crèche").json()
    assert [s["name"] for s in data["contents"]] == ["Entry 1 with crèche"]
    assert get(client, "/services", modified_after="2100-01-01").json()["total_items"] == 0
    assert get(client, "/services", modified_after="2000-01-01T00:00:00Z").json()["total_items"] == 3
    creche = uid("taxonomy_term", "creche")
    assert [s["name"] for s in get(client, "/services", taxonomy_term_id=creche).json()["contents"]] == [
        "Entry 1 with crèche"
    ]
    level_1 = uid("taxonomy_term", "level:level-1")
    assert get(client, "/services", taxonomy_term_id=level_1).json()["total_items"] == 1


def test_service_at_locations_near_a_postcode(client, classes):
    data = get(client, "/service_at_locations", postcode="SE15 4QS", proximity="3000").json()
    assert_valid(data, "service_at_location_list.json")
    assert [row["service_id"] for row in data["contents"]] == [uid("service", classes["peckham"].pk)]
    row = data["contents"][0]
    expected = postcode_row("SE15 5AA")
    assert row["location"]["latitude"] == pytest.approx(float(expected["lat"]))
    assert row["location"]["addresses"][0]["postal_code"] == "SE15 5AA"
    wide = get(client, "/service_at_locations", postcode="SE15 4QS", proximity="20000").json()
    assert wide["total_items"] == 2
    everything = get(client, "/service_at_locations").json()
    assert everything["total_items"] == 2
    detail = get(client, f"/service_at_locations/{row['id']}")
    assert_valid(detail.json(), "service_at_location.json")


def test_organizations(client, classes):
    data = get(client, "/organizations").json()
    assert_valid(data, "organization_list.json")
    org = next(o for o in data["contents"] if o["name"] == "Peckham Learning")
    detail = get(client, f"/organizations/{org['id']}")
    assert_valid(detail.json(), "organization.json")
    assert org["id"] == uid("organization", classes["provider"].pk)


def test_taxonomies_and_terms(client):
    data = get(client, "/taxonomies").json()
    assert_valid(data, "taxonomy_list.json")
    assert_valid(get(client, f"/taxonomies/{data['contents'][0]['id']}").json(), "taxonomy.json")
    terms = get(client, "/taxonomy_terms", per_page=100).json()
    assert_valid(terms, "taxonomy_term_list.json")
    codes = {t["code"] for t in terms["contents"]}
    assert {"level:pre-entry", "level:level-2", "creche", "women-only", "strand:arts"} <= codes
    assert_valid(get(client, f"/taxonomy_terms/{terms['contents'][0]['id']}").json(), "taxonomy_term.json")
    top = get(client, "/taxonomy_terms", top_only="true").json()
    assert {t["code"] for t in top["contents"]} == {"level", "childcare", "women-only", "strand"}


def test_ids_are_stable_uuids(classes):
    first = uid("service", classes["peckham"].pk)
    assert first == uid("service", classes["peckham"].pk)
    assert uuid.UUID(first).version == 5
    assert first != uid("location", classes["peckham"].pk)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/services", {"page": "-1"}),
        ("/services", {"per_page": "100000"}),
        ("/services", {"page": "abc"}),
        ("/services", {"search": "a\x00b"}),
        ("/services", {"modified_after": "yesterday"}),
        ("/services", {"taxonomy_term_id": "not-a-uuid"}),
        ("/service_at_locations", {"postcode": "ZZ99 9ZZ"}),
        ("/service_at_locations", {"postcode": "<script>"}),
        ("/service_at_locations", {"postcode": "E1 6AN", "proximity": "99999999"}),
        ("/service_at_locations", {"proximity": "500"}),
    ],
)
def test_bad_parameters_are_400_json(client, path, params):
    response = get(client, path, **params)
    assert response.status_code == 400
    assert response.json()["message"]


@pytest.mark.parametrize("path", ["/services/", "/organizations/", "/service_at_locations/", "/taxonomy_terms/"])
def test_unknown_ids_are_404_json(client, classes, path):
    for identifier in (str(uuid.uuid4()), "nope"):
        response = get(client, path + identifier)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_the_validator_rejects_a_broken_record():
    """Guards the checks above: a missing name and a bad status must fail, so validation is real."""
    with pytest.raises(AssertionError, match="name"):
        assert_valid({"contents": [{"id": str(uuid.uuid4()), "status": "open"}]}, "service_list.json")
    with pytest.raises(AssertionError):
        assert_valid({"id": str(uuid.uuid4()), "name": "x", "status": "open"}, "service.json")
