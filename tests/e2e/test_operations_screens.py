"""The listing-keeping screens in a real browser, each checked with axe (WCAG 2.2 AA): a provider's editor opens the
signed "still correct" link from a reminder and confirms, then looks at the stale listings report and a problem
report; a coordinator looks at the overdue enquiries and confirms the problem report. The HTML checker covers the
same screens in tests/esolplus/test_html_validity.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from devtools.factories import ClassPageFactory, EnquiryFactory, coordinator, provider_with_editor, venue_at
from finder.freshness_services import link_token
from finder.models import ClassPage, Enquiry
from finder.models.problems import ProblemReport
from tests.e2e.test_staff_journeys import log_in
from tests.e2e.tools import axe

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("geography")]


def settled(page):
    """Wait for Wagtail's messages to finish fading in: axe measures colours as they are at that moment."""
    page.evaluate("() => Promise.all(document.getAnimations().map(animation => animation.finished))")
    return page


@pytest.fixture
def alder(db):
    setup = provider_with_editor("Alder Learning", "alder")
    old = timezone.localdate() - datetime.timedelta(days=120)
    listing = ClassPageFactory(
        parent=setup.provider,
        venue=venue_at("E1 6AN", provider=setup.provider),
        title="Alder mornings",
        last_checked=old,
    )
    enquiry = EnquiryFactory(class_page=listing, name="Amina Yusuf", preferred_language="so")
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - datetime.timedelta(days=20))
    report = ProblemReport.objects.create(page=listing, kind=ProblemReport.Kind.CLASS_ENDED, note="No class today.")
    coordinator("coord")
    return listing, report


def test_an_editor_confirms_a_listing_and_a_coordinator_handles_the_reports(page, live_site, alder):
    listing, report = alder
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/listing-check/{link_token(listing)}/")
    assert "Alder mornings" in page.inner_text("main")
    axe(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    listing.refresh_from_db()
    assert listing.last_checked == timezone.localdate(), page.inner_text("main")
    axe(page)

    log_in(page, "alder", next_url=reverse("finder_stale_listings"))
    axe(settled(page), "main")
    page.goto(reverse("problem_reports:index"))
    assert "Alder mornings" in page.inner_text("main")
    axe(settled(page), "main")
    page.goto(reverse("problem_reports:edit", args=[report.pk]))
    axe(settled(page), "main")

    page.context.clear_cookies()
    log_in(page, "coord", next_url=reverse("finder_overdue_enquiries"))
    overdue = page.inner_text("main")
    assert "Alder mornings" in overdue and "Amina Yusuf" not in overdue  # coordinators see no learner's name
    axe(settled(page), "main")
    page.goto(reverse("problem_reports:edit", args=[report.pk]))
    page.check(f"input[name=status][value={ProblemReport.Status.CONFIRMED}]")
    with page.expect_navigation():
        page.locator("#w-editor-form button[type=submit]").first.click()
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.CONFIRMED
    axe(settled(page), "main")
    assert ClassPage.objects.get(pk=listing.pk).live
