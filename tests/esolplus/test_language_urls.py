"""The site language in the address (/ar/find/), the switcher's links, hreflang alternates and old cookie links."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from devtools.factories import ClassPageFactory, venue_at

pytestmark = pytest.mark.usefixtures("geography")

SEARCH = "?where=E1+6AN"


def html_of(response) -> str:
    assert response.status_code == 200, response
    return response.content.decode()


def test_arabic_results_page_is_right_to_left_with_the_language_in_the_address(client):
    html = html_of(client.get(f"/ar/find/{SEARCH}"))
    assert '<html lang="ar" dir="rtl">' in html


def test_english_has_no_prefix_and_ignores_the_browser_language(client):
    html = html_of(client.get(f"/find/{SEARCH}", HTTP_ACCEPT_LANGUAGE="ar"))
    assert '<html lang="en-gb" dir="ltr">' in html


def test_learner_addresses_take_the_prefix_and_staff_addresses_do_not():
    with override("ar"):
        assert reverse("finder:find") == "/ar/find/"
        assert reverse("data_sources") == "/ar/about/data/"
        assert reverse("wagtail_serve", args=("providers/",)) == "/ar/providers/"
        assert reverse("set_language") == "/i18n/setlang/"
        assert reverse("wagtailadmin_home") == "/admin/"
        assert reverse("openreferral:api_details") == "/openreferral/"
    with override("en-gb"):
        assert reverse("finder:find") == "/find/"


def test_wagtail_pages_are_served_and_linked_under_the_prefix(client):
    class_page = ClassPageFactory(venue=venue_at("E1 6AW"))
    with override("ar"):
        url, provider_url = class_page.url, class_page.get_parent().url
    assert url.startswith("/ar/providers/") and provider_url.startswith("/ar/providers/")
    html = html_of(client.get(url))
    assert 'lang="ar"' in html and class_page.title in html
    html = html_of(client.get(provider_url))
    assert f'href="{url}"' in html  # links to the class keep the prefix


def test_staff_areas_have_no_language_versions(client):
    assert client.get("/ar/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 200


def test_switcher_links_to_this_page_in_every_language_keeping_the_query(client):
    html = html_of(client.get(f"/ar/find/{SEARCH}&radius=5"))
    assert "<form" not in re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)
    assert '<a href="/pl/find/?where=E1+6AN&amp;radius=5" lang="pl" hreflang="pl" dir="ltr">Polski</a>' in html
    assert 'href="/find/?where=E1+6AN&amp;radius=5" lang="en-gb" hreflang="en-gb"' in html
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>', html)
    assert current == [
        '<a href="/ar/find/?where=E1+6AN&amp;radius=5" lang="ar" hreflang="ar" dir="rtl" aria-current="page">'
    ]


def test_hreflang_alternates_for_every_language_and_x_default(client):
    html = html_of(client.get(f"/ar/find/{SEARCH}"))
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert set(alternates) == {code for code, _name in settings.LANGUAGES} | {"x-default"}
    assert alternates["x-default"] == alternates["en-gb"] == "http://testserver/find/?where=E1+6AN"
    assert alternates["ti"] == "http://testserver/ti/find/?where=E1+6AN"


def test_old_link_with_a_language_cookie_is_sent_to_the_address_in_that_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(f"/find/{SEARCH}")
    assert response.status_code == 302
    assert response["Location"] == f"/ar/find/{SEARCH}"
    assert "Cookie" in response["Vary"] and "private" in response["Cache-Control"]
    assert 'lang="ar"' in html_of(client.get(response["Location"]))


def test_choosing_english_in_the_switcher_is_not_undone_by_the_old_cookie(client):
    """A link followed on this site (Sec-Fetch-Site: same-origin) to an English address gets English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = html_of(client.get(f"/find/{SEARCH}", HTTP_SEC_FETCH_SITE="same-origin"))
    assert 'lang="en-gb"' in html


def test_english_cookie_and_unknown_cookie_change_nothing(client):
    for value in ("en-gb", "xx"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = value
        assert 'lang="en-gb"' in html_of(client.get("/find/"))


def test_staff_pages_keep_the_cookie_language(client):
    """No address per language there: the cookie (or the browser's language) still chooses, as before."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ar"


@pytest.mark.parametrize(
    ("next_url", "language", "expected"),
    [
        ("/find/?where=E1+6AN&radius=5", "ar", "/ar/find/?where=E1+6AN&radius=5"),
        ("/ar/find/?where=E1+6AN", "pl", "/pl/find/?where=E1+6AN"),
        ("/ar/find/?where=E1+6AN", "en-gb", "/find/?where=E1+6AN"),
        ("https://evil.example/", "ar", "/ar/"),
    ],
)
def test_old_switcher_form_still_changes_the_language(client, next_url, language, expected):
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def test_old_switcher_form_from_another_site_is_refused(client):
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403


def test_the_api_links_to_english_pages_whatever_the_client_language(client):
    ClassPageFactory(venue=venue_at("E1 6AW"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get("/openreferral/services", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    assert "/providers/" in response.content.decode() and "/ar/" not in response.content.decode()
