"""The funnel's pages in a real browser at phone and desktop widths: the staff page (a coordinator's, with a refused
filter, and a provider's own) and the public London-wide page pass axe and the Nu HTML Checker, with no sideways
scrolling of the page (the tables scroll in their own region)."""

from urllib.parse import quote

import pytest

from tests.e2e.test_staff_journeys import PASSWORD, log_in
from tests.e2e.tools import axe, html_errors, require

pytestmark = pytest.mark.browser
STAFF_URL = "/evaluation/funnel/?start=2026-01&end=2026-03&group=provider"


@pytest.fixture
def funnel_figures(db, geography, monkeypatch):
    """Made before the browser starts (see tests/e2e/test_staff_journeys.py: coordinator_login); seen on 30 June
    2026, so the public page's last 12 whole months hold them whatever the day the tests run."""
    import datetime
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    from evaluation import funnel_views

    monkeypatch.setattr(funnel_views, "timezone", SimpleNamespace(localdate=lambda: datetime.date(2026, 6, 30)))

    from devtools.factories import coordinator
    from evaluation.models import StaffAssignment
    from tests.evaluation.test_funnel import make_funnel

    made = make_funnel()
    coordinator("funnel-coord")
    staff = get_user_model().objects.create_user("funnel-staff", password=PASSWORD)
    StaffAssignment.objects.create(user=staff, provider=made["a"])
    return made


def _check(page, width: int, documents: dict, name: str) -> None:
    assert page.locator("h1").count() == 1
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    documents[name] = page.content()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_funnel_pages_pass_axe_and_the_html_checker(funnel_figures, page, width):
    require("axe", "java", "vnu")
    page.set_viewport_size({"width": width, "height": 800})
    documents = {}
    log_in(page, "funnel-coord", next_url=quote(STAFF_URL))
    assert "Birch College" in page.inner_text("#funnel")
    _check(page, width, documents, "coordinator")
    page.goto("/evaluation/funnel/?start=garbage&provider=999999")
    assert page.locator(".error-message").count() == 2
    _check(page, width, documents, "refused-filter")
    page.goto("/evaluation/evidence/funnel/")
    assert page.locator("#funnel tbody th[scope='row']").count() >= 3
    _check(page, width, documents, "public")
    page.context.clear_cookies()
    log_in(page, "funnel-staff", next_url=quote(STAFF_URL))
    assert "Alder Learning" in page.inner_text("#funnel") and "Birch College" not in page.content()
    _check(page, width, documents, "provider-staff")
    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
