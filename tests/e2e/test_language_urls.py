"""The Arabic finder at its own address (/ar/find/), on a phone: right to left, links that stay in Arabic."""

from urllib.parse import urlsplit

import pytest

from devtools.factories import ClassPageFactory, venue_at
from finder.models import Level
from tests.e2e.tools import axe, require

pytestmark = pytest.mark.usefixtures("geography")


def test_arabic_results_page_keeps_its_prefix_and_passes_axe(page, live_site):
    require("axe")
    ClassPageFactory(
        title="Evening English",
        venue=venue_at("E1 6AW"),
        levels=Level.objects.filter(code="entry-1"),
        sessions=((1, "18:00", "20:00"),),
    )
    response = page.goto("/ar/find/?where=E1+6AN")
    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    site = urlsplit(live_site).netloc
    hrefs = page.eval_on_selector_all("main a[href], header nav a[href]", "links => links.map(a => a.href)")
    internal = [urlsplit(href) for href in hrefs if urlsplit(href).netloc == site]
    assert internal, "the page links to other pages of the site"
    assert all(link.path.startswith("/ar/") for link in internal), [link.path for link in internal]
    assert page.get_by_role("link", name="Evening English", exact=True).get_attribute("href").startswith("/ar/")

    page.locator(".language-switcher summary").click()
    english = page.locator('.language-switcher a[hreflang="en-gb"]')
    assert english.get_attribute("href") == "/find/?where=E1+6AN"
    axe(page)
    with page.expect_navigation():
        english.click()
    assert page.locator("html").get_attribute("lang") == "en-gb"
    assert urlsplit(page.url).path == "/find/"
