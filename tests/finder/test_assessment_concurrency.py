"""Two learners take the last place in an assessment slot at the same moment: one is booked, the other is told the
time is full (``SlotFull``), and the slot is never overbooked.

Real simultaneous requests from two threads with their own database connections (tests.concurrency); on SQLite the
database is a file whose writers queue for the lock, and on PostgreSQL (DATABASE_URL=postgres://...) the second
conditional UPDATE waits for the first and then finds no place left.
"""

import pytest
from django.test import Client
from django.urls import reverse

from devtools.assessment_factories import booking_for, slot_for
from devtools.factories import ProviderPageFactory, venue_at
from esolplus.models import Notification
from finder.assessment_services import SlotFull
from finder.models import AssessmentBooking
from tests.concurrency import at_the_same_moment, connections_that_wait, form_on  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.usefixtures("geography", "connections_that_wait"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
FULL_MESSAGE = "Sorry, this time is now full. Choose another time."


@pytest.fixture
def last_place():
    provider = ProviderPageFactory()
    return slot_for(provider, venue_at("E1 6AN", provider=provider), places=1)


def test_two_bookings_of_the_last_place_at_the_same_moment_make_one_booking_and_one_slot_full(last_place):
    results = at_the_same_moment(
        lambda: booking_for(last_place, name="Amina"), lambda: booking_for(last_place, name="Bilal")
    )
    assert sum(isinstance(result, AssessmentBooking) for result in results) == 1
    assert sum(isinstance(result, SlotFull) for result in results) == 1
    last_place.refresh_from_db()
    assert (last_place.booked, AssessmentBooking.objects.count()) == (1, 1)


def test_two_learners_sending_the_form_for_the_last_place_at_the_same_moment(last_place):
    url = reverse("assessments:book", args=[last_place.pk])
    phone, laptop = Client(), Client()
    forms = [
        {**form_on(client.get(url), "name", "submission_key"), "name": name, "phone": "07700 900123"}
        | {"consent_to_contact": "on", "website": ""}
        for client, name in ((phone, "Amina"), (laptop, "Bilal"))
    ]
    results = at_the_same_moment(lambda: phone.post(url, forms[0]), lambda: laptop.post(url, forms[1]))
    assert sorted(getattr(result, "status_code", result) for result in results) == [200, 302]
    (full,) = (result for result in results if result.status_code == 200)
    assert FULL_MESSAGE in full.content.decode()
    last_place.refresh_from_db()
    assert (last_place.booked, AssessmentBooking.objects.count()) == (1, 1)
    assert Notification.objects.filter(template="assessment_booked").count() == 1
