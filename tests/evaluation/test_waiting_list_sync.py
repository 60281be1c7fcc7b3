"""The register keeps the finder's places right: enrolling and leaving a pilot cohort update the class's
"learners enrolled", without a page revision, and a learner who leaves a full class frees a place for the next
person waiting."""

import pytest
from wagtail.models import Revision

from devtools.evaluation_factories import TERM_START, CohortFactory, EnrolmentFactory, LearnerFactory
from devtools.factories import ClassPageFactory, venue_at
from devtools.waiting_factories import WaitingListEntryFactory
from esolplus.models import Notification
from evaluation import services
from evaluation.models import CompletionStatus
from finder.models import ClassPage, WaitingListEntry

pytestmark = pytest.mark.usefixtures("geography")


def test_enrolling_and_leaving_update_the_class_and_tell_the_next_person():
    class_page = ClassPageFactory(venue=venue_at("E1 6AN"), capacity=2, enrolled=0)
    cohort = CohortFactory(class_page=class_page)
    revisions = class_page.revisions.count()
    first = EnrolmentFactory(cohort=cohort)
    services.enrol(None, LearnerFactory(provider=cohort.provider), cohort, TERM_START)
    services.enrol(None, LearnerFactory(provider=cohort.provider), cohort, TERM_START)  # the sync counts all three
    assert ClassPage.objects.get(pk=class_page.pk).enrolled_now() == 3
    waiting = WaitingListEntryFactory(class_page=class_page, site_language="ar")
    services.end_enrolment(
        None, first, completion_status=CompletionStatus.WITHDRAWN, actual_end_date=TERM_START, based_on=None
    )
    class_page.refresh_from_db()
    assert class_page.enrolled_now() == 2 and not class_page.has_open_places()
    waiting.refresh_from_db()
    assert waiting.status == WaitingListEntry.Status.WAITING
    second = cohort.enrolments.exclude(pk=first.pk).first()
    services.end_enrolment(
        None, second, completion_status=CompletionStatus.COMPLETED, actual_end_date=TERM_START, based_on=None
    )
    assert ClassPage.objects.get(pk=class_page.pk).enrolled_now() == 1
    waiting.refresh_from_db()
    assert waiting.status == WaitingListEntry.Status.TOLD
    assert Notification.objects.get(template="waiting_place_open").language == "ar"
    assert class_page.revisions.count() == revisions


def test_publishing_a_provider_draft_keeps_the_registers_count():
    class_page = ClassPageFactory(venue=venue_at("E1 6AN"), capacity=12, enrolled=3)
    draft = class_page.save_revision()  # a draft the provider saved before the register changed
    cohort = CohortFactory(class_page=class_page)
    for _learner in range(12):
        services.enrol(None, LearnerFactory(provider=cohort.provider), cohort, TERM_START)
    Revision.objects.get(pk=draft.pk).publish()  # approved later, from the stored draft
    live = ClassPage.objects.get(pk=class_page.pk)
    assert live.enrolled_on_register == 12 and live.places() == ClassPage.Places.FULL
    assert not ClassPage.objects.filter(pk=class_page.pk).with_open_places().exists()
