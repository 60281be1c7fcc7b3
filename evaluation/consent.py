"""Whose records research may use, and who may be contacted for follow-up: the one rule (docs/indicators.md,
"Consent and lawful basis").

A learner's consent **on a day** is their latest ``ConsentRecord`` recorded on or before that day (the latest
date, then the latest saved). A withdrawal is a new record from its date (``services.consent.withdraw``), so from
that day the learner is out, and the records before it still say what they agreed to then. A record whose
``withdrawn_on`` has come is withdrawn as a whole.

- Research, pilot on **consent** (``ResearchBasis.CONSENT``): only learners whose consent on the day says yes to
  research and is not withdrawn.
- Research, pilot on **public task** (``ResearchBasis.PUBLIC_TASK``): every learner, except those whose consent on
  the day says no to research (a recorded "no" counts as an objection) or is withdrawn. A learner with no consent
  record is included.
- Follow-up contact, whatever the pilot: only learners whose consent on the day says yes to being contacted and is
  not withdrawn. No record, no contact.

- Research, **comparison group** (``ComparisonMember``, people waiting for a place): only members whose consent on
  the day says yes to research and is not withdrawn, whatever the pilot's basis: they are not the pilot's learners,
  so they take part only by explicit agreement.

Exports and indicators call ``research_learners`` (or ``research_learner_ids``) and
``research_comparison_members``; screens call ``may_contact_for_follow_up``. Nothing else decides this.
"""

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from .models import ConsentRecord, Learner, Pilot, ResearchBasis


def _not_withdrawn(on: datetime.date) -> Q:
    return Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)


def with_latest_consent(learners: QuerySet[Learner], on: datetime.date) -> QuerySet[Learner]:
    """The learners, each annotated with ``latest_consent``: the id of their consent record on ``on`` (or None)."""
    latest = ConsentRecord.objects.filter(learner=OuterRef("pk"), recorded_on__lte=on).order_by("-recorded_on", "-pk")
    return learners.annotate(latest_consent=Subquery(latest.values("pk")[:1]))


def consent_on(learner: Learner, on: datetime.date) -> ConsentRecord | None:
    """The learner's consent record on ``on``: the latest recorded by then."""
    return learner.consents.filter(recorded_on__lte=on).order_by("-recorded_on", "-pk").first()


def _agreeing(on: datetime.date, **agreement) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(_not_withdrawn(on), **agreement).values("pk")


def research_learners(pilot: Pilot, on: datetime.date) -> QuerySet[Learner]:
    """The pilot's learners (enrolled on any of its cohorts) whose records research may use on ``on``."""
    learners = with_latest_consent(Learner.objects.filter(enrolments__cohort__pilot=pilot).distinct(), on)
    agreed = Q(latest_consent__in=_agreeing(on, research=True))
    if pilot.research_basis == ResearchBasis.PUBLIC_TASK:
        return learners.filter(agreed | Q(latest_consent__isnull=True))
    return learners.filter(agreed)


def research_comparison_members(pilot: Pilot, on: datetime.date) -> QuerySet[Learner]:
    """The pilot's comparison-group members whose records research may use on ``on``: an explicit research "yes",
    not withdrawn (the pilot's public-task basis does not reach people who are not its learners). Anyone enrolled
    on the pilot since is its learner, not a comparison member."""
    members = Learner.objects.filter(comparison_membership__pilot=pilot).exclude(enrolments__cohort__pilot=pilot)
    return with_latest_consent(members, on).filter(latest_consent__in=_agreeing(on, research=True))


def research_learner_ids(pilot: Pilot, on: datetime.date) -> QuerySet:
    """``research_learners`` as a subquery of ids, for ``learner_id__in=``."""
    return research_learners(pilot, on).values("pk")


def may_use_for_research(learner: Learner, pilot: Pilot, on: datetime.date) -> bool:
    return research_learners(pilot, on).filter(pk=learner.pk).exists()


def contactable_learners(learners: QuerySet[Learner], on: datetime.date) -> QuerySet[Learner]:
    """Those of ``learners`` who agreed to be contacted for follow-up and have not withdrawn it, on ``on``."""
    return with_latest_consent(learners, on).filter(latest_consent__in=_agreeing(on, follow_up_contact=True))


def agrees(record: ConsentRecord | None, on: datetime.date, agreement: str) -> bool:
    """Whether a consent record says yes to ``agreement`` ("research" or "follow_up_contact") and is not withdrawn
    on ``on``."""
    return bool(
        record is not None and getattr(record, agreement) and (record.withdrawn_on is None or record.withdrawn_on > on)
    )


def may_contact_for_follow_up(learner: Learner, on: datetime.date) -> bool:
    """Whether anyone may contact this learner for follow-up (surveys, outcomes) on ``on``."""
    return agrees(consent_on(learner, on), on, "follow_up_contact")
