"""A pilot cohort's enrolments keep its class's register count (``enrolled_on_register``) up to date in the finder,
so the finder shows places from the register rather than from a number a provider forgot to change."""

from evaluation.models import Cohort, CompletionStatus
from finder.models import ClassPage
from finder.waiting_services import tell_waiting_learners


def sync_class_enrolment(cohort: Cohort) -> int:
    """Set the class's ``enrolled_on_register`` to the cohort's learners who have not left, then tell waiting
    learners if that opened places. Returns the number enrolled.

    A plain UPDATE of the live page, not a new page revision: nothing for a coordinator to approve, and the
    provider's own draft is left alone; ``ClassPage.with_content_json`` keeps the count when a draft is published.
    """
    enrolled = cohort.enrolments.exclude(completion_status__in=CompletionStatus.leaving()).count()
    ClassPage.objects.filter(pk=cohort.class_page_id).update(enrolled_on_register=enrolled)
    tell_waiting_learners(ClassPage(pk=cohort.class_page_id))
    return enrolled
