"""Bad input never produces a server error: a clear message on the page, or a 400 JSON from the API."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devtools.factories import ClassPageFactory, venue_at

pytestmark = pytest.mark.usefixtures("geography")
FIND = reverse("finder:find")

FIND_PARAMS = [
    "where", "lat", "lon", "radius", "sort", "page", "print", "level", "days", "time", "weekends", "starts",
    "free", "childcare", "women_only", "mode", "step_free", "places", "language", "strand",
]  # fmt: skip
API_PARAMS = ["page", "per_page", "search", "modified_after", "taxonomy_term_id", "postcode", "proximity"]
API_PATHS = ["/openreferral/services", "/openreferral/service_at_locations", "/openreferral/organizations",
             "/openreferral/taxonomy_terms", "/openreferral/services/x"]  # fmt: skip
NASTY = st.sampled_from(
    ["", "-1", "0", "1e309", "NaN", "inf", "99999999999999999999", "<script>alert(1)</script>", "E1 6AN", "SE15",
     "Peckham", "ZZ99 9ZZ", "\x00", "%", "' OR 1=1 --", "51.5", "-0.1", "online", "entry-1", "2026-13-45"]
)  # fmt: skip
VALUES = st.one_of(NASTY, st.text(max_size=40))


def query(params):
    return st.dictionaries(st.one_of(st.sampled_from(params), st.text(max_size=8)), st.lists(VALUES, max_size=3))


@pytest.fixture
def some_classes():
    ClassPageFactory(venue=venue_at("E1 6AN"))
    ClassPageFactory(venue=venue_at("SE15 5AA"))


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"where": "ZZ99 9ZZ"}, "where", "We couldn't find the postcode ZZ99 9ZZ"),
        ({"where": "Atlantis"}, "where", "We couldn't find"),
        ({"where": "<script>alert(1)</script>"}, "where", "Use only letters, numbers and spaces"),
        ({"where": "E1 6AN", "radius": "5000"}, "radius", "Choose a distance from the list."),
        ({"where": "E1 6AN", "page": "-3"}, "page", "doesn't exist"),
        ({"where": "E1 6AN", "level": "expert"}, "level", "Select a valid choice"),
        ({"where": "E1 6AN", "days": "funday"}, "days", "Select a valid choice"),
        ({"lat": "abc", "lon": "0"}, "lat", "couldn't use your location"),
        ({"free": "on"}, "where", "Enter a postcode or a place"),
        ({"where": "E1\x006AN"}, "where", "Null characters are not allowed"),
    ],
)
def test_bad_find_input_gets_a_clear_message(client, some_classes, params, field, message):
    response = client.get(FIND, params)
    assert response.status_code == 200
    forms = [response.context["place_form"], response.context["filter_form"]]
    errors = " ".join(str(e) for form in forms for e in form.errors.get(field, []))
    assert message in errors
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "<script>alert(1)</script>" not in html


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=query(FIND_PARAMS))
def test_random_find_queries_never_fail(client, some_classes, params):
    response = client.get(FIND, params)
    assert response.status_code == 200


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(API_PATHS), params=query(API_PARAMS))
def test_random_api_queries_never_fail(client, some_classes, path, params):
    response = client.get(path, params)
    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"] == "application/json"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["step", "where", "level", "when", "childcare", "free"]), VALUES))
def test_random_help_me_choose_queries_never_fail(client, params):
    assert client.get(reverse("finder:help_me_choose"), params).status_code == 200
