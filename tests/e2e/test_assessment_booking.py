"""Booking an initial assessment in a real phone-sized browser, in English and in Arabic (right to left): the learner
finds times near a postcode, books one, sees their reference, moves it to another time, cancels it and books again.
Every page passes axe (WCAG 2.2 AA) and the Nu HTML Checker."""

import pytest
from django.urls import reverse
from django.utils import translation

from devtools.assessment_factories import slot_for, tomorrow_at
from devtools.factories import ProviderPageFactory, venue_at
from esolplus.models import Notification
from finder.models import AssessmentBooking, AssessmentSlot, Language
from tests.e2e.tools import axe, html_errors, require

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def slots():
    provider = ProviderPageFactory(title="Riverside Adult Learning")
    venue = venue_at("E1 6AN", provider=provider, name="Toynbee Hall")
    return [
        slot_for(provider, venue, creche=True, languages=[Language.objects.get(code="ar")]),
        slot_for(provider, mode=AssessmentSlot.Mode.PHONE, starts_at=tomorrow_at(hour=14, days=2)),
    ]


def checked(page, documents: dict, name: str) -> None:
    axe(page)
    documents[name] = page.content()


def submit(page, selector: str = "main form.assessment-form button[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(selector).click()


@pytest.mark.parametrize(("language", "direction"), [("en-gb", "ltr"), ("ar", "rtl")])
def test_a_learner_books_moves_cancels_and_books_again(page, live_site, slots, language, direction):
    require("java", "vnu")
    documents: dict[str, str] = {}
    first, by_phone = slots
    with translation.override(language):
        list_url = reverse("assessments:list")
        first_url, phone_url = (reverse("assessments:book", args=[slot.pk]) for slot in slots)

    page.goto(f"{list_url}?where=E1+6AN")
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("main .assessment-slot").count() == 2
    checked(page, documents, "list")

    with page.expect_navigation():
        page.locator(f'main a[href="{first_url}"]').click()
    checked(page, documents, "form")
    submit(page)  # nothing filled in: clear messages, nothing stored
    assert page.locator(".error-summary").count() == 1 and not AssessmentBooking.objects.exists()
    checked(page, documents, "form with errors")

    page.fill("#id_name", "Amina Yusuf")
    page.fill("#id_phone", "07700 900123")
    page.check("#id_consent_to_contact")
    submit(page)
    booking = AssessmentBooking.objects.get()
    assert (booking.slot_id, booking.site_language) == (first.pk, language)
    assert page.locator(".waiting-reference__code").inner_text().strip() == booking.reference
    sms = Notification.objects.get(template="assessment_booked")
    assert (sms.recipient, sms.language, sms.channel) == ("07700 900123", language, "sms")
    checked(page, documents, "booked")

    with page.expect_navigation():
        page.locator(".assessment-actions a").click()
    checked(page, documents, "move")
    submit(page, "main .assessment-slot form button[type=submit]")
    booking.refresh_from_db()
    assert booking.slot_id == by_phone.pk
    assert page.locator(".waiting-reference__code").inner_text().strip() == booking.reference

    submit(page, ".assessment-actions form button[type=submit]")
    booking.refresh_from_db()
    assert booking.status == AssessmentBooking.Status.CANCELLED
    checked(page, documents, "cancelled")

    with page.expect_navigation():
        page.locator("main a.button").click()
    with page.expect_navigation():
        page.locator(f'main a[href="{phone_url}"]').click()
    page.fill("#id_name", "Amina Yusuf")
    page.fill("#id_email", "amina@example.org")
    page.check("#id_consent_to_contact")
    submit(page)
    again = AssessmentBooking.objects.get(status=AssessmentBooking.Status.BOOKED)
    assert again.pk != booking.pk and again.slot_id == by_phone.pk
    assert page.locator(".waiting-reference__code").inner_text().strip() == again.reference
    checked(page, documents, "booked again")

    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
