"""A learner's whole journey in a real browser: search, filter, read a class, change language, enquire."""

import re

import pytest

from devtools.factories import ClassPageFactory, venue_at
from finder.models import ClassPage, Enquiry, Level
from tests.e2e.fixtures import set_language

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def classes():
    """An evening Entry 1 class with a crèche near E1 6AN, and a morning class without one."""
    entry_1 = Level.objects.get(code="entry-1")
    evening = ClassPageFactory(
        title="Evening English with crèche",
        venue=venue_at("E1 6AW"),
        levels=[entry_1],
        childcare=ClassPage.Childcare.CRECHE,
        sessions=((1, "18:00", "20:00"), (3, "18:00", "20:00")),
    )
    morning = ClassPageFactory(title="Morning English", venue=venue_at("E1 6AN"), levels=[entry_1])
    return evening, morning


def test_learner_finds_a_class_switches_language_and_enquires(page, live_site, classes):
    evening, morning = classes
    page.goto("/find/")
    page.get_by_label("Postcode or area").fill("E1 6AN")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").first.click()
    assert page.get_by_role("link", name=morning.title, exact=True).count() >= 1

    page.get_by_label("Entry 1").first.check()
    page.get_by_label("Evening (after 5pm)").check()
    page.locator("input[name=childcare]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Search").first.click()
    assert "childcare" in page.url and "level=entry-1" in page.url
    assert page.get_by_role("link", name=morning.title, exact=True).count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name=evening.title, exact=True).click()
    assert page.locator("h1").inner_text() == evening.title

    page.locator(".language-switcher summary").click()  # the switcher: links to this page in each language
    with page.expect_navigation():
        page.locator('.language-switcher a[hreflang="ar"]').click()
    assert page.locator("html").get_attribute("dir") == "rtl" and "/ar/" in page.url
    assert page.locator("h1").inner_text() == evening.title
    page.locator(".language-switcher summary").click()
    with page.expect_navigation():
        page.locator('.language-switcher a[hreflang="en-gb"]').click()
    assert page.locator("html").get_attribute("dir") == "ltr"

    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("interested")).first.click()
    page.get_by_label("Your name").fill("Amina")
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_label("I agree that the provider can contact me about this class.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert "/sent/" in page.url
    enquiry = Enquiry.objects.get()
    assert (enquiry.class_page_id, enquiry.name) == (evening.pk, "Amina")


def test_learner_journey_in_arabic_with_the_keyboard_alone(page, live_site, classes):
    evening, _ = classes
    set_language(page, "ar", live_site)
    page.goto("/find/")
    page.focus("#id_where")
    page.keyboard.type("E1 6AN")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    link = page.get_by_role("link", name=evening.title, exact=True)
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == evening.title
    assert page.locator("html").get_attribute("dir") == "rtl"
