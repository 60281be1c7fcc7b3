"""Journeys a learner takes with a keyboard or a phone, in English and in Arabic (right to left)."""

import pytest

from tests.e2e.fixtures import set_language
from tests.e2e.tools import tab_until


def test_keyboard_only_reaches_the_search_form_with_visible_focus(page):
    page.goto("/")
    stops = tab_until(page, "#home-where")
    assert stops[0]["text"] == "Skip to main content"
    page.keyboard.type("E1 6AN")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"


def test_the_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(("language", "direction"), [("en-gb", "ltr"), ("ar", "rtl")])
def test_the_language_switcher_changes_language_and_direction(page, live_site, language, direction):
    page.goto("/about/data/")
    page.locator(".language-switcher summary").click()  # links to this page in each language
    with page.expect_navigation():
        page.locator(f'.language-switcher a[hreflang="{language}"]').click()
    assert page.url.endswith("/about/data/")
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == direction


def test_arabic_pages_are_right_to_left(page, live_site):
    set_language(page, "ar", live_site)
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # Nothing may stick out sideways on a phone in either direction.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
