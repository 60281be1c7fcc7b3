"""The map of results on /find/: its settings, its Content Security Policy, and the data it draws from.

The map is an enhancement: every marker is a class in the page's own list, with the same link, and with no tile
URL (or no Leaflet) there is no map at all. The browser test (tests/e2e/test_results_map.py) draws it.
"""

import json
import os
import re
import subprocess
import sys

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from devtools.factories import ClassPageFactory, venue_at
from esolplus.settings.base import csp_img_src, tile_host
from finder.models import ClassPage
from finder.search import results_map
from tests.e2e.tools import html_errors, require
from tests.geodata import postcode_row

FIND = reverse("finder:find")
LEAFLET_IS_SERVED = results_map.leaflet_is_served  # the real check, before the fixture below stands in for it
MAP_DATA = re.compile(r'<script id="results-map-data" type="application/json">(.*?)</script>', re.S)
OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture(autouse=True)
def _leaflet_installed(monkeypatch):
    """These tests read the page, not Leaflet's files, so they run in a checkout without node_modules."""
    monkeypatch.setattr(results_map, "leaflet_is_served", lambda: True)


def point(postcode):
    row = postcode_row(postcode)
    return float(row["lat"]), float(row["lon"])


def map_data(html: str) -> dict | None:
    found = MAP_DATA.search(html)
    return json.loads(found.group(1)) if found else None


def _csp_img_src(response) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        if name == "img-src":
            return values
    raise AssertionError("no img-src in the Content Security Policy")


# Settings and the Content Security Policy


def test_the_tile_host_comes_from_the_tile_url():
    assert tile_host(OSM) == "https://tile.openstreetmap.org"
    assert tile_host("https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png") == "https://*.tiles.example.org:8443"
    assert tile_host("/tiles/{z}/{x}/{y}.png") == ""  # tiles served by this site need no other host
    assert tile_host("") == ""
    assert csp_img_src("") == ["'self'", "data:"]
    with pytest.raises(ImproperlyConfigured, match="FINDER_MAP_TILE_URL"):
        tile_host("tile.example.org/{z}/{x}/{y}.png")


@pytest.mark.parametrize(
    ("tile_url", "img_src"),
    [
        (None, ["'self'", "data:", "https://tile.openstreetmap.org"]),
        ("https://maps.example.org/t/{z}/{x}/{y}.png", ["'self'", "data:", "https://maps.example.org"]),
        ("", ["'self'", "data:"]),
    ],
    ids=["openstreetmap-by-default", "configured", "switched-off"],
)
def test_base_settings_let_images_come_from_the_tile_host_only(tile_url, img_src):
    env = {k: v for k, v in os.environ.items() if k != "FINDER_MAP_TILE_URL"}
    if tile_url is not None:
        env["FINDER_MAP_TILE_URL"] = tile_url
    code = (
        "import json; from esolplus.settings import base as s; "
        "print(json.dumps([s.FINDER_MAP_TILE_URL, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [OSM if tile_url is None else tile_url, img_src]


# The page


@pytest.mark.usefixtures("geography")
def test_the_map_draws_the_same_classes_as_the_list(client, settings):
    nearest = ClassPageFactory(title="Morning English", venue=venue_at("E1 6AN"))
    next_door = ClassPageFactory(title="Evening English", venue=venue_at("E1 6AW"))
    response = client.get(FIND, {"where": "E1 6AN"})
    html = response.content.decode()
    listed = list(response.context["page_obj"].object_list)
    assert set(listed) == {nearest, next_door}

    data = map_data(html)
    assert [item["id"] for item in data["classes"]] == [item.pk for item in listed]
    for item, marker in zip(listed, data["classes"], strict=True):
        assert marker["title"] == item.title
        assert f'href="{marker["url"]}"' in html  # the list links to the same page
        assert marker["place"] == f"{item.venue.name}, {item.venue.postcode}"
        assert marker["place"].split(", ")[0] in html and item.venue.postcode in html
        assert (marker["lat"], marker["lon"]) == pytest.approx(point(item.venue.postcode), abs=1e-6)
    assert data["origin"] == pytest.approx(list(point("E1 6AN")), abs=1e-6)
    assert data["tiles"] == settings.FINDER_MAP_TILE_URL
    assert "OpenStreetMap contributors" in data["attribution"]
    assert set(data["text"]) == {"origin", "zoomIn", "zoomOut", "close"}
    assert data["providerLanguage"] == "en"  # popups mark titles and places as the list does

    # The box is hidden until the script draws it, named for screen readers, and kept off paper.
    box = re.search(r'<div id="results-map"[^>]*>', html).group(0)
    assert " hidden" in box and 'role="region"' in box and "no-print" in box
    assert 'aria-label="Map of these classes. The list below has the same information."' in box
    assert html.index('id="results-map"') < html.index('class="finder-results__list"')
    assert re.search(r'<script src="[^"]*/leaflet/leaflet\.js" defer>', html)
    assert re.search(r'<script src="[^"]*/js/results-map\.js" defer>', html)
    # The attribution's HTML is data, escaped inside the JSON block, which the CSP lets through because it never runs.
    assert "<a href" not in MAP_DATA.search(html).group(1)
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    assert "http://127.0.0.1:9" in _csp_img_src(response)


@pytest.mark.usefixtures("geography")
def test_online_classes_have_no_marker(client):
    online = ClassPageFactory(venue=None, delivery_mode=ClassPage.DeliveryMode.ONLINE)
    in_person = ClassPageFactory(venue=venue_at("E1 6AN"))
    points = results_map.class_points([online, in_person])
    assert [point["id"] for point in points] == [in_person.pk]
    # A page of online classes only has nothing to put on a map, so it has no map.
    html = client.get(FIND, {"mode": "online"}).content.decode()
    assert online.title in html
    assert 'id="results-map"' not in html and map_data(html) is None


@pytest.mark.usefixtures("geography")
@pytest.mark.parametrize("switch_off", ["empty tile url", "leaflet missing"])
def test_no_map_when_switched_off_or_without_leaflet(client, settings, monkeypatch, switch_off):
    ClassPageFactory(title="Morning English", venue=venue_at("E1 6AN"))
    if switch_off == "empty tile url":
        settings.FINDER_MAP_TILE_URL = ""
    else:
        monkeypatch.setattr(results_map, "leaflet_is_served", lambda: False)
    response = client.get(FIND, {"where": "E1 6AN"})
    html = response.content.decode()
    assert "Morning English" in html
    assert response.context["map"] is None
    for trace in ('id="results-map"', "results-map-data", "leaflet", "results-map.js"):
        assert trace not in html


@pytest.mark.usefixtures("geography")
def test_the_printed_list_has_no_map(client):
    ClassPageFactory(title="Morning English", venue=venue_at("E1 6AN"))
    html = client.get(FIND, {"where": "E1 6AN", "print": "1"}).content.decode()
    assert "Morning English" in html and "results-map" not in html


def test_leaflet_is_served_from_where_make_install_puts_it(settings):
    if not (settings.BASE_DIR / "node_modules" / "leaflet" / "dist" / "leaflet.js").exists():
        pytest.skip("Leaflet is not installed: make install")
    assert finders.find("leaflet/leaflet.js") == str(settings.BASE_DIR / "node_modules/leaflet/dist/leaflet.js")
    LEAFLET_IS_SERVED.cache_clear()
    assert LEAFLET_IS_SERVED()


@pytest.mark.usefixtures("geography")
def test_the_page_with_its_map_is_valid_html(client):
    require("java", "vnu")
    ClassPageFactory(title="Morning English", venue=venue_at("E1 6AN"))
    html = client.get(FIND, {"where": "E1 6AN"}).content.decode()
    assert map_data(html) is not None
    assert html_errors({"find": html}) == {}


@pytest.mark.usefixtures("geography")
def test_a_cached_card_brings_its_address_for_the_map_in_the_pages_language(client, monkeypatch):
    """The map's link comes with the cached card (finder.search.cards), without asking Wagtail for it again."""
    page = ClassPageFactory(title="Morning English", venue=venue_at("E1 6AN"))
    for prefix, url in (("", FIND), ("/ar", "/ar" + FIND)):
        client.get(url, {"where": "E1 6AN"})  # renders and keeps the card
        with monkeypatch.context() as patched:
            patched.setattr(ClassPage, "url", property(lambda self: pytest.fail("worked out the address again")))
            html = client.get(url, {"where": "E1 6AW"}).content.decode()
        marker = map_data(html)["classes"][0]
        assert marker["url"] == prefix + page.url_path.removeprefix("/home") and f'href="{marker["url"]}"' in html
