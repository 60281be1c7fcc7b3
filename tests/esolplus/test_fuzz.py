"""Bad input at volume: at least 10,000 generated requests across the public endpoints, and no 5xx.

Extend ENDPOINTS as pages land (finder, Open Referral API, enquiry form). The import screens get random
spreadsheets (columns, cells, encodings, damaged files) from a logged-in provider editor or teacher. FUZZ_EXAMPLES sets
the examples per endpoint; by default the total is 10,000 requests, spread over the endpoints.
"""

import csv
import io
import math
import os
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from evaluation.services.imports import ASSESSMENT_COLUMNS, REGISTER_COLUMNS
from finder.cms.class_import import COLUMN_NAMES

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
    "²",  # a digit to str.isdigit(), but not to int()
    "١٢",  # Arabic-Indic digits, which int() reads as 12
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


# Placeholders for what exists only once the test has made it: replaced in paths and form values.
OWN_PROVIDER = "{provider}"
OWN_COHORT = "{cohort}"
LIVE_CLASS = "{class}"
LIVE_SERVICE = "{service}"  # the same class's Open Referral id


def table_rows(columns: list[str]) -> st.SearchStrategy[list[list[str]]]:
    """A header of known columns (shuffled, some missing or doubled) and unknown ones, then rows of any text."""
    header = st.lists(st.one_of(st.sampled_from(columns), st.text(max_size=15)), max_size=len(columns) + 3)
    cells = st.lists(text_values, max_size=len(columns) + 2)
    return st.tuples(header, st.lists(cells, max_size=6)).map(lambda t: [t[0], *t[1]])


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_contents(columns: list[str]) -> st.SearchStrategy[bytes]:
    """A spreadsheet with random columns and cells as CSV (several encodings) or XLSX, or any bytes."""
    rows = table_rows(columns)
    return st.one_of(
        st.tuples(rows, st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"])).map(lambda t: csv_bytes(*t)),
        rows.map(xlsx_bytes),
        st.binary(max_size=300),
        st.just(b"PK\x03\x04" + b"\x00" * 40),  # the start of a zip (an .xlsx) and nothing more
    )


def upload(columns: list[str], *, names: list[str]) -> st.SearchStrategy[SimpleUploadedFile]:
    return st.builds(
        lambda name, content: SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        st.one_of(st.sampled_from(names), st.text(max_size=20).map(lambda s: s + ".csv")),
        upload_contents(columns),
    )


def import_form(file: st.SearchStrategy, **fields: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """The import form: usually with a file and the right choices, sometimes with any values at all."""
    return st.fixed_dictionaries(
        {"file": st.one_of(file, text_values)},
        optional={name: st.one_of(strategy, text_values) for name, strategy in fields.items()},
    )


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str  # "get" or "post"
    path: st.SearchStrategy[str]
    data: st.SearchStrategy[dict]
    login: str = ""  # "staff", "provider-editor" or "provider-staff": who logs in first

    def __str__(self) -> str:
        return self.name


def fixed(path: str) -> st.SearchStrategy[str]:
    return st.just(path)


ENDPOINTS = [
    Endpoint("home-query", "get", fixed("/"), form_data("where", "level", "day", "page", "lang")),
    Endpoint("any-path", "get", url_paths, form_data("where", "page")),
    Endpoint("set-language", "post", fixed("/i18n/setlang/"), form_data("language", "next")),
    Endpoint("admin-login", "post", fixed("/admin/login/"), form_data("username", "password", "next")),
    Endpoint(
        "two-factor-code",
        "post",
        fixed("/account/two_factor/verify/"),
        form_data("verify_view-current_step", "token-otp_token", "backup-otp_token", "wizard_goto_step", "next"),
        login="staff",
    ),
    Endpoint(
        "class-import",
        "post",
        fixed("/admin/classes/import/"),
        import_form(
            upload(COLUMN_NAMES, names=["classes.csv", "classes.xlsx", "CLASSES.XLSX", "classes"]),
            provider=st.just(OWN_PROVIDER),
        ),
        login="provider-editor",
    ),
    Endpoint(
        "evaluation-import",
        "post",
        fixed(f"/evaluation/cohorts/{OWN_COHORT}/import/"),
        import_form(
            upload(REGISTER_COLUMNS + ASSESSMENT_COLUMNS, names=["register.csv", "register.xlsx"]),
            kind=st.sampled_from(["register", "assessments"]),
        ),
        login="provider-staff",
    ),
    Endpoint(
        "finder",
        "get",
        fixed("/find/"),
        form_data(
            "where",
            "radius",
            "sort",
            "page",
            "print",
            "lat",
            "lon",
            "level",
            "days",
            "time",
            "weekends",
            "starts",
            "free",
            "childcare",
            "women_only",
            "mode",
            "step_free",
            "places",
            "language",
            "strand",
        ),
        login="learner",
    ),
    Endpoint(
        "help-me-choose", "get", fixed("/find/help/"), form_data("where", "level", "when", "childcare", "free", "step")
    ),
    Endpoint("workplace-finder", "get", fixed("/find/workplace/"), form_data("where", "sector", "group_size", "page")),
    Endpoint(
        "open-referral",
        "get",
        st.sampled_from(
            [
                "/openreferral/",
                "/openreferral/services",
                "/openreferral/service_at_locations",
                "/openreferral/organizations",
                "/openreferral/taxonomies",
                "/openreferral/taxonomy_terms",
                f"/openreferral/services/{LIVE_SERVICE}",
            ]
        ),
        form_data("page", "per_page", "search", "modified_after", "taxonomy_term_id", "postcode", "proximity"),
        login="learner",
    ),
    Endpoint(
        "enquiry-form",
        "post",
        fixed(f"/find/enquire/{LIVE_CLASS}/"),
        form_data("name", "phone", "email", "preferred_language", "best_time", "consent_to_contact", "website"),
        login="learner",
    ),
]
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or math.ceil(TOTAL_REQUESTS / len(ENDPOINTS)))


def log_in(client, role: str, request) -> dict[str, str]:
    """Log the client in as ``role``; the placeholders' values for what that person may use."""
    if role == "staff":
        from django_otp.plugins.otp_totp.models import TOTPDevice

        staff = get_user_model().objects.create_superuser("fuzz-staff", "s@example.org", "not-a-pw-1")
        TOTPDevice.objects.create(user=staff, name="default")  # so that the code page takes the codes
        client.force_login(staff)
        return {}
    request.getfixturevalue("geography")
    if role == "learner":
        from devtools.factories import ClassPageFactory, venue_at

        page = ClassPageFactory(venue=venue_at("E1 6AW"))
        return {LIVE_CLASS: str(page.pk), LIVE_SERVICE: str(page.oruk_id)}
    if role == "provider-editor":
        from devtools.factories import provider_with_editor

        setup = provider_with_editor("Fuzz Adult Learning", "fuzz-editor")
        client.force_login(setup.editor)
        return {OWN_PROVIDER: str(setup.provider.pk)}
    if role == "provider-staff":
        from devtools.evaluation_factories import CohortFactory, EnrolmentFactory, SessionFactory
        from evaluation.models import StaffAssignment

        cohort = CohortFactory()
        EnrolmentFactory(cohort=cohort)
        SessionFactory(cohort=cohort)
        staff = get_user_model().objects.create_user("fuzz-teacher")
        StaffAssignment.objects.create(user=staff, provider=cohort.provider)
        client.force_login(staff)
        return {OWN_COHORT: str(cohort.pk)}
    return {}


def filled_in(value, placeholders: dict[str, str]):
    if isinstance(value, str):
        for placeholder, real in placeholders.items():
            value = value.replace(placeholder, real)
    return value


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_generated_requests_never_cause_a_server_error(request, client, endpoint):
    placeholders = log_in(client, endpoint.login, request) if endpoint.login else {}
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
        path = filled_in(path, placeholders)
        data = {name: filled_in(value, placeholders) for name, value in data.items()}
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)
        response = getattr(client, endpoint.method)(path, data)
        sent.append(path)
        assert response.status_code < 500, f"{endpoint.method.upper()} {path} {data!r} -> {response.status_code}"

    send()
    assert len(sent) >= FUZZ_EXAMPLES


def test_the_default_budget_is_at_least_ten_thousand_requests():
    if "FUZZ_EXAMPLES" not in os.environ:
        assert FUZZ_EXAMPLES * len(ENDPOINTS) >= TOTAL_REQUESTS
