"""The demo's funnel has people all the way through: a third of the pilot learners came in by an enquiry from the
finder (some on an adviser's referral), a week or four before their class started, answered within days.

Their learner records point at their enquiries (``LearnerIdentity.enquiry``), as staff link them when they enrol
someone who enquired, so /evaluation/funnel/ follows them from the enquiry to enrolment, a first session and week 6.
Idempotent: the pilot demo makes its learners afresh on each load, in the same order, so the n-th learner finds the
enquiry made for the n-th learner last time (by its key) rather than a new one.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from devtools.demo_activity import LANGUAGES, key, referral_for
from devtools.factories import EnquiryFactory
from evaluation.models import Enrolment, LearnerIdentity
from finder.models import Enquiry

SHARE = 3  # one learner in SHARE came through the finder


@transaction.atomic
def load_funnel_demo(stdout) -> None:
    rng = random.Random(2026)
    linked = 0
    identities = LearnerIdentity.objects.filter(learner__enrolments__isnull=False).distinct().order_by("learner_id")
    for position, identity in enumerate(identities):
        if position % SHARE or identity.enquiry_id:
            continue
        enrolment = (
            Enrolment.objects.filter(learner=identity.learner).select_related("cohort__class_page").order_by("id")
        ).first()
        if enrolment is None:
            continue
        identity.enquiry = _enquiry_before(rng, f"funnel-{position}", identity, enrolment)
        identity.save(update_fields=["enquiry"])
        linked += 1
    stdout.write(f"Demo funnel: {linked} pilot learners linked to the enquiry they came in by.")


def _enquiry_before(rng, name: str, identity: LearnerIdentity, enrolment: Enrolment) -> Enquiry:
    start = datetime.datetime.combine(enrolment.start_date, datetime.time(10), tzinfo=timezone.get_current_timezone())
    sent = start - datetime.timedelta(days=rng.randint(7, 28), hours=rng.randint(0, 9))
    answered = sent + datetime.timedelta(days=rng.randint(0, 4), hours=3)
    language = rng.choice(LANGUAGES)
    class_page = enrolment.cohort.class_page
    enquiry = Enquiry.objects.filter(submission_key=key(name)).first() or EnquiryFactory(
        class_page=class_page,
        name=identity.full_name,
        phone=identity.phone or "07700 900000",
        email=identity.email,
        preferred_language=language,
        site_language=language or "en-gb",
        status=Enquiry.Status.ENROLLED,
        submission_key=key(name),
        **referral_for(class_page),
    )
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=sent, updated_at=answered, first_response_at=answered)
    return enquiry
