"""The map of results on /find/ in a real browser: drawn with Leaflet from the site's own static files, with a
marker for each class in the list, accessible, right to left in Arabic, and absent without JavaScript.

Tiles never come from the network: the test settings point the tile URL at port 9 of this machine, and each test
here answers those requests itself with a tiny PNG.
"""

import base64
import os
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from devtools.factories import ClassPageFactory, venue_at
from tests.e2e.fixtures import set_language
from tests.e2e.tools import axe, require, tab_until

pytestmark = pytest.mark.usefixtures("geography")

LEAFLET_JS = settings.BASE_DIR / "node_modules" / "leaflet" / "dist" / "leaflet.js"
# A 1×1 transparent PNG, for every tile.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
SEARCH = "/find/?where=E1+6AN"


def require_leaflet():
    """Skip (or, under CI, fail) unless `make install` put Leaflet in node_modules."""
    require("chromium", "axe")
    if LEAFLET_JS.exists():
        return
    reason = "missing Leaflet: run make install"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI must run the map tests, but {reason}")
    pytest.skip(reason)


@pytest.fixture
def classes():
    require_leaflet()
    return [
        ClassPageFactory(title="Morning English", venue=venue_at("E1 6AN")),
        ClassPageFactory(title="Evening English", venue=venue_at("E1 6AW")),
        ClassPageFactory(title="Saturday English", venue=venue_at("E1 7AA")),
    ]


@pytest.fixture
def tiles(page):
    """Answer the map's tile requests here; the list collects the URLs asked for."""
    asked = []
    tile_server = settings.FINDER_MAP_TILE_URL.split("{", 1)[0]
    assert tile_server.startswith("http://127.0.0.1:"), "the test settings must keep tiles off the network"

    def answer(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.route(f"{tile_server}**", answer)
    return asked


def wait_for_markers(page, count):
    page.wait_for_function(
        "n => document.querySelectorAll('#results-map .leaflet-marker-icon').length === n", arg=count
    )


def wait_until_clear_of_the_zoom_buttons(page):
    """An open popup pans below the zoom buttons, so they never cover its link or its close button."""
    page.wait_for_function(
        """() => {
            const popup = document.querySelector('#results-map .leaflet-popup-content-wrapper');
            const zoom = document.querySelector('#results-map .leaflet-control-zoom');
            return popup && zoom && popup.getBoundingClientRect().top >= zoom.getBoundingClientRect().bottom;
        }"""
    )


def test_the_map_shows_a_marker_for_each_class_in_the_list(page, classes, tiles):
    page.goto(SEARCH)
    wait_for_markers(page, len(classes))
    region = page.get_by_role("region", name="Map of these classes. The list below has the same information.")
    assert region.is_visible()
    assert region.bounding_box()["height"] > 100
    page.wait_for_function("() => document.querySelector('#results-map .leaflet-tile-loaded') !== null")
    assert tiles and all(re.search(r"/\d+/\d+/\d+\.png$", url) for url in tiles)

    # Every marker is a class the list shows, and its popup links where the list links.
    markers = page.locator("#results-map .leaflet-marker-icon")
    titles = sorted(markers.nth(index).get_attribute("alt") for index in range(markers.count()))
    assert titles == sorted(item.title for item in classes)
    listed = page.locator(".finder-results__list .result-card__title a")
    assert sorted(listed.all_inner_texts()) == titles
    assert page.locator("#results-map .results-map__origin").count() == 1
    assert "OpenStreetMap contributors" in page.locator("#results-map .leaflet-control-attribution").inner_text()
    axe(page)
    page.get_by_role("button", name="Evening English").click()
    popup_link = page.locator("#results-map .leaflet-popup a.results-map__link")
    assert popup_link.inner_text() == "Evening English"
    assert popup_link.get_attribute("href") == listed.filter(has_text="Evening English").get_attribute("href")
    assert page.locator("#results-map .leaflet-popup").get_by_text("E1 6AW").is_visible()
    wait_until_clear_of_the_zoom_buttons(page)
    axe(page, "#results-map .leaflet-popup")  # its link and close button: nothing covers them, big enough to touch


def test_the_map_works_with_the_keyboard_and_lets_it_go(page, classes, tiles):
    page.goto(SEARCH)
    wait_for_markers(page, len(classes))
    page.get_by_role("link", name="Print this list").focus()
    # Into the map, through its markers and controls (each with a visible focus), and out again to the list.
    stops = tab_until(page, ".finder-results__list .result-card__title a >> nth=0")
    assert stops[0]["id"] == "results-map"
    assert sum(1 for stop in stops if stop["tag"] == "img") == len(classes)

    page.locator("#results-map .leaflet-marker-icon").first.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.className")
    assert "results-map__link" in focused, "the popup's link takes the focus"
    page.keyboard.press("Escape")
    expect(page.locator("#results-map .leaflet-popup")).to_have_count(0)  # after Leaflet's fade
    assert "leaflet-marker-icon" in page.evaluate("document.activeElement.className"), "the focus goes back"


def test_the_map_in_arabic_is_right_to_left_and_accessible(page, live_site, classes, tiles):
    set_language(page, "ar", live_site)
    page.goto(SEARCH)
    wait_for_markers(page, len(classes))
    assert page.locator("html").get_attribute("dir") == "rtl"
    region = page.locator("#results-map")
    assert region.is_visible()
    assert region.get_attribute("aria-label") == "خريطة هذه الصفوف. القائمة أدناه فيها المعلومات نفسها."
    # The controls sit on the side a right-to-left reader starts from; the page never scrolls sideways.
    assert page.locator("#results-map .leaflet-top.leaflet-right .leaflet-control-zoom").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    axe(page)
    # A popup repeats the provider's English words, marked as English and set in their own direction, as the list does.
    page.get_by_role("button", name="Evening English").click()
    wait_until_clear_of_the_zoom_buttons(page)
    popup = page.locator("#results-map .leaflet-popup")
    for part in (popup.locator("a.results-map__link"), popup.locator(".results-map__place")):
        assert (part.get_attribute("lang"), part.get_attribute("dir")) == ("en", "auto")
    axe(page, "#results-map .leaflet-popup")


def test_without_javascript_there_is_no_map_and_the_list_is_whole(chromium, live_site, classes):
    context = chromium.new_context(java_script_enabled=False, base_url=live_site, locale="en-GB")
    try:
        page = context.new_page()
        asked = []

        def note(route):
            asked.append(route.request.url)
            route.continue_()

        page.route("**/*", note)
        page.goto(SEARCH)
        assert page.locator("#results-map").count() == 1
        assert not page.locator("#results-map").is_visible()
        assert page.get_by_role("region", name=re.compile("Map of these classes")).count() == 0
        assert page.locator(".leaflet-container").count() == 0
        for item in classes:
            assert page.get_by_role("link", name=item.title, exact=True).is_visible()
        assert not [url for url in asked if "127.0.0.1:9" in url], "no tiles without the map"
    finally:
        context.close()
