"""Publishing a pilot's results as a frozen release, and withdrawing the public page."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from evaluation.disclosure import ROUNDING_BASE
from evaluation.indicators import indicator_rows
from evaluation.models import AuditEntry, Pilot, ResultsRelease
from evaluation.publishing import DEFINITIONS_VERSION, public_rows, publish

from .audit import record_audit


class AlreadyPublished(Exception):
    """The form was based on an older latest version: someone (or a second click) has published since."""

    def __init__(self, latest: ResultsRelease):
        super().__init__(f"version {latest.version} is already published")
        self.latest = latest


def publish_release(
    pilot: Pilot, user, *, based_on: int, today: datetime.date | None = None, note: str = ""
) -> ResultsRelease:
    """Freeze the pilot's disclosure-controlled figures as the next version and make the results page public.

    ``based_on`` is the latest version the coordinator saw (0 for none); if another version has been published
    since, nothing is written, so a double click or two coordinators at once make one release, not two.
    """
    today = today or timezone.localdate()
    rows = public_rows(publish(indicator_rows(pilot, today), pilot.disclosure_threshold))
    try:
        return _create_release(pilot, user, based_on, today, note, rows)
    except IntegrityError:  # another publisher took the same version number between our read and write
        raise AlreadyPublished(pilot.releases.order_by("-version").first()) from None


def _create_release(pilot, user, based_on, today, note, rows) -> ResultsRelease:
    with transaction.atomic():
        Pilot.objects.select_for_update().filter(pk=pilot.pk).first()  # one publisher at a time (PostgreSQL)
        latest = pilot.releases.aggregate(latest=Max("version"))["latest"] or 0
        if latest != based_on:
            raise AlreadyPublished(pilot.releases.get(version=latest))
        release = ResultsRelease.objects.create(
            pilot=pilot,
            version=latest + 1,
            published_at=timezone.now(),
            published_by=user if user is not None and user.is_authenticated else None,
            reference_date=today,
            definitions_version=DEFINITIONS_VERSION,
            threshold=pilot.disclosure_threshold,
            rounding_base=ROUNDING_BASE,
            note=note,
            rows=rows,
        )
        pilot.results_published_at = release.published_at
        pilot.save(update_fields=["results_published_at"])
        record_audit(user, AuditEntry.Action.CHANGE, release, pilot, published_version=release.version, rows=len(rows))
    return release


def withdraw_results(pilot: Pilot, user) -> None:
    """Take the results page down (every version); the releases are kept for the record and a later republish."""
    with transaction.atomic():
        Pilot.objects.filter(pk=pilot.pk).update(results_published_at=None)
        record_audit(user, AuditEntry.Action.CHANGE, pilot, pilot, published=False)
    pilot.results_published_at = None


def public_release(pilot: Pilot, version: int | None = None) -> ResultsRelease | None:
    """The release the public may read: the latest, or a named earlier one, while the pilot's page is up."""
    if pilot.results_published_at is None:
        return None
    releases = pilot.releases.all()
    return (releases.filter(version=version) if version else releases).order_by("-version").first()
