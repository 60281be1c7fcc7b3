"""Public GET pages set no cookie and carry no CSRF token, so that a cache can keep one copy per address."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from devtools.factories import ClassPageFactory, ProviderPageFactory, WorkplaceOfferPageFactory, venue_at
from finder.models import Level

pytestmark = pytest.mark.usefixtures("geography")

HELP = "where=E1+6AN&level=entry-1&when=evening&childcare=yes&free=no"


@pytest.fixture
def public_addresses():
    provider = ProviderPageFactory()
    class_page = ClassPageFactory(
        parent=provider,
        venue=venue_at("E1 6AW", provider=provider),
        levels=Level.objects.filter(code="entry-1"),
        sessions=((1, "18:00", "20:00"),),
    )
    offer = WorkplaceOfferPageFactory(parent=provider)
    with override("en-gb"):
        return _addresses(provider, class_page, offer)


def _addresses(provider, class_page, offer):
    find = reverse("finder:find")
    addresses = [
        "/",
        find,
        f"{find}?where=E1+6AN",
        f"{find}?where=Atlantis",
        *(f"{reverse('finder:help_me_choose')}?{HELP}&step={step}" for step in range(1, 7)),
        provider.url,
        class_page.url,
        offer.url,
        reverse("finder:enquiry", args=[class_page.pk]),
        reverse("finder:referral", args=[class_page.pk]),
        reverse("finder:join_waiting_list", args=[class_page.pk]),
        reverse("finder:waiting_for_area"),
        reverse("finder:free_checker"),
        f"{reverse('finder:free_checker')}?age=adult&london=yes&status=settled&benefits=universal-credit&work=not-working",
        reverse("finder:enquiry_status"),
        reverse("finder:employer_enquiry", args=[offer.pk]),
        reverse("data_sources"),
        f"{reverse('finder:workplace')}?where=E1+6AN",
    ]
    with override("ar"):
        addresses += ["/ar/", f"{reverse('finder:find')}?where=E1+6AN", class_page.url, provider.url]
    return addresses


def test_public_pages_set_no_cookie_and_carry_no_csrf_token(client, public_addresses):
    assert "/ar/find/?where=E1+6AN" in public_addresses
    for address in public_addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        assert not response.cookies, (address, response.cookies)
        assert "Set-Cookie" not in response.headers, address
        assert "csrfmiddlewaretoken" not in response.content.decode(), address


def test_language_prefixed_pages_do_not_vary_on_cookies(client, public_addresses):
    """The address says the language, so a cache needs no more than the address (and Accept-Encoding)."""
    for address in (a for a in public_addresses if a.startswith("/ar/")):
        response = client.get(address)
        vary = {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}
        assert not vary & {"cookie", "accept-language"}, (address, vary)
