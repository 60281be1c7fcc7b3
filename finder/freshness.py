"""Listings that stay true: when a class or workplace offer is old, due a reminder, or hidden. The one place for
these rules; sending the reminders is ``finder.freshness_services``.

A listing's ``last_checked`` is the day its provider last said it is correct (an edit, the admin's "still correct"
button or the one-click link in a reminder). From it:

- **old** (``is_old``): not checked for ``LISTING_CHECK_DAYS`` (90) days. The provider's editors are reminded once
  for each "unchecked since" date, the stale listings report lists it, and learners see a gentle warning.
- **hidden** (``hidden_cutoff``): not checked for ``LISTING_HIDE_AFTER_DAYS`` (150) days. It leaves the finder, the
  provider's page, enquiries and the Open Referral API (``ClassPageQuerySet.current()`` and
  ``WorkplaceOfferPageQuerySet.current()`` start from the cutoff) but is not deleted: it stays in the admin, and
  its own page still answers at its address, with the warning, so old links do not break. A check brings it back.
- **intake**: on the first working day of each month in ``LISTING_INTAKE_MONTHS`` (September, January, April),
  every live listing not checked in the ``INTAKE_RECENT_DAYS`` before it is reminded, since terms change then.

Only dates and settings here, so the models can use it; the listings due are found by ``due_reminders``, which
imports the models when called.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .working_days import first_working_day

INTAKE = "intake"
UNCHECKED = "unchecked"
# A listing checked this many days before an intake was checked for the new term already.
INTAKE_RECENT_DAYS = 30
# A scheduler that was down on the first working day still sends the intake reminders in the days after it.
INTAKE_CATCH_UP_DAYS = 7


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def check_cutoff(today: datetime.date | None = None) -> datetime.date:
    """A listing last checked before this day is old: due a reminder, in the stale report, shown with a warning."""
    return _today(today) - datetime.timedelta(days=settings.LISTING_CHECK_DAYS)


def hidden_cutoff(today: datetime.date | None = None) -> datetime.date:
    """A listing last checked before this day is hidden from the finder (public when ``last_checked >=`` it)."""
    return _today(today) - datetime.timedelta(days=settings.LISTING_HIDE_AFTER_DAYS)


def is_old(last_checked: datetime.date | None, today: datetime.date | None = None) -> bool:
    """The learner's warning: the provider has not checked this listing for over three months."""
    return last_checked is not None and last_checked < check_cutoff(today)


def is_hidden(last_checked: datetime.date | None, today: datetime.date | None = None) -> bool:
    return last_checked is not None and last_checked < hidden_cutoff(today)


# --- Intakes -------------------------------------------------------------------------------------------------------


def intake_day(today: datetime.date | None = None) -> datetime.date | None:
    """The intake whose reminders are due today: the first working day of an intake month, when today is that day
    or one of the ``INTAKE_CATCH_UP_DAYS`` after it (a missed run catches up; each message is sent once)."""
    today = _today(today)
    if today.month not in settings.LISTING_INTAKE_MONTHS:
        return None
    start = first_working_day(today.year, today.month)
    if start <= today < start + datetime.timedelta(days=INTAKE_CATCH_UP_DAYS):
        return start
    return None


# --- Which listings are due --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One listing whose editors are to be reminded: why, and the date that makes the message unique (the intake's
    day, or the "unchecked since" date), so each is sent once."""

    listing: object
    reason: str
    date_key: datetime.date


def live_listings(today: datetime.date | None = None) -> list:
    """Live classes that have not ended, and live workplace offers: what a provider keeps true."""
    from django.db.models import Q

    from finder.models import ClassPage, WorkplaceOfferPage

    today = _today(today)
    classes = ClassPage.objects.live().filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return [*classes.order_by("pk"), *WorkplaceOfferPage.objects.live().order_by("pk")]


def due_reminders(today: datetime.date | None = None, listings: list | None = None) -> list[Reminder]:
    """The reminders due today: every listing not checked in the days before an intake (on an intake's first
    working day), and each listing once when it has gone ``LISTING_CHECK_DAYS`` unchecked (keyed by the day it was
    last checked, so a listing checked and then left again is reminded again) and is not hidden yet (a hidden one's
    editors get the hidden notice, which carries the same link)."""
    today = _today(today)
    listings = live_listings(today) if listings is None else listings
    intake = intake_day(today)
    due = []
    for listing in listings:
        if intake is not None and listing.last_checked < intake - datetime.timedelta(days=INTAKE_RECENT_DAYS):
            due.append(Reminder(listing, INTAKE, intake))
        if is_old(listing.last_checked, today) and not is_hidden(listing.last_checked, today):  # else the notice
            due.append(Reminder(listing, UNCHECKED, listing.last_checked))
    return due


def newly_hidden(today: datetime.date | None = None, listings: list | None = None) -> list:
    """Live listings hidden by the cutoff: their editors and the coordinators are told once (for each "unchecked
    since" date; the message's key sees to it)."""
    today = _today(today)
    listings = live_listings(today) if listings is None else listings
    return [listing for listing in listings if is_hidden(listing.last_checked, today)]
