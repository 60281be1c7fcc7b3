"""Enquiries, referrals and employer enquiries are personal data: kept ENQUIRY_RETENTION_DAYS after they last
changed, then deleted by a daily job (like waiting-list entries and assessment bookings)."""

import datetime

import pytest
from django.utils import timezone

from devtools.factories import EnquiryFactory, WorkplaceOfferPageFactory
from finder.models import EmployerEnquiry, Enquiry
from finder.search import enquiries

pytestmark = pytest.mark.usefixtures("geography")


def aged(record, days: int):
    """The record as if it last changed ``days`` ago (``updated_at`` is set on every save, so set it directly)."""
    type(record).objects.filter(pk=record.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))
    return record


def employer_enquiry(**fields) -> EmployerEnquiry:
    return EmployerEnquiry.objects.create(
        workplace_offer=WorkplaceOfferPageFactory(),
        organisation="Thames Hotels",
        name="Jo",
        email="jo@x.example",
        consent_to_contact=True,
        **fields,
    )


def test_the_retention_is_a_year_unless_configured(settings):
    from esolplus.settings import base

    assert base.ENQUIRY_RETENTION_DAYS == 365
    assert settings.ENQUIRY_RETENTION_DAYS > 0


def test_the_purge_deletes_only_enquiries_untouched_for_the_retention_period(settings):
    settings.ENQUIRY_RETENTION_DAYS = 30
    old = aged(EnquiryFactory(), 31)
    old_enrolled = aged(EnquiryFactory(status=Enquiry.Status.ENROLLED), 400)
    recent = aged(EnquiryFactory(), 29)
    new = EnquiryFactory()
    old_employer = aged(employer_enquiry(), 31)
    recent_employer = aged(employer_enquiry(), 2)

    assert enquiries.purge_old_enquiries.call() == 3

    assert set(Enquiry.objects.values_list("pk", flat=True)) == {recent.pk, new.pk}
    assert list(EmployerEnquiry.objects.values_list("pk", flat=True)) == [recent_employer.pk]
    assert not Enquiry.objects.filter(pk__in=[old.pk, old_enrolled.pk]).exists()
    assert not EmployerEnquiry.objects.filter(pk=old_employer.pk).exists()


def test_an_enquiry_that_changed_recently_is_kept_however_old_it_is(settings):
    settings.ENQUIRY_RETENTION_DAYS = 30
    enquiry = aged(EnquiryFactory(), 100)
    enquiry.refresh_from_db()
    enquiry.status = Enquiry.Status.CONTACTED
    enquiry.save()  # the provider followed it up today: the clock starts again

    assert enquiries.purge_old_enquiries.call() == 0
    assert Enquiry.objects.filter(pk=enquiry.pk).exists()


def test_nothing_to_purge_deletes_nothing():
    EnquiryFactory()
    assert enquiries.purge_old_enquiries.call() == 0
    assert Enquiry.objects.count() == 1


def test_every_personal_data_purge_is_scheduled_daily(settings):
    scheduled = dict(settings.SCHEDULED_TASKS)
    for purge in (
        "finder.search.enquiries.purge_old_enquiries",
        "finder.waiting_services.purge_old_entries",
        "finder.assessment_services.purge_old_bookings",
    ):
        minute, hour, day, month, weekday = scheduled[purge].split()
        assert minute.isdigit() and hour.isdigit() and (day, month, weekday) == ("*", "*", "*"), purge
