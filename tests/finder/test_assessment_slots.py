"""Rules on the assessment slot itself (finder.models.assessments): what a revision may and may not change."""

import pytest

from devtools.assessment_factories import booking_for, slot_for
from devtools.factories import ProviderPageFactory, venue_at

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def slot():
    provider = ProviderPageFactory(title="Riverside Adult Learning")
    return slot_for(provider, venue_at("E1 6AN", provider=provider), places=3)


def test_publishing_an_older_revision_keeps_the_bookings_and_enough_places_for_them(slot):
    slot.places = 1
    revision = slot.save_revision()  # a change that waited for approval while learners booked
    booking_for(slot)
    booking_for(slot)
    slot.refresh_from_db()

    revision.publish()

    slot.refresh_from_db()
    assert (slot.booked, slot.places) == (2, 2)  # nobody loses their place, and the slot is not overbooked


def test_a_revision_with_more_places_is_published_as_it_is(slot):
    booking_for(slot)
    slot.refresh_from_db()
    slot.places = 5
    slot.save_revision().publish()
    slot.refresh_from_db()
    assert (slot.booked, slot.places) == (1, 5)
