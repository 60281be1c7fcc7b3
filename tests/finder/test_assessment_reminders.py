"""The reminder the day before an assessment (finder.assessment_services.remind_tomorrow, hourly from the scheduler):
once per booking, in the learner's language, only for bookings still booked, and again after a move to another day."""

import pytest
from django.utils import timezone

from devtools.assessment_factories import booking_for, slot_for, tomorrow_at
from devtools.factories import ProviderPageFactory
from esolplus.models import Notification
from finder import assessment_services
from finder.models import AssessmentSlot

pytestmark = pytest.mark.usefixtures("geography")
PHONE = AssessmentSlot.Mode.PHONE


@pytest.fixture
def provider():
    return ProviderPageFactory(title="Docklands Assessment Hub")


def reminders():
    return list(Notification.objects.filter(template="assessment_reminder").values_list("recipient", "language"))


def test_bookings_for_tomorrow_are_reminded_once_in_their_language(provider):
    tomorrow = slot_for(provider, mode=PHONE, starts_at=tomorrow_at(10))
    later = slot_for(provider, mode=PHONE, starts_at=tomorrow_at(10, days=3))
    arabic = booking_for(tomorrow, phone="07700 900001", site_language="ar")
    cancelled = booking_for(tomorrow, phone="07700 900002")
    assessment_services.cancel(cancelled)
    booking_for(later, phone="07700 900003")

    assert assessment_services.remind_tomorrow.call() == 1
    assert assessment_services.remind_tomorrow.call() == 0  # the next hourly run: already reminded
    assert reminders() == [("07700 900001", "ar")]
    arabic.refresh_from_db()
    assert arabic.reminded_at is not None


def test_a_booking_moved_to_another_day_is_reminded_again(provider):
    tomorrow = slot_for(provider, mode=PHONE, starts_at=tomorrow_at(10))
    day_after = slot_for(provider, mode=PHONE, starts_at=tomorrow_at(11, days=2))
    booking = booking_for(tomorrow, phone="07700 900001")
    assessment_services.remind_tomorrow.call()

    assessment_services.move(booking, day_after)
    assert assessment_services.remind_tomorrow.call() == 0  # not yet: the new slot is the day after tomorrow
    a_day_later = timezone.now() + timezone.timedelta(days=1)
    assert assessment_services.remind_tomorrow.call(now=a_day_later) == 1
    assert len(reminders()) == 2


def test_the_scheduler_runs_the_reminders_and_the_purge(settings):
    scheduled = dict(settings.SCHEDULED_TASKS)
    assert scheduled["finder.assessment_services.remind_tomorrow"] == "0 * * * *"  # hourly: nobody is missed
    assert "finder.assessment_services.purge_old_bookings" in scheduled
