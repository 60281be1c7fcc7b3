"""Public provider, class and workplace offer pages, and the class page's schema.org JSON-LD."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from devtools.factories import (
    ClassPageFactory,
    ProviderPageFactory,
    WorkplaceOfferPageFactory,
    provider_index,
    venue_at,
)
from finder.models import Level

pytestmark = pytest.mark.usefixtures("geography")


def json_ld(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


@pytest.fixture
def class_page(db):
    provider = ProviderPageFactory(title="Riverside Adult Learning", website="https://riverside.example.org")
    venue = venue_at("SE15 5AA", provider=provider, name="Peckham Library", transport_notes="Bus 12 and 36.")
    today = timezone.localdate()
    return ClassPageFactory(
        parent=provider,
        venue=venue,
        title="Entry 2 </script><b>mornings</b>",
        levels=[Level.objects.get(code="entry-2"), Level.objects.get(code="entry-3")],
        sessions=((0, "09:30", "12:00"), (2, "09:30", "12:00")),
        start_date=today + datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=90),
        cost="fee",
        fee_amount=45,
        fee_unit="term",  # a fee now says what it pays for (ClassPage.clean)
        childcare="creche",
        women_only=True,
    )


def test_readable_urls(class_page):
    assert class_page.url == f"/providers/riverside-adult-learning/{class_page.slug}/"
    assert provider_index().url == "/providers/"


def test_class_page_shows_key_facts_and_enquiry_link(client, class_page):
    response = client.get(class_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Entry 2 (A2)",
        "Entry 3 (B1)",
        "Monday 09:30–12:00",
        "£45",
        "Crèche on site",
        "Women only.",
        "Peckham Library",
        "SE15 5AA",
        "Step-free access.",
        "Bus 12 and 36.",
        "Places available",
        "The provider checked this information on",
    ]:
        assert text in html, text
    assert f'href="/find/enquire/{class_page.pk}/"' in html
    assert 'aria-hidden="true"' in html
    assert "<b>mornings</b>" not in html


def test_class_page_json_ld_is_a_course_with_an_instance(client, class_page):
    html = client.get(class_page.url).content.decode()
    assert "</script><b>" not in html.split('application/ld+json">')[1].split("</script>")[0]
    data = json_ld(html)
    assert data["@type"] == "Course" and data["name"] == class_page.title
    assert data["provider"]["name"] == "Riverside Adult Learning"
    assert data["educationalLevel"] == ["Entry 2 (A2)", "Entry 3 (B1)"]
    assert data["offers"]["price"] == "45.00" and data["isAccessibleForFree"] is False
    [instance] = data["hasCourseInstance"]
    assert instance["courseMode"] == "onsite"
    assert instance["audience"]["suggestedGender"] == "female"
    assert instance["location"]["address"]["postalCode"] == "SE15 5AA"
    monday = instance["courseSchedule"][0]
    assert monday["byDay"] == "https://schema.org/Monday"
    assert (monday["startTime"], monday["endTime"], monday["repeatFrequency"]) == ("09:30", "12:00", "P1W")
    assert monday["startDate"] == class_page.start_date.isoformat()
    assert monday["endDate"] == class_page.end_date.isoformat()


def test_online_free_class_json_ld(db):
    page = ClassPageFactory(venue=None, delivery_mode="online", rolling_enrolment=True, end_date=None)
    data = page.structured_data()
    instance = data["hasCourseInstance"][0]
    assert instance["courseMode"] == "online" and instance["location"]["@type"] == "VirtualLocation"
    assert data["isAccessibleForFree"] is True and data["offers"]["price"] == "0"


def test_provider_page_lists_its_current_classes(client, class_page):
    ended = ClassPageFactory(
        parent=class_page.get_parent(),
        venue=class_page.venue,
        title="Last year's class",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 3, 1),
    )
    html = client.get(class_page.get_parent().url).content.decode()
    assert "Riverside Adult Learning" in html and "mornings" in html
    assert ended.title not in html


def test_provider_index_and_workplace_offer_pages(client, class_page):
    offer = WorkplaceOfferPageFactory(parent=class_page.get_parent(), title="English for care workers")
    assert "Riverside Adult Learning" in client.get("/providers/").content.decode()
    html = client.get(offer.url).content.decode()
    assert "English for care workers" in html and "10 weeks, 2 hours a week" in html
