"""Bad input at volume: at least 10,000 generated requests across the public endpoints, and no 5xx.

Extend ENDPOINTS as pages land (finder, Open Referral API, enquiry form, imports). FUZZ_EXAMPLES sets
the examples per endpoint; by default the total is 10,000 requests, spread over the endpoints.
"""

import math
import os
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TOTAL_REQUESTS = 10_000

# Text a careless or hostile visitor might send: anything printable, control characters, NUL bytes,
# right-to-left text, markup, SQL, huge numbers and very long values.
NASTY = [
    "",
    " ",
    "\x00",
    "E1\x006AN",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "%",
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "\u202eNA6 1E",
    "لندن",
    "😀" * 50,
    "E1 6AN" * 300,
    "ä" * 5000,
    "&" * 2000,
]
LANGUAGE_CODES = [code for code, _name in django_settings.LANGUAGES]
text_values = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(LANGUAGE_CODES),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


def form_data(*field_names: str) -> st.SearchStrategy[dict]:
    """Values (single or repeated) for the endpoint's own fields, plus stray fields it does not expect."""
    names = st.sampled_from(field_names) if field_names else st.nothing()
    values = st.one_of(text_values, st.lists(text_values, min_size=1, max_size=3))
    return st.dictionaries(st.one_of(names, st.text(max_size=20)), values, max_size=len(field_names) + 2)


url_paths = st.one_of(
    st.sampled_from(["/", "/about/data/", "/providers/", "/%2e%2e/", "/admin/../", "//", "/static/../settings"]),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=40).map(lambda s: "/" + s.lstrip("/")),
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str  # "get" or "post"
    path: st.SearchStrategy[str]
    data: st.SearchStrategy[dict]
    staff: bool = False  # log in as staff first (import screens)

    def __str__(self) -> str:
        return self.name


def fixed(path: str) -> st.SearchStrategy[str]:
    return st.just(path)


ENDPOINTS = [
    Endpoint("home-query", "get", fixed("/"), form_data("where", "level", "day", "page", "lang")),
    Endpoint("any-path", "get", url_paths, form_data("where", "page")),
    Endpoint("set-language", "post", fixed("/i18n/setlang/"), form_data("language", "next")),
    Endpoint("admin-login", "post", fixed("/admin/login/"), form_data("username", "password", "next")),
    Endpoint("two-factor-code", "post", fixed("/account/two-factor/"), form_data("token", "next"), staff=True),
    # e.g. Endpoint("finder", "get", fixed("/find/"), form_data("where", "level", "day", "time", "distance")),
]
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or math.ceil(TOTAL_REQUESTS / len(ENDPOINTS)))


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_superuser("fuzz-staff", "staff@example.org", "not-a-real-password-1")


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_generated_requests_never_cause_a_server_error(client, staff_user, endpoint):
    if endpoint.staff:
        client.force_login(staff_user)
    sent = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(path=endpoint.path, data=endpoint.data)
    def send(path, data):
        response = getattr(client, endpoint.method)(path, data)
        sent.append(path)
        assert response.status_code < 500, f"{endpoint.method.upper()} {path} {data!r} -> {response.status_code}"

    send()
    assert len(sent) >= FUZZ_EXAMPLES


def test_the_default_budget_is_at_least_ten_thousand_requests():
    if "FUZZ_EXAMPLES" not in os.environ:
        assert FUZZ_EXAMPLES * len(ENDPOINTS) >= TOTAL_REQUESTS
