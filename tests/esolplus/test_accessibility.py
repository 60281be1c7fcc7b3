"""axe-core finds no WCAG 2.2 A/AA violation on any public page type, in English and in Arabic (RTL)."""

import pytest

from tests.e2e.fixtures import *  # noqa: F403
from tests.e2e.fixtures import set_language
from tests.e2e.pages import LANGUAGES, PUBLIC_PAGES
from tests.e2e.tools import axe, require

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=str)
def test_public_page_has_no_wcag_violations(request, page, live_site, public_page, language):
    require("axe")
    if public_page.geography:
        request.getfixturevalue("geography")
    url = public_page.url()
    set_language(page, language, live_site)
    response = page.goto(url)
    assert response.status == public_page.status
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    axe(page)


@pytest.fixture
def evaluated_pilot_with_figures(db, geography):
    """Made before the browser starts (see tests/e2e/test_staff_journeys.py: coordinator_login)."""
    from tests.evaluation.test_dashboard import pilot_with_figures

    return pilot_with_figures("evaluator-axe")


@pytest.mark.parametrize("width", [375, 1280])
def test_evaluation_dashboard_definitions_and_comparison_pass_axe(evaluated_pilot_with_figures, page, width):
    """Staff pages with charts, at phone and desktop widths; the charts' tables are opened so axe reads them."""
    from tests.e2e.test_staff_journeys import log_in

    require("axe")
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "evaluator-axe", next_url=f"/evaluation/pilots/{evaluated_pilot_with_figures.slug}/")
    assert page.locator("svg.chart[role='img']").count() >= 5
    for details in page.locator("details.chart__numbers").all():
        details.locator("summary").click()
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.goto("/evaluation/indicators/")
    axe(page)
    page.goto(f"/evaluation/pilots/{evaluated_pilot_with_figures.slug}/comparison/")
    assert page.locator("h1").count() == 1
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def borough_evidence(db, geography):
    """Made before the browser starts, as above."""
    from tests.evaluation.test_evidence import make_figures

    return make_figures()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_public_borough_evidence_page_has_no_wcag_violations(borough_evidence, page, width):
    require("axe")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/evaluation/evidence/")
    assert page.locator("#evidence tbody th[scope='row']").count() >= 3
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the table scrolls in its own region
