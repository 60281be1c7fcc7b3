"""Reporting a problem with a class page on a phone with JavaScript switched off, in English and in Arabic (right to
left): the link at the end of the class page, the form (with the "something else needs a note" error), and the
thank-you page. Each page passes axe (WCAG 2.2 AA) and the Nu HTML Checker."""

import pytest
from django.urls import reverse
from django.utils import translation

from devtools.factories import ClassPageFactory, ProviderPageFactory, venue_at
from finder.models import ProblemReport
from tests.e2e.tools import axe, html_errors, require, save_screenshot

pytestmark = pytest.mark.usefixtures("geography")
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone_without_javascript(request, chromium, live_site):
    context = chromium.new_context(viewport=PHONE, base_url=live_site, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    yield page
    try:
        save_screenshot(page, request.node.name)
    finally:
        context.close()


def send(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def checked(page, url: str, documents: dict, name: str, other_without_note: bool = False) -> None:
    """axe and the HTML checker on what the phone without JavaScript was shown, in a second page that runs
    JavaScript (axe is a script; evaluating one where JavaScript is switched off never returns)."""
    page.goto(url)
    if other_without_note:
        page.locator("input[name=kind][value=other]").check()
        send(page)
    axe(page)
    documents[name] = page.content()


@pytest.mark.parametrize(("language", "direction"), [("en-gb", "ltr"), ("ar", "rtl")])
def test_report_a_problem_without_javascript(phone_without_javascript, page, language, direction):
    require("axe", "java", "vnu")
    phone = phone_without_javascript
    provider = ProviderPageFactory(title="Riverside Adult Learning")
    class_page = ClassPageFactory(title="Evening English", venue=venue_at("E1 6AN", provider=provider), parent=provider)
    with translation.override(language):
        form_url = reverse("finder:report_problem", args=[class_page.pk])
        sent_url = reverse("finder:problem_reported", args=[class_page.pk])
        listing_url = class_page.url
    documents: dict[str, str] = {}

    phone.goto(listing_url)
    with phone.expect_navigation():
        phone.locator(f'main a[href="{form_url}"]').click()
    assert phone.url.endswith(form_url)
    assert phone.locator("html").get_attribute("dir") == direction
    checked(page, form_url, documents, "form")

    phone.locator("input[name=kind][value=other]").check()  # "Something else", with no note
    send(phone)
    assert phone.locator(".error-summary").is_visible()
    assert phone.locator("#id_note_error").is_visible()
    assert not ProblemReport.objects.exists()
    checked(page, form_url, documents, "form with errors", other_without_note=True)

    phone.locator("input[name=kind][value=times]").check()
    phone.fill("#id_note", "It starts at 7pm, not 6pm.")
    send(phone)
    assert phone.url.endswith(sent_url)
    report = ProblemReport.objects.get()
    assert (report.page_id, report.kind, report.site_language) == (class_page.pk, "times", language)
    assert phone.locator("main h1").is_visible()
    with phone.expect_navigation():
        phone.locator(f'main a[href="{listing_url}"]').click()
    assert phone.url.endswith(listing_url)
    checked(page, sent_url, documents, "sent")

    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
