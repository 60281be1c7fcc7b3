"""The waiting list in a real phone-sized browser, in English and in Arabic (right to left): a full class offers
its waiting list, the learner joins and sees their reference, and when the provider opens places the learner's
message is queued in the language they used; another learner asks to hear about places at their level nearby.
Every page passes axe (WCAG 2.2 AA) and the Nu HTML Checker."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from devtools.factories import ClassPageFactory, ProviderPageFactory, venue_at
from esolplus.models import Notification
from finder import waiting_services
from finder.models import Level, WaitingListEntry
from tests.e2e.tools import axe, html_errors, require

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def full_class():
    provider = ProviderPageFactory(title="Riverside Adult Learning")
    return ClassPageFactory(
        title="Evening English", venue=venue_at("E1 6AN", provider=provider), parent=provider, capacity=12, enrolled=12
    )


def checked(page, documents: dict, name: str) -> None:
    axe(page)
    documents[name] = page.content()


@pytest.mark.parametrize(("language", "direction"), [("en-gb", "ltr"), ("ar", "rtl")])
def test_a_learner_joins_the_waiting_list_and_is_told_when_a_place_opens(
    page, live_site, full_class, language, direction
):
    require("java", "vnu")
    documents: dict[str, str] = {}
    with translation.override(language):
        class_url, join_url = full_class.url, reverse("finder:join_waiting_list", args=[full_class.pk])

    page.goto(class_url)
    assert page.locator("html").get_attribute("dir") == direction
    with page.expect_navigation():
        page.locator(f'main a[href="{join_url}"]').first.click()
    checked(page, documents, "waiting form")

    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()  # nothing filled in: clear messages, nothing stored
    assert page.locator(".error-summary").count() == 1 and not WaitingListEntry.objects.exists()
    checked(page, documents, "waiting form with errors")

    page.fill("#id_name", "Amina Yusuf")
    page.fill("#id_phone", "07700 900123")
    page.check("#id_consent_to_contact")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    entry = WaitingListEntry.objects.get()
    assert (entry.class_page_id, entry.site_language) == (full_class.pk, language)
    assert page.locator(".waiting-reference__code").inner_text().strip() == entry.reference
    checked(page, documents, "joined")

    # The provider's change is approved and published with two learners fewer; the scheduler's sweep runs.
    full_class.enrolled = 10
    full_class.save_revision().publish()
    assert waiting_services.tell_about_open_places.call() == 1
    told = Notification.objects.get(template="waiting_place_open")  # sent at once: the suite runs tasks immediately
    assert (told.recipient, told.language, told.channel) == ("07700 900123", language, "sms")
    assert told.sent_at is not None

    # The learner's one-click link (in the message) asks before it takes them off the list.
    entry.refresh_from_db()
    page.goto(urlsplit(waiting_services.withdraw_link(entry)).path)
    checked(page, documents, "withdraw")
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.TOLD
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.WITHDRAWN
    checked(page, documents, "withdrawn")

    # "Tell me when a place opens" for a level near a postcode.
    with translation.override(language):
        page.goto(reverse("finder:waiting_for_area"))
    checked(page, documents, "area form")
    page.fill("#id_area", "E1 6AN")
    page.select_option("#id_level", value=str(Level.objects.get(code="entry-1").pk))
    page.fill("#id_name", "Bilal")
    page.fill("#id_email", "bilal@example.org")
    page.check("#id_consent_to_contact")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    area_entry = WaitingListEntry.objects.get(class_page=None)
    assert page.locator(".waiting-reference__code").inner_text().strip() == area_entry.reference
    assert area_entry.level.code == "entry-1" and area_entry.site_language == language

    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
