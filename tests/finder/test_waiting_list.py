"""Waiting lists: joining once, leaving with one link, being told once when places open, kept only while useful,
and seen only by the class's own provider."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from devtools.factories import ClassPageFactory, ProviderPageFactory, coordinator, provider_with_editor, venue_at
from devtools.waiting_factories import WaitingListEntryFactory
from esolplus.models import Notification
from finder import waiting_services
from finder.models import Level, WaitingListEntry
from tests.concurrency import at_the_same_moment, connections_that_wait, form_on  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("geography")
Status = WaitingListEntry.Status

VALID = {
    "name": "Amina",
    "phone": "07700 900123",
    "email": "",
    "preferred_language": "",
    "consent_to_contact": "on",
    "website": "",
}


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request to /ar/... leaves Arabic active in the thread, and reverse() outside a request would follow it."""
    translation.activate("en-gb")
    yield
    translation.deactivate()


@pytest.fixture
def full_class():
    provider = ProviderPageFactory()
    return ClassPageFactory(
        venue=venue_at("E1 6AN", provider=provider),
        parent=provider,
        capacity=10,
        enrolled=10,
        contact_phone="020 7946 0000",
    )


def join(client, class_page, data, **extra):
    return client.post(reverse("finder:join_waiting_list", args=[class_page.pk]), data, **extra)


def filled_in(client, class_page) -> dict:
    """The form as a browser would send it, with the one-time key the page gave."""
    page = client.get(reverse("finder:join_waiting_list", args=[class_page.pk]))
    return {**form_on(page, "name", "submission_key"), **VALID}


# --- Joining -----------------------------------------------------------------------------------------------------


def test_a_full_class_offers_its_waiting_list(client, full_class):
    page = client.get(full_class.url)
    assert reverse("finder:join_waiting_list", args=[full_class.pk]).encode() in page.content
    full_class.enrolled = 2
    full_class.save_revision().publish()
    assert reverse("finder:join_waiting_list", args=[full_class.pk]).encode() not in client.get(full_class.url).content


def test_join_stores_the_entry_shows_the_reference_and_queues_a_confirmation(client, full_class):
    form = client.get(reverse("finder:join_waiting_list", args=[full_class.pk]))
    assert form.status_code == 200 and "csrftoken" not in form.cookies and b"csrfmiddlewaretoken" not in form.content
    response = join(client, full_class, filled_in(client, full_class))
    assert response.status_code == 302
    entry = WaitingListEntry.objects.get()
    assert (entry.class_page, entry.status, entry.site_language, entry.phone) == (
        full_class,
        Status.WAITING,
        "en-gb",
        "07700 900123",
    )
    confirmation = client.get(response["Location"])
    assert entry.reference.encode() in confirmation.content
    (message,) = Notification.objects.filter(template="waiting_joined")
    assert (message.channel, message.recipient, message.language) == ("sms", "07700 900123", "en-gb")
    assert message.context["reference"] == entry.reference
    assert (
        reverse("finder:waiting_withdraw", args=[waiting_services.token_for(entry)]) in message.context["withdraw_url"]
    )


def test_a_learner_using_the_site_in_arabic_gets_messages_in_arabic(client, full_class):
    with translation.override("ar"):
        url = reverse("finder:join_waiting_list", args=[full_class.pk])
    assert url.startswith("/ar/")
    data = {**form_on(client.get(url), "name", "submission_key"), **VALID, "email": "amina@example.org"}
    assert client.post(url, data).status_code == 302
    entry = WaitingListEntry.objects.get()
    assert entry.site_language == "ar"
    messages = Notification.objects.filter(template="waiting_joined")
    assert {m.channel for m in messages} == {"sms", "email"} and {m.language for m in messages} == {"ar"}
    assert "/ar/find/waiting/withdraw/" in messages[0].context["withdraw_url"]


def test_bad_input_gets_clear_messages_and_nothing_is_stored(client, full_class):
    response = join(client, full_class, {**VALID, "name": "", "phone": "", "consent_to_contact": ""})
    assert response.status_code == 200
    assert {"name", "phone", "consent_to_contact"} <= set(response.context["form"].errors)
    assert not WaitingListEntry.objects.exists()


def test_a_number_in_arabic_digits_is_the_same_number_and_a_word_is_not_a_number(client, full_class):
    assert join(client, full_class, {**filled_in(client, full_class), "phone": "٠٧٧٠٠ ٩٠٠١٢٣"}).status_code == 302
    assert WaitingListEntry.objects.get().phone == "07700 900123"
    again = join(client, full_class, {**filled_in(client, full_class), "phone": "07700 900123"})
    assert "already on the waiting list" in again.content.decode()
    refused = join(client, full_class, {**filled_in(client, full_class), "phone": "text me"})
    assert refused.context["form"].errors["phone"] == ["Enter a phone number like 07700 900123."]
    assert WaitingListEntry.objects.count() == 1


def test_someone_already_waiting_is_told_so_kindly(client, full_class):
    assert join(client, full_class, filled_in(client, full_class)).status_code == 302
    again = join(client, full_class, {**filled_in(client, full_class), "phone": "07700  900123 "})
    assert again.status_code == 200
    assert "already on the waiting list" in again.content.decode()
    assert WaitingListEntry.objects.count() == 1


def test_the_same_form_sent_twice_stores_one_entry_and_one_message(client, full_class):
    data = filled_in(client, full_class)
    first, second = join(client, full_class, data), join(client, full_class, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert WaitingListEntry.objects.count() == 1
    assert Notification.objects.filter(template="waiting_joined").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("connections_that_wait")
def test_two_forms_for_the_same_person_at_the_same_moment_make_one_entry_and_no_error(full_class):
    phone, laptop = Client(), Client()
    data_phone, data_laptop = filled_in(phone, full_class), filled_in(laptop, full_class)
    results = at_the_same_moment(
        lambda: join(phone, full_class, data_phone), lambda: join(laptop, full_class, data_laptop)
    )
    assert sorted(getattr(result, "status_code", result) for result in results) == [200, 302]
    assert WaitingListEntry.objects.count() == 1


def test_honeypot_keeps_nothing(client, full_class):
    response = join(client, full_class, {**filled_in(client, full_class), "website": "http://spam.example"})
    assert response.status_code == 200
    assert not WaitingListEntry.objects.exists() and not Notification.objects.exists()


def test_rate_limit_per_address(client, full_class):
    for number in range(5):
        data = {**filled_in(client, full_class), "phone": f"07700 90000{number}"}
        assert join(client, full_class, data, REMOTE_ADDR="203.0.113.5").status_code == 302
    response = join(
        client, full_class, {**filled_in(client, full_class), "phone": "07700 900009"}, REMOTE_ADDR="203.0.113.5"
    )
    assert response.status_code == 429 and "wait an hour" in response.content.decode()
    assert WaitingListEntry.objects.count() == 5


def test_only_current_classes_have_a_waiting_list(client):
    draft = ClassPageFactory(live=False)
    assert client.get(reverse("finder:join_waiting_list", args=[draft.pk])).status_code == 404
    assert client.get(reverse("finder:join_waiting_list", args=[999999])).status_code == 404


def test_waiting_for_a_level_near_a_place(client):
    url = reverse("finder:waiting_for_area")
    entry_2 = Level.objects.get(code="entry-2")
    data = {**form_on(client.get(url), "area", "submission_key"), **VALID}
    data.update(area="E1 6AN", level=str(entry_2.pk), radius_km="2")
    response = client.post(url, data)
    assert response.status_code == 302
    entry = WaitingListEntry.objects.get()
    assert (entry.class_page, entry.level, entry.radius_km, entry.area) == (None, entry_2, 2, "E1 6AN")
    assert entry.latitude == pytest.approx(51.52, abs=0.01)
    unknown = client.post(url, {**data, "area": "Atlantis", "submission_key": ""})
    assert unknown.status_code == 200 and "area" in unknown.context["form"].errors


# --- Leaving -----------------------------------------------------------------------------------------------------


def test_withdraw_asks_on_get_and_acts_only_on_post(client):
    entry = WaitingListEntryFactory()
    url = reverse("finder:waiting_withdraw", args=[waiting_services.token_for(entry)])
    page = client.get(url)
    assert page.status_code == 200 and b"Yes, take me off the list" in page.content
    entry.refresh_from_db()
    assert entry.status == Status.WAITING
    assert client.post(url).status_code == 200
    entry.refresh_from_db()
    assert entry.status == Status.WITHDRAWN
    again = client.post(url)
    assert again.status_code == 200 and b"not on this waiting list" in again.content


def test_a_withdraw_link_works_for_its_own_entry_only(client):
    mine, theirs = WaitingListEntryFactory(), WaitingListEntryFactory()
    token = waiting_services.token_for(mine)
    forged = f"{theirs.pk}:{token.split(':', 1)[1]}"
    joined_link = waiting_services.token_for(theirs, waiting_services.JOINED_SALT)
    for bad in (forged, joined_link, "nonsense", signing.Signer(salt="other").sign(str(theirs.pk))):
        assert client.post(reverse("finder:waiting_withdraw", args=[bad])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.WAITING


# --- Telling waiting learners ------------------------------------------------------------------------------------


def waiting_for(class_page, count, **fields):
    return [WaitingListEntryFactory(class_page=class_page, **fields) for _ in range(count)]


def open_places(class_page, enrolled):
    class_page.enrolled = enrolled
    class_page.save_revision().publish()


def test_a_full_class_tells_nobody(full_class):
    waiting_for(full_class, 3)
    assert waiting_services.tell_waiting_learners(full_class) == []


def test_tells_as_many_as_there_are_places_once_however_often_it_runs(full_class):
    entries = waiting_for(full_class, 5)
    open_places(full_class, 8)
    told = waiting_services.tell_waiting_learners(full_class)
    assert told == [entries[0].pk, entries[1].pk]
    assert waiting_services.tell_waiting_learners(full_class) == []
    assert waiting_services.tell_about_open_places.call() == 0
    statuses = [entry.status for entry in WaitingListEntry.objects.order_by("created_at", "pk")]
    assert statuses == [Status.TOLD, Status.TOLD, Status.WAITING, Status.WAITING, Status.WAITING]
    assert Notification.objects.filter(template="waiting_place_open").count() == 2
    assert WaitingListEntry.objects.get(pk=entries[0].pk).told_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("connections_that_wait")
def test_two_calls_at_the_same_moment_tell_each_person_once(full_class):
    waiting_for(full_class, 5)
    open_places(full_class, 8)
    results = at_the_same_moment(
        lambda: waiting_services.tell_waiting_learners(full_class),
        lambda: waiting_services.tell_waiting_learners(full_class),
    )
    assert all(isinstance(result, list) for result in results), results
    assert sorted(len(result) for result in results) == [0, 2]
    assert WaitingListEntry.objects.filter(status=Status.TOLD).count() == 2
    assert Notification.objects.filter(template="waiting_place_open").count() == 2


def test_unknown_numbers_tell_a_few_at_a_time(settings, full_class):
    settings.WAITING_LIST_TELL_AT_ONCE = 3
    waiting_for(full_class, 5)
    full_class.capacity = None
    full_class.save_revision().publish()
    assert len(waiting_services.tell_waiting_learners(full_class)) == 3
    assert waiting_services.tell_waiting_learners(full_class) == []
    later = timezone.now() + datetime.timedelta(days=settings.WAITING_LIST_HOLD_DAYS + 1)
    assert waiting_services.places_to_offer(full_class, now=later) == 3


def test_people_waiting_in_an_area_are_told_by_level_and_distance(full_class):
    entry_1, entry_3 = Level.objects.get(code="entry-1"), Level.objects.get(code="entry-3")
    venue = full_class.venue

    def area_entry(level, km_away, radius):
        return WaitingListEntryFactory(
            class_page=None,
            level=level,
            area="nearby",
            latitude=venue.latitude + km_away / 111.32,
            longitude=venue.longitude,
            radius_km=radius,
        )

    near = area_entry(entry_1, 1, 2)
    any_level = area_entry(None, 3, 5)
    too_far = area_entry(entry_1, 6, 5)
    other_level = area_entry(entry_3, 1, 5)
    open_places(full_class, 9)
    told = waiting_services.tell_about_open_places.call()
    assert told == 2
    assert set(WaitingListEntry.objects.filter(status=Status.TOLD).values_list("pk", flat=True)) == {
        near.pk,
        any_level.pk,
    }
    for entry in (too_far, other_level):
        entry.refresh_from_db()
        assert entry.status == Status.WAITING


def test_each_person_is_told_in_their_own_language(full_class):
    arabic = WaitingListEntryFactory(class_page=full_class, site_language="ar", email="a@example.org")
    polish = WaitingListEntryFactory(class_page=full_class, site_language="pl")
    open_places(full_class, 8)
    waiting_services.tell_waiting_learners(full_class)
    messages = Notification.objects.filter(template="waiting_place_open")
    languages = {(m.recipient, m.language) for m in messages}
    assert languages == {(arabic.phone, "ar"), ("a@example.org", "ar"), (polish.phone, "pl")}
    arabic_sms = messages.get(recipient=arabic.phone)
    assert "/ar/find/waiting/withdraw/" in arabic_sms.context["withdraw_url"]
    assert arabic_sms.context["class_title"] == full_class.title and arabic_sms.context["reference"] == arabic.reference
    from esolplus.notifications import render

    _, body = render(arabic_sms)
    assert arabic.reference in body and full_class.title in body


def test_the_provider_can_tell_the_next_person_by_hand(full_class):
    first, second = waiting_for(full_class, 2)
    assert waiting_services.tell_next_person(full_class) == first
    assert waiting_services.tell_next_person(full_class) == second
    assert waiting_services.tell_next_person(full_class) is None


# --- Personal data -----------------------------------------------------------------------------------------------


def test_the_purge_forgets_old_entries(settings):
    now = timezone.now()
    old_closed = WaitingListEntryFactory(status=Status.WITHDRAWN)
    recent_closed = WaitingListEntryFactory(status=Status.JOINED)
    old_waiting = WaitingListEntryFactory()
    waiting = WaitingListEntryFactory()
    ages = {
        old_closed: settings.WAITING_LIST_CLOSED_RETENTION_DAYS + 1,
        recent_closed: 1,
        old_waiting: settings.WAITING_LIST_RETENTION_DAYS + 1,
        waiting: settings.WAITING_LIST_CLOSED_RETENTION_DAYS + 1,
    }
    for entry, days in ages.items():
        WaitingListEntry.objects.filter(pk=entry.pk).update(updated_at=now - datetime.timedelta(days=days))
    assert waiting_services.purge_old_entries.call() == 2
    assert set(WaitingListEntry.objects.values_list("pk", flat=True)) == {recent_closed.pk, waiting.pk}
    assert "finder.waiting_services.purge_old_entries" in dict(settings.SCHEDULED_TASKS)


def test_subject_access_command_prints_enquiries_and_waiting_entries(capsys):
    import json

    from django.core.management import call_command

    from devtools.factories import EnquiryFactory

    WaitingListEntryFactory(phone="07700 900555", email="Amina@Example.org")
    EnquiryFactory(phone="07700900555")
    WaitingListEntryFactory(phone="07700 900666")
    call_command("finder_subject_access", phone="+44 7700 900555")
    data = json.loads(capsys.readouterr().out)
    assert len(data["waiting_list_entries"]) == 1 and len(data["enquiries"]) == 1
    call_command("finder_subject_access", email="amina@example.org")
    assert len(json.loads(capsys.readouterr().out)["waiting_list_entries"]) == 1


# --- The provider's screen ---------------------------------------------------------------------------------------


@pytest.fixture
def two_providers():
    river = provider_with_editor("Riverside Adult Learning", "river-editor")
    hill = provider_with_editor("Hilltop College", "hill-editor")
    river_class = ClassPageFactory(venue=venue_at("E1 6AN", provider=river.provider), capacity=5, enrolled=5)
    hill_class = ClassPageFactory(venue=venue_at("SE15 5AA", provider=hill.provider), capacity=5, enrolled=5)
    entries = {
        "river": WaitingListEntryFactory(class_page=river_class, name="Alia"),
        "hill": WaitingListEntryFactory(class_page=hill_class, name="Bilal"),
        "area": WaitingListEntryFactory(class_page=None, name="Chen", area="E1", latitude=51.5, longitude=-0.07),
    }
    return river, hill_class, entries


def test_an_editor_sees_and_manages_only_their_own_classes_lists(client, two_providers):
    river, hill_class, entries = two_providers
    client.force_login(river.editor)
    listing = client.get(reverse("finder_waiting_lists"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Alia" in html and "Bilal" not in html and "Chen" not in html
    for entry in (entries["hill"], entries["area"]):
        for action in ("joined", "withdraw"):
            assert client.post(reverse("finder_waiting_change", args=[entry.pk, action])).status_code == 404
        entry.refresh_from_db()
        assert entry.status == Status.WAITING
    assert client.post(reverse("finder_waiting_tell_next", args=[hill_class.pk])).status_code == 404
    assert client.post(reverse("finder_waiting_change", args=[999999, "joined"])).status_code == 404
    own = entries["river"]
    assert client.post(reverse("finder_waiting_change", args=[own.pk, "joined"])).status_code == 302
    own.refresh_from_db()
    assert own.status == Status.JOINED
    filtered = client.get(reverse("finder_waiting_lists"), {"status": "waiting"}).content.decode()
    assert "<td>Alia</td>" not in filtered
    assert "<td>Alia</td>" in client.get(reverse("finder_waiting_lists"), {"status": "joined"}).content.decode()


def test_the_provider_tells_the_next_person_from_the_screen(client, two_providers):
    river, _, entries = two_providers
    client.force_login(river.editor)
    river_class = entries["river"].class_page
    page = client.get(reverse("finder_waiting_lists"), {"class_page": str(river_class.pk)})
    assert reverse("finder_waiting_tell_next", args=[river_class.pk]).encode() in page.content
    assert client.post(reverse("finder_waiting_tell_next", args=[river_class.pk])).status_code == 302
    entries["river"].refresh_from_db()
    assert entries["river"].status == Status.TOLD
    assert Notification.objects.filter(template="waiting_place_open", recipient=entries["river"].phone).exists()


def test_coordinators_see_every_list_and_the_area_entries(client, two_providers):
    client.force_login(coordinator("coord"))
    html = client.get(reverse("finder_waiting_lists")).content.decode()
    assert "Alia" in html and "Bilal" in html and "Chen" in html
    area_only = client.get(reverse("finder_waiting_lists"), {"class_page": "area"}).content.decode()
    assert "Chen" in area_only and "Alia" not in area_only


def test_people_without_a_provider_cannot_open_the_screen(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("nobody", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(reverse("finder_waiting_lists"))  # Wagtail answers "permission denied" with its dashboard
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
