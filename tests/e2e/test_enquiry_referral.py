"""Enquiries in a real phone-sized browser, in English and in Arabic (right to left): a learner enquires and sees
the reference, then looks the enquiry up; an adviser refers a learner; an employer asks about a workplace offer.
Every page on the way passes axe (WCAG 2.2 AA) and the Nu HTML Checker."""

import pytest
from django.urls import reverse
from django.utils import translation

from devtools.factories import ClassPageFactory, ProviderPageFactory, WorkplaceOfferPageFactory, venue_at
from finder.models import EmployerEnquiry, Enquiry
from tests.e2e.tools import axe, html_errors, require

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def listings():
    provider = ProviderPageFactory(title="Riverside Adult Learning", email="enquiries@college.example.org")
    class_page = ClassPageFactory(title="Evening English", venue=venue_at("E1 6AN", provider=provider), parent=provider)
    offer = WorkplaceOfferPageFactory(title="English for hotel staff", parent=provider)
    return class_page, offer


def address(name, *args, language):
    with translation.override(language):
        return reverse(name, args=args)


def send(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def checked(page, documents: dict, name: str) -> None:
    """axe on the page as shown, and its HTML kept for one run of the checker at the end."""
    axe(page)
    documents[name] = page.content()


@pytest.mark.parametrize(("language", "direction"), [("en-gb", "ltr"), ("ar", "rtl")])
def test_enquiry_status_referral_and_employer_enquiry(page, live_site, listings, language, direction):
    require("java", "vnu")
    class_page, offer = listings
    documents: dict[str, str] = {}

    # A learner enquires for themselves and is given a reference.
    page.goto(address("finder:enquiry", class_page.pk, language=language))
    assert page.locator("html").get_attribute("dir") == direction
    checked(page, documents, "enquiry form")
    page.fill("#id_name", "Amina Yusuf")
    page.fill("#id_phone", "07700 900123")
    page.check("#id_consent_to_contact")
    send(page)
    enquiry = Enquiry.objects.get()
    assert "/sent/" in page.url and "Amina" not in page.url
    assert page.locator(".enquiry-reference__code").inner_text().strip() == enquiry.reference
    assert enquiry.site_language == language
    assert "Amina" not in page.locator("main").inner_text()
    checked(page, documents, "sent")

    # ...and looks it up, typed in lower case without the dash.
    with page.expect_navigation():
        page.locator(f'main a[href="{address("finder:enquiry_status", language=language)}"]').first.click()
    checked(page, documents, "status form")
    page.fill("#id_reference", enquiry.reference.replace("-", "").lower())
    send(page)
    status = page.locator(".enquiry-status")
    assert "Evening English" in status.inner_text() and "Riverside Adult Learning" in status.inner_text()
    checked(page, documents, "status")

    # An adviser refers someone, from the same enquiry page.
    page.goto(address("finder:enquiry", class_page.pk, language=language))
    with page.expect_navigation():
        page.locator(".enquiry-modes a").nth(1).click()
    assert page.url.endswith(address("finder:referral", class_page.pk, language=language))
    checked(page, documents, "referral form")
    page.fill("#id_referrer_name", "Sam Adviser")
    page.fill("#id_referrer_organisation", "Peckham Jobcentre Plus")
    page.fill("#id_referrer_email", "sam@jobcentre.example.gov.uk")
    page.fill("#id_name", "Bilal Ahmed")
    page.fill("#id_phone", "07700 900456")
    send(page)
    assert page.locator("#id_learner_agreed_to_referral-error").is_visible(), "the learner's agreement is required"
    checked(page, documents, "referral form with errors")
    page.check("#id_learner_agreed_to_referral")
    send(page)
    referral = Enquiry.objects.get(name="Bilal Ahmed")
    assert referral.is_referral
    assert page.locator(".enquiry-reference__code").inner_text().strip() == referral.reference

    # An employer asks about a workplace offer.
    with translation.override(language):
        page.goto(offer.url)
    with page.expect_navigation():
        page.locator(f'a[href="{address("finder:employer_enquiry", offer.pk, language=language)}"]').click()
    checked(page, documents, "employer form")
    page.fill("#id_organisation", "Thames Hotels Ltd")
    page.fill("#id_name", "Jo Manager")
    page.fill("#id_email", "jo@thameshotels.example.com")
    page.fill("#id_staff_count", "12")
    page.check("#id_consent_to_contact")
    send(page)
    employer = EmployerEnquiry.objects.get()
    assert page.locator(".enquiry-reference__code").inner_text().strip() == employer.reference
    checked(page, documents, "employer sent")

    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
