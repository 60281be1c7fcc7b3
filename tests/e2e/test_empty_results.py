"""A search with nothing in range, in a real browser: the page says so and offers a way forward that works,
in English and in Arabic (right to left); accessible (axe) and valid HTML (Nu HTML Checker)."""

import pytest
from django.urls import reverse
from django.utils import translation

from devtools.factories import ClassPageFactory, venue_at
from tests.e2e.fixtures import set_language
from tests.e2e.tools import axe, html_errors, require

pytestmark = pytest.mark.usefixtures("geography")


def find_url(language: str) -> str:
    """/find/ in a language: /ar/find/ once the language is in the URL, else /find/ (the cookie decides)."""
    with translation.override(language):
        return reverse("finder:find")


@pytest.mark.parametrize("language", ["en-gb", "ar"])
def test_nothing_in_range_shows_a_way_forward(page, live_site, language):
    require("chromium", "axe", "java", "vnu")
    # About 3.7 km from E1 6AN: outside 1 km, inside 5 km.
    further = ClassPageFactory(title="Waterloo English", venue=venue_at("SE1 7PB"))
    if language != "en-gb":
        set_language(page, language, live_site)
    page.goto(f"{find_url(language)}?where=E1+6AN&radius=1")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("#results-heading").is_visible()
    if language == "en-gb":
        assert page.locator("#results-heading").inner_text() == "No classes found"
    assert page.locator(".finder-results__list").count() == 0
    suggestions = page.locator(".finder-suggestions")
    assert suggestions.is_visible()
    assert suggestions.get_by_role("link", name=further.title, exact=True).is_visible()
    axe(page)
    problems = html_errors({language: page.content()})
    assert not problems, problems

    wider = suggestions.locator('a[href*="radius=5"]')
    assert wider.count() == 1
    with page.expect_navigation():
        wider.click()
    assert "radius=5" in page.url
    assert page.locator(".finder-results__list").get_by_role("link", name=further.title, exact=True).count() == 1
    axe(page)
