"""A provider's editor works through the enquiry inbox in a real browser: finds an enquiry by phone number, adds a
note and answers it; the screens (the inbox and one enquiry with its notes and deadline) pass axe."""

import datetime

import pytest
from django.utils import timezone

from devtools.factories import ClassPageFactory, EnquiryFactory, provider_with_editor, venue_at
from finder.models import Enquiry
from tests.e2e.test_staff_journeys import log_in
from tests.e2e.tools import axe

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("geography")]


@pytest.fixture
def overdue_enquiry(db):
    setup = provider_with_editor("Alder Learning", "alder")
    class_page = ClassPageFactory(venue=venue_at("E1 6AN", provider=setup.provider), title="Alder evenings")
    enquiry = EnquiryFactory(class_page=class_page, name="Amina Yusuf", phone="07700 900123", preferred_language="so")
    EnquiryFactory(class_page=class_page, name="Bilal Khan", phone="020 7946 0000")
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - datetime.timedelta(days=20))
    return enquiry


def test_an_editor_finds_annotates_and_answers_an_overdue_enquiry(page, live_site, overdue_enquiry):
    log_in(page, "alder", next_url="/admin/snippets/finder/enquiry/?q=07700900123")
    listing = page.locator("table.listing")
    assert "Amina Yusuf" in listing.inner_text() and "Bilal Khan" not in listing.inner_text()
    assert "Somali" in listing.inner_text() and "Overdue since" in listing.inner_text()
    axe(page, "main")

    with page.expect_navigation():
        page.get_by_role("link", name="Amina Yusuf").first.click()
    assert "Overdue" in page.inner_text("#enquiry-deadline")
    for ours in ("#enquiry-deadline", "#notes"):  # the rest is Wagtail's own edit screen (its minimap, its panels)
        axe(page, ours)

    page.fill("#id_text", "Called, she will come on Monday.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add note").click()
    assert "Called, she will come on Monday." in page.inner_text("#notes")
    assert "Overdue" not in page.inner_text("main")  # a note is an answer
    axe(page, "#notes")

    page.select_option("#id_status", "contacted")
    with page.expect_navigation():
        page.locator("#w-editor-form button[type=submit]").first.click()
    overdue_enquiry.refresh_from_db()
    assert overdue_enquiry.status == Enquiry.Status.CONTACTED and overdue_enquiry.notes.count() == 1
