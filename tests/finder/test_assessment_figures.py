"""The coordinators' assessment figures, on hand-made cases with exact numbers, and who may see the report."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from devtools.assessment_factories import slot_for
from devtools.factories import ClassPageFactory, ProviderPageFactory, coordinator, provider_with_editor, venue_at
from finder import assessment_figures, assessment_services
from finder.assessment_figures import LevelRow, SlotCounts, Wait
from finder.models import AssessmentBooking, AssessmentResult, AssessmentSlot, Enquiry, Language, Level

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en-gb")
    yield
    translation.deactivate()


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def booked(slot, name: str, on: str) -> AssessmentBooking:
    """A booking made on a given day (the public form's path, ``book``, is tested with the booking pages)."""
    booking = AssessmentBooking.objects.create(slot=slot, name=name, phone="07700 900123", consent_to_contact=True)
    AssessmentSlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    AssessmentBooking.objects.filter(pk=booking.pk).update(created_at=at(on))
    return booking


def level(code: str) -> Level:
    return Level.objects.get(code=code)


def result_for(booking, assessed_on: str, **levels) -> AssessmentResult:
    return assessment_services.record_result(
        AssessmentResult(
            booking=booking,
            assessed_on=datetime.date.fromisoformat(assessed_on),
            consent_to_share=True,
            **{skill: level(code) for skill, code in levels.items()},
        )
    )


@pytest.fixture
def hub():
    """3 slots with 5 places (Tower Hamlets, Southwark, by phone), 4 bookings: 2 assessed, 1 no-show, 1 cancelled."""
    provider = ProviderPageFactory(title="East London Assessment Hub")
    arabic, somali = Language.objects.get(code="ar"), Language.objects.get(code="so")
    tower_hamlets = slot_for(
        provider,
        venue_at("E1 0AA", provider=provider),
        starts_at=at("2030-01-07"),
        places=2,
        languages=[arabic, somali],
    )
    southwark = slot_for(
        provider, venue_at("SE15 5AA", provider=provider), starts_at=at("2030-01-09"), places=2, languages=[somali]
    )
    phone = slot_for(provider, mode=AssessmentSlot.Mode.PHONE, starts_at=at("2030-01-15"), places=1)
    draft = slot_for(provider, mode=AssessmentSlot.Mode.PHONE, starts_at=at("2030-01-08"), places=9)
    AssessmentSlot.objects.filter(pk=draft.pk).update(live=False)  # not offered (not approved), nobody booked

    amina = booked(tower_hamlets, "Amina", "2029-12-31")  # 7 days before
    bilal = booked(tower_hamlets, "Bilal", "2030-01-02")
    chen = booked(southwark, "Chen", "2030-01-06")  # 3 days before
    dana = booked(southwark, "Dana", "2030-01-02")
    amina_result = result_for(amina, "2030-01-07", speaking="entry-1", reading="entry-2")
    chen_result = result_for(chen, "2030-01-09", speaking="entry-3", listening="entry-2")
    assessment_services.mark_attendance(bilal, attended=False)
    assessment_services.cancel(dana, tell_learner=False)
    return {"provider": provider, "amina": amina_result, "chen": chen_result, "phone": phone}


def test_slots_places_and_bookings_by_borough_week_and_language(hub):
    counts = assessment_figures.slot_counts()
    assert counts["total"] == [SlotCounts("All", slots=3, places=5, booked=4, attended=2, no_show=1, cancelled=1)]
    assert counts["by_borough"] == [
        SlotCounts("Southwark", slots=1, places=2, booked=2, attended=1, no_show=0, cancelled=1),
        SlotCounts("Tower Hamlets", slots=1, places=2, booked=2, attended=1, no_show=1, cancelled=0),
        SlotCounts("By phone", slots=1, places=1),
    ]
    assert counts["by_week"] == [
        SlotCounts("2030-W02", slots=2, places=4, booked=4, attended=2, no_show=1, cancelled=1),
        SlotCounts("2030-W03", slots=1, places=1),
    ]
    assert counts["by_language"] == [
        SlotCounts("Arabic", slots=1, places=2, booked=2, attended=1, no_show=1, cancelled=0),
        SlotCounts("No other language", slots=1, places=1),
        SlotCounts("Somali", slots=2, places=4, booked=4, attended=2, no_show=1, cancelled=1),
    ]


def test_a_period_chooses_slots_by_their_start(hub):
    counts = assessment_figures.slot_counts(since=datetime.date(2030, 1, 8), until=datetime.date(2030, 1, 31))
    assert counts["total"] == [SlotCounts("All", slots=2, places=3, booked=2, attended=1, no_show=0, cancelled=1)]
    assert assessment_figures.slot_counts(until=datetime.date(2029, 12, 31))["total"] == [SlotCounts("All")]


def test_a_withdrawn_slot_someone_booked_still_counts(hub):
    AssessmentSlot.objects.filter(venue__postcode="E1 0AA").update(live=False)
    assert assessment_figures.slot_counts()["total"][0].slots == 3


def test_time_from_booking_to_assessment_for_the_learners_assessed(hub):
    assert assessment_figures.booking_to_assessment() == [
        Wait("All", 2, 5.0),
        Wait("Southwark", 1, 3.0),
        Wait("Tower Hamlets", 1, 7.0),
    ]
    assert assessment_figures.booking_to_assessment(since=datetime.date(2030, 2, 1)) == [Wait("All", 0, None)]


def test_time_from_assessment_to_the_class_referred_to(hub):
    provider = hub["provider"]
    venue = provider.venues.first()
    term = ClassPageFactory(venue=venue, parent=provider, start_date=datetime.date(2030, 2, 4), end_date=None)
    rolling = ClassPageFactory(venue=venue, parent=provider, start_date=None, end_date=None, rolling_enrolment=True)
    undated = ClassPageFactory(venue=venue, parent=provider, start_date=None, end_date=None)
    started = ClassPageFactory(venue=venue, parent=provider, start_date=datetime.date(2030, 1, 2), end_date=None)
    assessment_services.refer_to_class(hub["amina"], term)  # 28 days after 7 January
    later = assessment_services.refer_to_class(hub["chen"], rolling)  # could start the day it was referred
    Enquiry.objects.filter(pk=later.pk).update(created_at=at("2030-01-10"))  # one day after 9 January
    assessment_services.refer_to_class(hub["chen"], undated)  # no start date: left out
    assert assessment_figures.assessment_to_class() == [
        Wait("All", 2, 14.5),
        Wait("Southwark", 1, 1.0),
        Wait("Tower Hamlets", 1, 28.0),
    ]
    assessment_services.refer_to_class(hub["chen"], started)  # began before the assessment: no wait
    assert assessment_figures.assessment_to_class()[1] == Wait("Southwark", 2, 0.5)


def test_levels_assessed_by_borough_at_the_lowest_level_or_in_one_skill(hub):
    lowest = assessment_figures.levels_by_borough()
    assert lowest.levels == (
        "Pre-entry (below A1)",
        "Entry 1 (A1)",
        "Entry 2 (A2)",
        "Entry 3 (B1)",
        "Level 1 (B2)",
        "Level 2 (C1)",
    )
    assert lowest.rows == (
        LevelRow("Southwark", (0, 0, 1, 0, 0, 0), 1),  # Entry 3 speaking, Entry 2 listening: Entry 2
        LevelRow("Tower Hamlets", (0, 1, 0, 0, 0, 0), 1),
    )
    speaking = assessment_figures.levels_by_borough("speaking")
    assert speaking.rows == (
        LevelRow("Southwark", (0, 0, 0, 1, 0, 0), 1),
        LevelRow("Tower Hamlets", (0, 1, 0, 0, 0, 0), 1),
    )
    assert assessment_figures.levels_by_borough("writing").rows == ()
    assert assessment_figures.levels_by_borough(until=datetime.date(2030, 1, 8)).rows == (
        LevelRow("Tower Hamlets", (0, 1, 0, 0, 0, 0), 1),
    )


def test_only_coordinators_see_the_report(client, hub):
    url = reverse("finder_assessment_report")
    editor = provider_with_editor("Riverside Adult Learning", "river-editor").editor
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code in (302, 403)  # Wagtail answers "permission denied" with its dashboard
    client.force_login(coordinator("coord"))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tower Hamlets" in html and "2030-W02" in html and "Somali" in html
    assert "lowest level across the skills" in html
    speaking = client.get(url, {"skill": "speaking", "since": "2030-01-01", "until": "2030-01-31"}).content.decode()
    assert "level in Speaking" in speaking
    wrong = client.get(url, {"since": "2030-02-01", "until": "2030-01-01"})
    assert wrong.status_code == 200 and "on or after its start" in wrong.content.decode()
