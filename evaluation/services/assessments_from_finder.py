"""The finder's initial assessment, carried into the evaluation: no re-keying of levels a learner was assessed at.

A learner assessed through the finder (``finder.models.AssessmentResult``) and enrolled on a pilot cohort, from the
referral that came from that assessment (``Enquiry.assessment``) or by the reference the learner gave staff with
their consent, starts with the result's levels as the enrolment's **initial** assessments, one per skill assessed.
The evaluation reads the finder here; the finder never reads the evaluation.
"""

from django.db import IntegrityError, transaction

from evaluation.models import Assessment, AuditEntry, Enrolment
from finder.models import AssessmentResult
from finder.vocabularies import EsolLevel

from .audit import record_audit


@transaction.atomic
def carry_over_assessment(user, enrolment: Enrolment, result: AssessmentResult) -> list[Assessment]:
    """The enrolment's initial assessments from the result: one per skill assessed, dated the day of the assessment.

    A skill that already has an initial assessment keeps it (staff may have assessed the learner again; a form or a
    referral sent twice adds nothing), so there is never a duplicate. Returns the assessments created, each audited.
    """
    have = set(enrolment.assessments.filter(stage=Assessment.Stage.INITIAL).values_list("skill", flat=True))
    created = []
    for skill, level in result.levels():
        rank = EsolLevel.from_code(level.code)
        if skill in have or rank is None:
            continue
        try:
            with transaction.atomic():  # a savepoint: one saved by someone else a moment ago is theirs to keep
                assessment = Assessment.objects.create(
                    enrolment=enrolment,
                    stage=Assessment.Stage.INITIAL,
                    skill=skill,
                    level=rank,
                    date=result.assessed_on,
                )
        except IntegrityError:
            continue
        record_audit(user, AuditEntry.Action.CREATE, assessment, enrolment.cohort.pilot, source="finder_assessment")
        created.append(assessment)
    return created
