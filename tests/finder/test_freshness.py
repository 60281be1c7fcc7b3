"""Listings that stay true (finder.freshness, finder.freshness_services): reminders with a signed "still correct"
link, hiding unchecked listings from the finder (not from the admin), and what learners see."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import PageLogEntry

from devtools.factories import (
    ClassPageFactory,
    WorkplaceOfferPageFactory,
    coordinator,
    provider_with_editor,
    venue_at,
)
from esolplus import notifications
from esolplus.models import Notification
from finder import freshness, freshness_services
from finder.models import ClassPage, WorkplaceOfferPage

pytestmark = pytest.mark.usefixtures("geography")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def providers(db):
    alpha = provider_with_editor("Alpha Adult Learning", "alpha")
    beta = provider_with_editor("Beta Community ESOL", "beta")
    for setup in (alpha, beta):
        setup.editor.email = f"{setup.editor.username}@example.org"
        setup.editor.save()
    boss = coordinator("coord")
    boss.email = "coord@example.org"
    boss.save()
    return alpha, beta


def a_class(setup, checked_days_ago: int, **fields):
    return ClassPageFactory(
        parent=setup.provider,
        venue=venue_at("E1 6AN", provider=setup.provider),
        last_checked=days_ago(checked_days_ago),
        **fields,
    )


def run_job(day: datetime.date | None = None) -> dict:
    return freshness_services.remind_and_hide_listings.call(day.isoformat() if day else None)


def link_path(message: Notification) -> str:
    _subject, body = notifications.render(message)
    (url,) = re.findall(r"https?://\S+/listing-check/\S+/", body)
    return urlsplit(url).path


# --- Reminders and the link ----------------------------------------------------------------------------------------


def test_an_unchecked_listing_reminds_its_editors_with_a_link_that_confirms_it_once(client, providers):
    alpha, _beta = providers
    page = a_class(alpha, 91, title="Evening English")
    run_job()
    (message,) = Notification.objects.filter(template="listing_reminder")
    assert message.recipient == "alpha@example.org"
    subject, body = notifications.render(message)
    assert "Evening English" in subject
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in body  # and a link to edit it
    url = link_path(message)

    shown = client.get(url)  # a link previewer or mail scanner only looks
    assert shown.status_code == 200
    assert "Evening English" in shown.content.decode() and "Yes, still correct" in shown.content.decode()
    assert shown["Referrer-Policy"] == "no-referrer" and "no-store" in shown["Cache-Control"]
    assert ClassPage.objects.get(pk=page.pk).last_checked == days_ago(91)

    done = client.post(url)
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    page = ClassPage.objects.get(pk=page.pk)
    assert page.last_checked == timezone.localdate()
    assert page.get_latest_revision().as_object().last_checked == timezone.localdate()

    again = client.post(url)
    assert again.status_code == 409 and "This link has been used" in again.content.decode()
    assert client.get(url).status_code == 409
    assert PageLogEntry.objects.filter(page=page, action="finder.still_correct").count() == 1


def test_each_reminder_is_sent_once_and_only_to_the_listings_own_editors(providers):
    alpha, beta = providers
    a_class(alpha, 95)
    a_class(alpha, 10)  # checked lately: no reminder
    first = run_job()
    run_job()  # the next day's run, or a retry
    messages = Notification.objects.filter(template="listing_reminder")
    assert first["reminders"] == 1
    assert [m.recipient for m in messages] == ["alpha@example.org"]
    assert not Notification.objects.filter(recipient=beta.editor.email).exists()


def test_a_listing_checked_and_left_again_is_reminded_again(providers):
    alpha, _beta = providers
    page = a_class(alpha, 91)
    run_job()
    ClassPage.objects.filter(pk=page.pk).update(last_checked=days_ago(92))  # another "unchecked since" date
    run_job()
    assert Notification.objects.filter(template="listing_reminder").count() == 2


def test_an_editor_gets_the_reminder_in_their_admin_language(providers):
    from wagtail.users.models import UserProfile

    alpha, _beta = providers
    profile = UserProfile.get_for_user(alpha.editor)
    profile.preferred_language = "pl"
    profile.save()
    a_class(alpha, 100)
    run_job()
    assert Notification.objects.get(template="listing_reminder").language == "pl"


def test_an_altered_link_is_refused_with_a_clear_message(client, providers):
    alpha, _beta = providers
    page = a_class(alpha, 100)
    token = freshness_services.link_token(page)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", "a:b:c", "%00"):
        response = client.post(reverse("listing_still_correct", args=[bad]))
        assert response.status_code == 400, bad
        assert "This link does not work" in response.content.decode()
    other = freshness_services.signing.TimestampSigner(salt="another.use").sign_object({"page": page.pk})
    assert client.post(reverse("listing_still_correct", args=[other])).status_code == 400
    assert ClassPage.objects.get(pk=page.pk).last_checked == days_ago(100)


def test_an_expired_link_is_refused(client, providers, settings):
    alpha, _beta = providers
    page = a_class(alpha, 100)
    url = reverse("listing_still_correct", args=[freshness_services.link_token(page)])
    later = timezone.now() + datetime.timedelta(days=settings.LISTING_LINK_DAYS, hours=1)
    with freeze_time(later):
        response = client.post(url)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert ClassPage.objects.get(pk=page.pk).last_checked == days_ago(100)


def test_a_link_to_an_unpublished_listing_is_refused(client, providers):
    alpha, _beta = providers
    page = a_class(alpha, 100)
    url = reverse("listing_still_correct", args=[freshness_services.link_token(page)])
    page.unpublish()
    assert client.post(url).status_code == 404


def test_a_link_confirms_a_workplace_offer_and_records_the_signed_in_editor(client, providers):
    _alpha, beta = providers
    offer = WorkplaceOfferPageFactory(parent=beta.provider, last_checked=days_ago(120))
    client.login(username="beta", password="pw")
    client.post(reverse("listing_still_correct", args=[freshness_services.link_token(offer)]))
    assert WorkplaceOfferPage.objects.get(pk=offer.pk).last_checked == timezone.localdate()
    entry = PageLogEntry.objects.get(page=offer, action="finder.still_correct")
    assert entry.user == beta.editor


def test_a_cross_site_post_is_refused(client, providers):
    alpha, _beta = providers
    page = a_class(alpha, 100)
    url = reverse("listing_still_correct", args=[freshness_services.link_token(page)])
    assert client.post(url, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert ClassPage.objects.get(pk=page.pk).last_checked == days_ago(100)


# --- Hidden from the finder, not from the admin ------------------------------------------------------------------


def test_a_listing_past_the_cutoff_leaves_the_finder_and_the_api_but_not_the_admin(client, providers, settings):
    alpha, _beta = providers
    shown = a_class(alpha, settings.LISTING_HIDE_AFTER_DAYS, title="Checked in time")
    hidden = a_class(alpha, settings.LISTING_HIDE_AFTER_DAYS + 1, title="Long unchecked")
    results = client.get(reverse("finder:find"), {"where": "E1 6AN", "radius": "5"}).content.decode()
    assert "Checked in time" in results and "Long unchecked" not in results
    api = client.get("/openreferral/services").json()
    names = [service["name"] for service in api["contents"]]
    assert "Checked in time" in names and "Long unchecked" not in names
    assert client.get(reverse("finder:enquiry", args=[hidden.pk])).status_code == 404

    page = client.get(hidden.url).content.decode()  # old links still work, with the warning
    assert "Long unchecked" in page and "not in the search results" in page
    assert reverse("finder:enquiry", args=[hidden.pk]) not in page
    assert reverse("finder:enquiry", args=[shown.pk]) in client.get(shown.url).content.decode()

    client.login(username="coord", password="pw")
    assert "Long unchecked" in client.get(reverse("finder_stale_listings")).content.decode()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[hidden.pk])).status_code == 200
    assert ClassPage.objects.filter(pk=hidden.pk, live=True).exists()


def test_confirming_a_hidden_listing_brings_it_back(client, providers, settings):
    alpha, _beta = providers
    hidden = a_class(alpha, settings.LISTING_HIDE_AFTER_DAYS + 30, title="Long unchecked")
    client.post(reverse("listing_still_correct", args=[freshness_services.link_token(hidden)]))
    results = client.get(reverse("finder:find"), {"where": "E1 6AN", "radius": "5"}).content.decode()
    assert "Long unchecked" in results


def test_an_unchecked_workplace_offer_leaves_the_workplace_finder_and_the_providers_page(client, providers, settings):
    _alpha, beta = providers
    fresh = WorkplaceOfferPageFactory(parent=beta.provider, title="Care English")
    stale = WorkplaceOfferPageFactory(
        parent=beta.provider, title="Old offer", last_checked=days_ago(settings.LISTING_HIDE_AFTER_DAYS + 1)
    )
    assert set(WorkplaceOfferPage.objects.current()) == {fresh}
    provider_page = client.get(beta.provider.url).content.decode()
    assert "Care English" in provider_page and "Old offer" not in provider_page
    names = [service["name"] for service in client.get("/openreferral/services").json()["contents"]]
    assert "Old offer" not in names and "Care English" in names
    assert client.get(stale.url).status_code == 200


def test_the_provider_and_the_coordinators_are_told_once_when_a_listing_is_hidden(providers, settings):
    alpha, _beta = providers
    page = a_class(alpha, settings.LISTING_HIDE_AFTER_DAYS + 1, title="Long unchecked")
    a_class(alpha, settings.LISTING_HIDE_AFTER_DAYS - 1)  # old, not yet hidden
    assert run_job()["hidden"] == 1
    run_job()
    notices = Notification.objects.filter(template="listing_hidden")
    assert sorted(n.recipient for n in notices) == ["alpha@example.org", "coord@example.org"]
    reminders = Notification.objects.filter(template="listing_reminder")
    assert reminders.count() == 1 and f"listing:{page.pk}:" not in reminders.get().key  # the notice, not both
    editor_notice = notices.get(recipient="alpha@example.org")
    _subject, body = notifications.render(editor_notice)
    assert "/listing-check/" in body and "Long unchecked" in body
    _subject, body = notifications.render(notices.get(recipient="coord@example.org"))
    assert "/listing-check/" not in body  # coordinators use the admin
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in body


def test_nobody_is_told_about_another_providers_hidden_listing(providers, settings):
    _alpha, beta = providers
    a_class(beta, settings.LISTING_HIDE_AFTER_DAYS + 5)
    run_job()
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {"beta@example.org", "coord@example.org"}


# --- Intakes -------------------------------------------------------------------------------------------------------


def test_first_working_days_skip_weekends_and_bank_holidays():
    assert freshness.first_working_day(2027, 9) == datetime.date(2027, 9, 1)  # a Wednesday
    assert freshness.first_working_day(2027, 1) == datetime.date(2027, 1, 4)  # New Year's Day is a Friday
    assert freshness.first_working_day(2022, 1) == datetime.date(2022, 1, 4)  # Saturday; its Monday off
    assert freshness.first_working_day(2018, 4) == datetime.date(2018, 4, 3)  # Sunday, then Easter Monday
    assert freshness.first_working_day(2026, 8) == datetime.date(2026, 8, 3)


def test_intake_reminders_come_on_an_intake_month_only(providers):
    alpha, _beta = providers
    term_long = {"start_date": None, "end_date": None}
    before = ClassPageFactory(
        parent=alpha.provider,
        venue=venue_at("E1 6AN", provider=alpha.provider),
        last_checked=datetime.date(2027, 8, 1),
        **term_long,
    )
    ClassPageFactory(  # checked for the new term already
        parent=alpha.provider,
        venue=venue_at("E1 6AN", provider=alpha.provider),
        last_checked=datetime.date(2027, 8, 20),
        **term_long,
    )
    run_job(datetime.date(2027, 8, 31))
    assert not Notification.objects.exists()
    run_job(datetime.date(2027, 9, 1))
    run_job(datetime.date(2027, 9, 2))  # the next day: nothing more
    (message,) = Notification.objects.filter(template="listing_reminder")
    assert message.key.startswith(f"listing:{before.pk}:intake:2027-09-01:")
    assert "New term" in notifications.render(message)[0]
    run_job(datetime.date(2027, 10, 1))  # not an intake month, and not yet 90 days unchecked
    assert Notification.objects.count() == 1


def test_intake_months_come_from_the_settings(providers, settings):
    settings.LISTING_INTAKE_MONTHS = [10]
    assert freshness.intake_day(datetime.date(2027, 9, 1)) is None
    assert freshness.intake_day(datetime.date(2027, 10, 1)) == datetime.date(2027, 10, 1)
    assert freshness.intake_day(datetime.date(2027, 10, 20)) is None  # past the catch-up days


# --- What learners see ---------------------------------------------------------------------------------------------


def test_learners_see_the_checked_date_and_a_warning_past_three_months(client, providers):
    alpha, _beta = providers
    recent = a_class(alpha, 20, title="Recently checked")
    old = a_class(alpha, 100, title="Not checked lately")
    warning = "has not checked this information for over three months"
    recent_page = client.get(recent.url).content.decode()
    assert "The provider checked this information on" in recent_page and warning not in recent_page
    assert warning in client.get(old.url).content.decode()

    results = client.get(reverse("finder:find"), {"where": "E1 6AN", "radius": "5"}).content.decode()
    assert results.count("Checked by the provider on") == 2
    assert results.count("Not checked for over three months") == 1


def test_a_cached_result_card_shows_a_new_check_at_once(client, providers):
    alpha, _beta = providers
    old = a_class(alpha, 100, title="Not checked lately")

    def card():
        return client.get(reverse("finder:find"), {"where": "E1 6AN", "radius": "5"}).content.decode()

    assert "Not checked for over three months" in card()
    freshness_services.confirm_listing_still_correct(old, None)  # in place: no new revision
    assert "Not checked for over three months" not in card()


def test_nobody_without_an_address_holds_up_the_others(providers):
    alpha, _beta = providers
    extra = get_user_model().objects.create_user("alpha2", email="", password="pw")
    extra.groups.add(alpha.editors)
    a_class(alpha, 100)
    run_job()
    assert list(Notification.objects.values_list("recipient", flat=True)) == ["alpha@example.org"]
