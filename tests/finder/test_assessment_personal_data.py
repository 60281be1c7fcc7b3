"""Assessment bookings are personal data: shown in subject access with their results, forgotten after retention."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from devtools.assessment_factories import slot_for
from devtools.factories import ClassPageFactory, ProviderPageFactory
from finder import assessment_services
from finder.models import AssessmentBooking, AssessmentResult, AssessmentResultLookup, AssessmentSlot, Enquiry, Level
from finder.waiting_services import records_about

pytestmark = pytest.mark.usefixtures("geography")


def booking(slot, status=AssessmentBooking.Status.BOOKED, **fields) -> AssessmentBooking:
    """A booking stored as the booking service leaves it (the service itself is tested with the booking pages)."""
    values = {"name": "Amina", "phone": "07700 900555", "consent_to_contact": True, "status": status, **fields}
    return AssessmentBooking.objects.create(slot=slot, **values)


def with_result(booked: AssessmentBooking, **levels) -> AssessmentResult:
    return AssessmentResult.objects.create(
        booking=booked,
        consent_to_share=True,
        **{skill: Level.objects.get(code=code) for skill, code in levels.items()},
    )


@pytest.fixture
def slots():
    provider = ProviderPageFactory(title="Docklands Assessment Hub")
    now = timezone.now()
    return {
        "past": slot_for(provider, mode=AssessmentSlot.Mode.PHONE, starts_at=now - datetime.timedelta(days=400)),
        "upcoming": slot_for(provider, mode=AssessmentSlot.Mode.PHONE, starts_at=now + datetime.timedelta(days=5)),
    }


def test_subject_access_shows_bookings_with_their_results_levels(slots, capsys):
    mine = booking(slots["past"], status="attended", email="Amina@Example.org")
    result = with_result(mine, speaking="entry-1", writing="pre-entry")
    assessment_services.look_up_result(mine.reference, learner_consents=True, provider=slots["past"].provider)
    booking(slots["upcoming"], phone="+44 7700 900555")
    booking(slots["upcoming"], phone="07700 900666", name="Someone else")

    found = records_about(phone="07700900555")["assessment_bookings"]
    assert len(found) == 2
    assessed = next(row for row in found if row["reference"] == mine.reference)
    assert assessed["status"] == "attended" and assessed["provider"] == "Docklands Assessment Hub"
    assert assessed["result"]["speaking"] == "Entry 1 (A1)"
    assert assessed["result"]["writing"] == "Pre-entry (below A1)"
    assert assessed["result"]["assessed_on"] == str(result.assessed_on)
    assert assessed["result"]["looked_up_by"][0][0] == "Docklands Assessment Hub"
    assert next(row for row in found if row["reference"] != mine.reference)["result"] is None

    by_email = records_about(email="amina@example.org")["assessment_bookings"]
    assert [row["reference"] for row in by_email] == [mine.reference]
    call_command("finder_subject_access", email="amina@example.org")
    printed = json.loads(capsys.readouterr().out)
    assert printed["assessment_bookings"][0]["result"]["speaking"] == "Entry 1 (A1)"


def test_the_purge_forgets_old_bookings_and_their_results_and_keeps_recent_and_upcoming_ones(slots):
    now = timezone.now()
    old = now - datetime.timedelta(days=settings.ASSESSMENT_RETENTION_DAYS + 1)
    recent = now - datetime.timedelta(days=settings.ASSESSMENT_RETENTION_DAYS - 1)
    past, upcoming = slots["past"], slots["upcoming"]
    bookings = {
        "old assessed": booking(past, status="attended"),
        "old no-show": booking(past, status="no_show"),
        "old cancelled": booking(upcoming, status="cancelled"),
        "old, never marked": booking(past),
        "recently assessed": booking(past, status="attended"),
        "upcoming, booked long ago": booking(upcoming),
    }
    old_result = with_result(bookings["old assessed"], speaking="entry-2")
    AssessmentResultLookup.objects.create(result=old_result)
    placement = assessment_services.refer_to_class(old_result, ClassPageFactory())
    with_result(bookings["recently assessed"], reading="entry-3")
    for name, row in bookings.items():
        AssessmentBooking.objects.filter(pk=row.pk).update(updated_at=recent if name.startswith("recent") else old)

    assessment_services.purge_old_bookings.call()

    kept = set(AssessmentBooking.objects.values_list("pk", flat=True))
    assert kept == {bookings["recently assessed"].pk, bookings["upcoming, booked long ago"].pk}
    assert list(AssessmentResult.objects.values_list("booking_id", flat=True)) == [bookings["recently assessed"].pk]
    assert not AssessmentResultLookup.objects.exists()
    placement = Enquiry.objects.get(pk=placement.pk)  # the class's enquiry stays, without the link
    assert placement.assessment_id is None
    assert "finder.assessment_services.purge_old_bookings" in dict(settings.SCHEDULED_TASKS)


def test_erasure_forgets_every_record_about_the_person_and_gives_back_their_place(slots, capsys):
    from devtools.assessment_factories import booking_for

    upcoming = slots["upcoming"]
    mine = booking_for(upcoming, name="Amina", phone="07700 900555", email="")
    past = booking(slots["past"], status="attended")
    with_result(past, speaking="entry-1")
    someone_else = booking_for(upcoming, name="Someone else", phone="07700 900666", email="")
    upcoming.refresh_from_db()
    assert upcoming.booked == 2

    call_command("finder_erase", phone="+44 7700 900555")  # without --yes: a list, nothing deleted
    assert json.loads(capsys.readouterr().out) == {
        "would_delete": {"enquiries": 0, "employer_enquiries": 0, "waiting_list_entries": 0, "assessment_bookings": 2}
    }
    assert AssessmentBooking.objects.count() == 3

    call_command("finder_erase", phone="+44 7700 900555", yes=True)
    assert json.loads(capsys.readouterr().out)["deleted"]["assessmentbooking"] == 2
    assert list(AssessmentBooking.objects.values_list("pk", flat=True)) == [someone_else.pk]
    assert not AssessmentResult.objects.exists()
    assert not AssessmentBooking.objects.filter(pk=mine.pk).exists()
    upcoming.refresh_from_db()
    assert upcoming.booked == 1  # the erased person's place is free again
    assert records_about(phone="07700 900555") == {
        "enquiries": [],
        "employer_enquiries": [],
        "waiting_list_entries": [],
        "assessment_bookings": [],
    }
