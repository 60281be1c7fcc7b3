"""Keeping listings true: automatic expiry, the stale listings report and "still correct"."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from devtools.factories import (
    ClassPageFactory,
    VenueFactory,
    WorkplaceOfferPageFactory,
    coordinator,
    provider_with_editor,
)
from finder.models import ClassPage, WorkplaceOfferPage

pytestmark = pytest.mark.usefixtures("geography")
TODAY = datetime.date(2026, 11, 24)


def end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def test_class_expires_when_its_term_ends(db):
    today = timezone.localdate()
    page = ClassPageFactory(start_date=today, end_date=today + datetime.timedelta(days=30))
    page = ClassPage.objects.get(pk=page.pk)
    assert page.expire_at == end_of(today + datetime.timedelta(days=30))
    assert page.get_latest_revision().as_object().expire_at == page.expire_at


def test_publish_scheduled_unpublishes_ended_classes_only(db):
    today = timezone.localdate()
    ended = ClassPageFactory(
        start_date=today - datetime.timedelta(days=60), end_date=today - datetime.timedelta(days=1)
    )
    running = ClassPageFactory(start_date=today, end_date=today + datetime.timedelta(days=30))
    assert ClassPage.objects.get(pk=ended.pk).live  # published, but already past its expiry
    call_command("publish_scheduled")
    ended = ClassPage.objects.get(pk=ended.pk)
    assert not ended.live and ended.expired
    assert ClassPage.objects.get(pk=running.pk).live


@pytest.fixture
def listings(db):
    a = provider_with_editor("Alpha Adult Learning", "alpha")
    b = provider_with_editor("Beta Community ESOL", "beta")
    old = TODAY - datetime.timedelta(days=100)
    stale_class = ClassPageFactory(
        venue=VenueFactory(provider=a.provider), parent=a.provider, title="Stale class", last_checked=old
    )
    fresh_class = ClassPageFactory(
        venue=VenueFactory(provider=a.provider), parent=a.provider, title="Fresh class", last_checked=TODAY
    )
    stale_offer = WorkplaceOfferPageFactory(parent=b.provider, title="Stale offer", last_checked=old)
    return a, b, stale_class, fresh_class, stale_offer


@pytest.fixture
def on_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def test_coordinators_report_lists_unchecked_listings_with_their_provider(client, listings, on_today):
    coordinator("coord")
    client.login(username="coord", password="pw")
    response = client.get(reverse("finder_stale_listings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stale class" in html and "Alpha Adult Learning" in html
    assert "Stale offer" in html and "Beta Community ESOL" in html and "Workplace offer" in html
    assert "Fresh class" not in html


def test_report_shows_an_editor_only_their_own_listings(client, listings, on_today):
    client.login(username="beta", password="pw")
    html = client.get(reverse("finder_stale_listings")).content.decode()
    assert "Stale offer" in html
    assert "Stale class" not in html


def test_report_can_be_downloaded_as_csv(client, listings, on_today):
    coordinator("coord")
    client.login(username="coord", password="pw")
    response = client.get(reverse("finder_stale_listings") + "?export=csv")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "Stale class" in body and "Alpha Adult Learning" in body


def test_a_class_title_that_looks_like_a_formula_stays_text_in_the_csv(client, listings, on_today):
    _a, _b, stale_class, *_ = listings
    ClassPage.objects.filter(pk=stale_class.pk).update(title='=HYPERLINK("http://evil.example","Open")')
    coordinator("coord")
    client.login(username="coord", password="pw")
    response = client.get(reverse("finder_stale_listings") + "?export=csv")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert [row[0] for row in rows if "HYPERLINK" in row[0]] == ['\'=HYPERLINK("http://evil.example","Open")']


def test_still_correct_stamps_todays_date(client, listings, on_today):
    _a, _b, stale_class, *_ = listings
    client.login(username="alpha", password="pw")
    url = reverse("finder_still_correct", args=[stale_class.pk])
    assert client.get(url).status_code == 200  # a confirmation page, for browsers without JavaScript
    assert ClassPage.objects.get(pk=stale_class.pk).last_checked != TODAY
    response = client.post(url, {"next": "/admin/pages/"})
    assert response.status_code == 302 and response.url == "/admin/pages/"
    page = ClassPage.objects.get(pk=stale_class.pk)
    assert page.last_checked == TODAY
    assert page.get_latest_revision().as_object().last_checked == TODAY
    assert PageLogEntry.objects.filter(page=page, action="finder.still_correct").exists()


def test_still_correct_refuses_another_providers_editor(client, listings):
    *_, stale_offer = listings
    client.login(username="alpha", password="pw")
    response = client.post(reverse("finder_still_correct", args=[stale_offer.pk]))
    assert response.status_code in (302, 403)
    assert WorkplaceOfferPage.objects.get(pk=stale_offer.pk).last_checked == stale_offer.last_checked


def test_still_correct_needs_a_csrf_token(listings):
    _a, _b, stale_class, *_ = listings
    client = Client(enforce_csrf_checks=True)
    client.login(username="alpha", password="pw")
    response = client.post(reverse("finder_still_correct", args=[stale_class.pk]))
    assert response.status_code == 403
    assert ClassPage.objects.get(pk=stale_class.pk).last_checked == stale_class.last_checked


def test_still_correct_is_offered_in_the_page_listing(client, listings):
    a, _b, stale_class, *_ = listings
    client.login(username="alpha", password="pw")
    still_correct = reverse("finder_still_correct", args=[stale_class.pk]).encode()
    assert still_correct in client.get(reverse("wagtailadmin_explore", args=[a.provider.pk])).content
    assert still_correct in client.get(reverse("wagtailadmin_pages:edit", args=[stale_class.pk])).content
    client.logout()
    client.login(username="beta", password="pw")
    assert still_correct not in client.get(reverse("wagtailadmin_explore", args=[a.provider.pk])).content


def test_coordinator_can_confirm_any_listing(client, listings, on_today):
    *_, stale_offer = listings
    coordinator("coord")
    client.login(username="coord", password="pw")
    client.post(reverse("finder_still_correct", args=[stale_offer.pk]))
    assert WorkplaceOfferPage.objects.get(pk=stale_offer.pk).last_checked == TODAY
