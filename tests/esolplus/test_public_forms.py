"""esolplus.public_forms: anonymous forms without a CSRF cookie, refusing posts sent from other sites."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from esolplus.public_forms import public_form


@public_form
def form_view(request):
    return HttpResponse("stored")


def post(**headers):
    request = RequestFactory().post("/find/form/", {"name": "Amina"}, **headers)
    request._dont_enforce_csrf_checks = False
    return form_view(request)


def test_the_view_is_exempt_from_the_csrf_cookie_check():
    assert form_view.csrf_exempt is True


@pytest.mark.parametrize(
    "headers",
    [
        {},  # old browsers, the test client
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "none"},
    ],
)
def test_posts_from_this_site_or_without_headers_are_accepted(headers):
    assert post(**headers).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
    ],
)
@pytest.mark.django_db
def test_posts_from_other_sites_are_refused(headers):
    response = post(**headers)
    assert response.status_code == 403
    assert b"stored" not in response.content and b"could not be sent" in response.content


@override_settings(CSRF_TRUSTED_ORIGINS=["https://esolplus.example", "https://*.london.example"])
@pytest.mark.parametrize("origin", ["https://esolplus.example", "https://www.london.example"])
def test_trusted_origins_are_accepted(origin):
    assert post(HTTP_ORIGIN=origin).status_code == 200


@override_settings(ALLOWED_HOSTS=["esolplus.example"], SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_the_host_and_scheme_behind_a_proxy_count():
    headers = {"HTTP_HOST": "esolplus.example", "HTTP_X_FORWARDED_PROTO": "https"}
    assert post(HTTP_ORIGIN="https://esolplus.example", **headers).status_code == 200


def test_a_get_is_never_refused():
    request = RequestFactory().get("/find/form/", HTTP_SEC_FETCH_SITE="cross-site")
    assert form_view(request).status_code == 200


def test_a_null_origin_passes_only_when_the_browser_says_the_form_was_on_this_site(rf):
    """Pages that send no referrer (the signed links) make browsers send "Origin: null" with their forms."""
    from esolplus.public_forms import is_cross_site

    same = rf.post("/", HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert not is_cross_site(same)
    for fetch_site in ("", "cross-site", "same-site", "none"):
        other = rf.post("/", HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE=fetch_site)
        assert is_cross_site(other), fetch_site
