"""UK GDPR: subject access, erasure and retention."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.utils import timezone

from evaluation.models import AuditEntry, Learner, LearnerIdentity

from .audit import record_audit


def _rows(queryset) -> list[dict]:
    return [{k: (str(v) if v is not None else None) for k, v in model_to_dict(obj).items()} for obj in queryset]


def subject_access(user, learner: Learner) -> dict:
    """Everything held about one learner, identity included, as plain JSON-ready data."""
    identity = LearnerIdentity.objects.filter(learner=learner).first()
    data = {
        "learner": {**_rows([learner])[0], "pseudonym": learner.pseudonym},
        "identity": _rows([identity])[0] if identity else None,
        "consents": _rows(learner.consents.all()),
        "enrolments": [],
        "survey_responses": [
            {
                "wave": r.wave,
                "date": str(r.date),
                "instrument": str(r.instrument),
                "answers": {a.item.code: a.value for a in r.answers.all()},
            }
            for r in learner.survey_responses.select_related("instrument").prefetch_related("answers__item")
        ],
        "outcomes": _rows(learner.outcomes.all()),
    }
    for enrolment in learner.enrolments.select_related("cohort"):
        data["enrolments"].append(
            {
                **_rows([enrolment])[0],
                "cohort": enrolment.cohort.name,
                "attendance": [
                    {"date": str(a.session.date), "status": a.status}
                    for a in enrolment.attendance.select_related("session").order_by("session__date")
                ],
                "assessments": _rows(enrolment.assessments.all()),
                "goals": _rows(enrolment.goals.all()),
            }
        )
    record_audit(user, AuditEntry.Action.ACCESS, learner)
    return data


@transaction.atomic
def erase_learner(user, learner: Learner) -> None:
    """Delete who the learner is (identity and the enquiry it came from); keep the pseudonymous records.

    Characteristics, marks and outcomes stay under the pseudonym, so figures already published do not change;
    with the identity gone nobody can link them back to the person.
    """
    identity = LearnerIdentity.objects.filter(learner=learner).first()
    if identity is not None:
        if identity.enquiry is not None:
            identity.enquiry.delete()
        identity.delete()
    learner.erased_at = timezone.now()
    learner.save(update_fields=["erased_at"])
    record_audit(user, AuditEntry.Action.ERASE, learner)


def purge_expired_identities(today: datetime.date, user=None) -> int:
    """Delete identities of learners whose every pilot is past its retention date. Returns how many."""
    expired = (
        Learner.objects.filter(identity__isnull=False, enrolments__isnull=False)
        .annotate(keep_until=Max("enrolments__cohort__pilot__retention_until"))
        .filter(keep_until__lt=today)
    )
    count = 0
    for learner in expired:
        erase_learner(user, learner)
        count += 1
    return count
