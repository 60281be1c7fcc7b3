"""Assessment slots and bookings for tests and demo content.

Slots are made live (approved) directly, as a coordinator's approval would leave them; bookings go through
``finder.assessment_services.book`` so they take a place and queue their confirmation exactly as the public form does.
"""

import datetime
import uuid

import factory
from django.utils import timezone

from devtools.factories import ProviderPageFactory, VenueFactory
from finder import assessment_services
from finder.models import AssessmentBooking, AssessmentSlot


def tomorrow_at(hour: int = 10, minute: int = 0, days: int = 1) -> datetime.datetime:
    """An aware local time ``days`` from today (tomorrow by default) at ``hour:minute``."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def slot_for(
    provider,
    venue=None,
    *,
    starts_at: datetime.datetime | None = None,
    places: int = 3,
    mode: str = AssessmentSlot.Mode.IN_PERSON,
    creche: bool = False,
    languages=(),
    length_minutes: int = 30,
) -> AssessmentSlot:
    """A saved, live slot run by ``provider``: at ``venue`` (one of the provider's venues by default), or by phone."""
    if mode == AssessmentSlot.Mode.IN_PERSON and venue is None:
        venue = provider.venues.filter(live=True).first() or VenueFactory(provider=provider)
    slot = AssessmentSlot(
        provider=provider,
        mode=mode,
        venue=venue if mode == AssessmentSlot.Mode.IN_PERSON else None,
        starts_at=starts_at or tomorrow_at(),
        length_minutes=length_minutes,
        places=places,
        creche=creche,
        live=True,
    )
    slot.save()
    if languages:
        slot.assessor_languages.set(list(languages))
        slot.save()
    return slot


class AssessmentSlotFactory(factory.Factory):
    """``slot_for`` as a factory: a live in-person slot tomorrow at 10:00 with 3 places, for a new provider."""

    provider = factory.SubFactory(ProviderPageFactory)
    venue = None
    starts_at = None
    places = 3
    mode = AssessmentSlot.Mode.IN_PERSON
    creche = False
    languages = ()

    class Meta:
        model = AssessmentSlot

    @classmethod
    def _create(cls, model_class, provider, venue=None, **kwargs):
        return slot_for(provider, venue, **kwargs)

    _build = _create


def booking_for(slot: AssessmentSlot, **fields) -> AssessmentBooking:
    """A learner's booking of ``slot``, made through the booking service (``SlotFull`` when no place is left)."""
    values = {
        "name": "Amina",
        "phone": "07700 900123",
        "site_language": "en-gb",
        "consent_to_contact": True,
        "submission_key": uuid.uuid4(),
        **fields,
    }
    return assessment_services.book(AssessmentBooking(slot=slot, **values))


class AssessmentBookingFactory(factory.Factory):
    """``booking_for`` as a factory: a booking of a new slot unless ``slot`` is given."""

    slot = factory.SubFactory(AssessmentSlotFactory)

    class Meta:
        model = AssessmentBooking

    @classmethod
    def _create(cls, model_class, slot, **fields):
        return booking_for(slot, **fields)

    _build = _create
