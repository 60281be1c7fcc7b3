"""Booking an initial assessment online (finder.search.assessment_views, finder.assessment_services): finding a time
near a place or by phone, booking once without an account, a full slot answered with other times, cancelling and
moving with the private link, the learner's language in the address and in their messages, and no cookies."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from devtools.assessment_factories import booking_for, slot_for, tomorrow_at
from devtools.factories import ProviderPageFactory, venue_at
from esolplus import notifications
from esolplus.models import Notification
from finder import assessment_services
from finder.assessment_services import SlotFull
from finder.geography.models import Outcode
from finder.models import AssessmentBooking, AssessmentSlot, Language
from tests.concurrency import form_on

pytestmark = pytest.mark.usefixtures("geography")
Status = AssessmentBooking.Status
PHONE = AssessmentSlot.Mode.PHONE
FULL_MESSAGE = "Sorry, this time is now full. Choose another time."

VALID = {
    "name": "Amina",
    "phone": "07700 900123",
    "email": "",
    "preferred_language": "",
    "consent_to_contact": "on",
    "website": "",
}


@pytest.fixture
def provider():
    return ProviderPageFactory(title="Riverside Adult Learning")


@pytest.fixture
def near(provider):
    return venue_at("E1 6AN", provider=provider, name="Toynbee Hall")


@pytest.fixture
def slot(provider, near):
    return slot_for(provider, near)


def listed(response) -> list[int]:
    return [slot.pk for slot in response.context["page_obj"].object_list]


def book_url(slot) -> str:
    return reverse("assessments:book", args=[slot.pk])


def filled_in(client, slot, **values) -> dict:
    """The booking form as a browser sends it, with the one-time key the page gave."""
    return {**form_on(client.get(book_url(slot)), "name", "submission_key"), **VALID, **values}


def manage_url(booking) -> str:
    return reverse("assessments:booking", args=[assessment_services.token_for(booking)])


# --- Finding a time ----------------------------------------------------------------------------------------------


def test_the_list_near_a_postcode_is_soonest_first_with_phone_slots_and_without_far_venues(client, provider, near):
    later = slot_for(provider, near, starts_at=tomorrow_at(days=3))
    soonest = slot_for(provider, near, starts_at=tomorrow_at(days=1))
    by_phone = slot_for(provider, mode=PHONE, starts_at=tomorrow_at(days=2))
    far = slot_for(provider, venue_at("CR0 1NX", provider=provider), starts_at=tomorrow_at(hour=9))
    response = client.get(reverse("assessments:list"), {"where": "E1 6AN"})
    assert response.status_code == 200
    assert listed(response) == [soonest.pk, by_phone.pk, later.pk]
    assert "By phone" in response.content.decode() and "Toynbee Hall" in response.content.decode()
    assert response.context["page_obj"].object_list[0].distance_km < 1
    wider = client.get(reverse("assessments:list"), {"where": "E1 6AN", "radius": "20"})
    assert far.pk in listed(wider)
    assert listed(client.get(reverse("assessments:list"))) == [far.pk, soonest.pk, by_phone.pk, later.pk]


def test_a_slot_shows_when_where_who_places_languages_and_creche(client, provider, near):
    somali = Language.objects.get(code="so")
    slot = slot_for(provider, near, places=3, creche=True, languages=[somali], starts_at=tomorrow_at(hour=14))
    booking_for(slot)
    page = client.get(reverse("assessments:list")).content.decode()
    starts = slot.starts_at
    assert f"{starts:%-d} {starts:%B}" in page and "14:00" in page and "30 minutes" in page
    assert "Toynbee Hall" in page and "1 High Street, London" in page and "E1 6AN" in page
    assert "Riverside Adult Learning" in page and "Places left: 2" in page
    assert "Somali" in page and "Crèche available" in page
    assert book_url(slot) in page


def test_past_draft_and_full_slots_are_not_listed(client, provider, near, slot):
    slot_for(provider, near, starts_at=tomorrow_at(days=-2))
    full = slot_for(provider, near, places=1)
    booking_for(full)
    draft = slot_for(provider, near)
    AssessmentSlot.objects.filter(pk=draft.pk).update(live=False)
    assert listed(client.get(reverse("assessments:list"))) == [slot.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"mode": "phone"}, ["phone"]),
        ({"mode": "in_person"}, ["monday_morning", "wednesday_evening", "creche"]),
        ({"days": "2"}, ["wednesday_evening"]),
        ({"time": "evening"}, ["wednesday_evening"]),
        ({"time": ["morning", "afternoon"]}, ["monday_morning", "phone", "creche"]),
        ({"creche": "on"}, ["creche"]),
        ({"language": "ar"}, ["phone"]),
    ],
)
def test_filters(client, provider, near, query, expected):
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    days_to = (monday - today).days
    slots = {
        "monday_morning": slot_for(provider, near, starts_at=tomorrow_at(hour=9, days=days_to)),
        "wednesday_evening": slot_for(provider, near, starts_at=tomorrow_at(hour=18, days=days_to + 2)),
        "phone": slot_for(
            provider,
            mode=PHONE,
            starts_at=tomorrow_at(hour=13, days=days_to + 3),
            languages=[Language.objects.get(code="ar")],
        ),
        "creche": slot_for(provider, near, creche=True, starts_at=tomorrow_at(hour=11, days=days_to + 4)),
    }
    response = client.get(reverse("assessments:list"), {"where": "E1 6AN", **query})
    assert listed(response) == [slots[name].pk for name in expected]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"where": "Nowhere-on-Thames"}, ""),
        ({"where": "E1 6AN", "radius": "7"}, "Choose a distance from the list."),
        ({"days": "9"}, "Choose days from the list."),
        ({"time": "midnight"}, "Choose a time of day from the list."),
        ({"language": "xx"}, "Choose a language from the list."),
        ({"mode": "post"}, "Choose in person or by phone."),
        ({"page": "999"}, "That page number doesn't exist. Go back to the first page."),
    ],
)
def test_bad_input_gets_a_message_not_an_error(client, slot, query, message):
    response = client.get(reverse("assessments:list"), query)
    assert response.status_code == 200
    assert response.context["errors"] and message in str(response.context["errors"])


def test_an_unknown_postcode_and_one_outside_london_are_explained(client, slot):
    unknown = client.get(reverse("assessments:list"), {"where": "M1 1AE"})
    assert unknown.status_code == 200 and "find the postcode M1 1AE" in unknown.content.decode()
    Outcode.objects.create(
        code="M1", latitude=53.4776, longitude=-2.2336, postcode_count=1000, district_code="E08000003"
    )
    outside = client.get(reverse("assessments:list"), {"where": "M1 1AE"})
    page = outside.content.decode()
    assert outside.status_code == 200 and outside.context["page_obj"] is None
    assert "That postcode is outside London." in page and "?mode=phone" in page


def test_no_times_offers_a_wider_distance_phone_slots_and_the_waiting_list(client, provider):
    slot_for(provider, venue_at("CR0 1NX", provider=provider))
    response = client.get(reverse("assessments:list"), {"where": "E1 6AN", "radius": "2"})
    page = response.content.decode()
    assert listed(response) == [] and "No times found" in page
    assert "radius=5" in page and "?mode=phone" in page and reverse("finder:waiting_for_area") in page


# --- Booking -----------------------------------------------------------------------------------------------------


def test_booking_stores_one_booking_and_shows_its_reference(client, slot):
    form = client.get(book_url(slot))
    assert form.status_code == 200 and b"csrfmiddlewaretoken" not in form.content
    response = client.post(book_url(slot), filled_in(client, slot))
    booking = AssessmentBooking.objects.get()
    assert response.status_code == 302 and response["Location"] == manage_url(booking)
    assert (booking.slot, booking.status, booking.site_language, booking.phone) == (
        slot,
        Status.BOOKED,
        "en-gb",
        "07700 900123",
    )
    slot.refresh_from_db()
    assert slot.booked == 1
    page = client.get(response["Location"]).content.decode()
    assert "You are booked" in page and booking.reference in page and "Cancel this booking" in page


def test_a_booking_needs_a_number_that_can_be_texted(client, slot):
    refused = client.post(book_url(slot), filled_in(client, slot, phone="tomorrow", email=""))
    assert refused.status_code == 200
    assert refused.context["form"].errors["phone"] == ["Enter a phone number like 07700 900123."]
    assert not AssessmentBooking.objects.exists()
    assert client.post(book_url(slot), filled_in(client, slot, phone="۰۷۷۰۰ ۹۰۰۱۲۳")).status_code == 302
    assert AssessmentBooking.objects.get().phone == "07700 900123"


def test_the_same_form_sent_twice_is_one_booking_and_one_message(client, slot):
    data = filled_in(client, slot)
    first, second = client.post(book_url(slot), data), client.post(book_url(slot), data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert AssessmentBooking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Notification.objects.filter(template="assessment_booked").count() == 1


def test_the_form_needs_a_name_a_contact_and_consent(client, slot):
    data = {**filled_in(client, slot), "name": "", "phone": "", "consent_to_contact": ""}
    response = client.post(book_url(slot), data)
    page = response.content.decode()
    assert response.status_code == 200 and not AssessmentBooking.objects.exists()
    assert "Enter your name." in page and "Give a phone number or an email address" in page
    assert "Tick the box" in page


def test_the_last_place_booked_twice_is_one_booking_and_the_form_then_offers_other_times(client, provider, near):
    last = slot_for(provider, near, places=1)
    other = slot_for(provider, near, starts_at=tomorrow_at(days=2))
    data = filled_in(client, last, name="Chen")  # the form was open while the last place went
    booking_for(last)
    with pytest.raises(SlotFull):
        booking_for(last, name="Bilal")
    response = client.post(book_url(last), data)
    page = response.content.decode()
    assert response.status_code == 200 and FULL_MESSAGE in page and book_url(other) in page
    assert FULL_MESSAGE in client.get(book_url(last)).content.decode()
    assert AssessmentBooking.objects.count() == 1
    last.refresh_from_db()
    assert last.booked == 1


def test_past_slots_say_full_and_unknown_or_draft_slots_are_not_found(client, provider, near):
    past = slot_for(provider, near, starts_at=tomorrow_at(days=-1))
    assert FULL_MESSAGE in client.get(book_url(past)).content.decode()
    draft = slot_for(provider, near)
    AssessmentSlot.objects.filter(pk=draft.pk).update(live=False)
    assert client.get(book_url(draft)).status_code == 404
    assert client.get(reverse("assessments:book", args=[999999])).status_code == 404


def test_honeypot_keeps_nothing(client, slot):
    response = client.post(book_url(slot), {**filled_in(client, slot), "website": "http://spam.example"})
    assert response.status_code == 200
    assert not AssessmentBooking.objects.exists() and not Notification.objects.exists()


# --- Cancelling and moving ---------------------------------------------------------------------------------------


def test_cancel_frees_the_place_and_twice_is_harmless(client, slot):
    booking = booking_for(slot)
    url = manage_url(booking)
    assert client.post(url).status_code == 302
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == Status.CANCELLED and slot.booked == 0
    assert client.post(url).status_code == 302
    slot.refresh_from_db()
    assert slot.booked == 0
    assert Notification.objects.filter(template="assessment_cancelled").count() == 1
    page = client.get(url).content.decode()
    assert "Cancelled" in page and reverse("assessments:list") in page and "Cancel this booking" not in page


def test_move_keeps_the_reference_and_moves_the_place(client, provider, near, slot):
    booking = booking_for(slot)
    later = slot_for(provider, near, starts_at=tomorrow_at(days=4))
    move_url = reverse("assessments:move", args=[assessment_services.token_for(booking)])
    page = client.get(move_url)
    assert listed(page) == [later.pk] and booking.reference in page.content.decode()
    response = client.post(move_url, {"slot": later.pk})
    assert response.status_code == 302 and response["Location"] == manage_url(booking)
    moved = AssessmentBooking.objects.get()
    slot.refresh_from_db()
    later.refresh_from_db()
    assert (moved.reference, moved.slot, slot.booked, later.booked) == (booking.reference, later, 0, 1)


def test_move_to_a_full_time_or_a_bad_time_says_so(client, provider, near, slot):
    booking = booking_for(slot)
    full = slot_for(provider, near, places=1, starts_at=tomorrow_at(days=2))
    booking_for(full, name="Bilal")
    move_url = reverse("assessments:move", args=[assessment_services.token_for(booking)])
    assert FULL_MESSAGE in client.post(move_url, {"slot": full.pk}).content.decode()
    assert "Choose a time from the list." in client.post(move_url, {"slot": "soon"}).content.decode()
    assert "Choose a time from the list." in client.post(move_url, {"slot": 999999}).content.decode()
    booking.refresh_from_db()
    assert booking.slot == slot


def test_a_cancelled_booking_cannot_be_moved(client, provider, near, slot):
    booking = booking_for(slot)
    other = slot_for(provider, near, starts_at=tomorrow_at(days=2))
    assessment_services.cancel(booking)
    move_url = reverse("assessments:move", args=[assessment_services.token_for(booking)])
    response = client.post(move_url, {"slot": other.pk})
    assert response.status_code == 200 and "You cannot change it now" in response.content.decode()
    other.refresh_from_db()
    assert other.booked == 0


@pytest.mark.parametrize("name", ["booking", "move"])
def test_bad_or_forged_tokens_are_not_found(client, slot, name):
    booking = booking_for(slot)
    forged = signing.Signer(salt="another.use").sign(str(booking.pk))
    for token in ("nonsense", forged, assessment_services.token_for(booking)[:-2] + "xx"):
        assert client.get(reverse(f"assessments:{name}", args=[token])).status_code == 404
        assert client.post(reverse(f"assessments:{name}", args=[token])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Status.BOOKED


# --- Languages, cookies and messages -----------------------------------------------------------------------------


def test_arabic_pages_are_right_to_left_under_ar_and_messages_are_in_arabic(client, slot):
    page = client.get("/ar/assessments/", {"where": "E1 6AN"})
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()
    with translation.override("ar"):
        url = book_url(slot)
    assert url.startswith("/ar/") and url in page.content.decode()
    data = {**form_on(client.get(url), "name", "submission_key"), **VALID, "email": "amina@example.org"}
    response = client.post(url, data)
    assert response["Location"].startswith("/ar/assessments/booking/")
    booking = AssessmentBooking.objects.get()
    assert booking.site_language == "ar"
    messages = Notification.objects.filter(template="assessment_booked")
    assert {(message.channel, message.language) for message in messages} == {("sms", "ar"), ("email", "ar")}
    assert all("/ar/assessments/booking/" in message.context["manage_url"] for message in messages)
    assert 'dir="rtl"' in client.get(response["Location"]).content.decode()


def test_get_pages_set_no_cookie(client, slot):
    booking = booking_for(slot)
    token = assessment_services.token_for(booking)
    for url in (
        reverse("assessments:list") + "?where=E1+6AN",
        book_url(slot),
        reverse("assessments:booking", args=[token]),
        reverse("assessments:move", args=[token]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and not response.cookies, url
        assert b"csrfmiddlewaretoken" not in response.content


@pytest.mark.parametrize("language", ["en-gb", "ar", "pl"])
@pytest.mark.parametrize("template", ["assessment_booked", "assessment_cancelled", "assessment_reminder"])
def test_every_message_renders_in_the_learners_language(slot, language, template):
    booking = booking_for(slot, email="amina@example.org", site_language=language)
    assessment_services._message(booking, template, key=f"test:{template}")
    for message in Notification.objects.filter(template=template):
        subject, body = notifications.render(message)
        assert booking.reference in body and message.context["manage_url"] in body
        assert message.context["time"] in body and ("Toynbee Hall" in body) == (template != "assessment_cancelled")
        assert bool(subject) == (message.channel == "email")


def test_the_result_message_lists_the_levels(slot):
    booking = booking_for(slot, email="amina@example.org")
    assessment_services._message(booking, "assessment_result", key="test:result", levels=[["speaking", "Entry 2"]])
    for message in Notification.objects.filter(template="assessment_result"):
        _subject, body = notifications.render(message)
        assert "Speaking: Entry 2" in body and booking.reference in body


def test_help_me_choose_and_the_waiting_list_offer_an_assessment(client, slot):
    link = reverse("assessments:list")
    assert link in client.get(reverse("finder:help_me_choose"), {"step": "2", "where": "E1 6AN"}).content.decode()
    assert link in client.get(reverse("finder:waiting_for_area")).content.decode()
