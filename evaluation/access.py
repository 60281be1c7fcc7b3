"""Who may see and do what; every view, export and command asks here.

What each role is (and who may see a learner's identity) is decided in ``esolplus.roles``; this module turns
those roles into the rows each user may see.
- Programme coordinators see every pilot and cohort, but never identities.
- Evaluators see only their pilots' pseudonymous data, never identities.
- Provider staff see and record data only for their providers' cohorts and learners, and are the only people
  who can see those learners' identities.
"""

from django.db.models import Q, QuerySet

from esolplus.roles import (
    evaluated_pilot_ids,
    identity_provider_ids,
    is_coordinator,
    may_see_identity,
    staff_provider_ids,
)

from .models import Cohort, Enrolment, Learner, Pilot, Session, StaffAssignment


def viewable_pilots(user) -> QuerySet[Pilot]:
    """Pilots whose dashboard and exports the user may see."""
    if is_coordinator(user):
        return Pilot.objects.all()
    return Pilot.objects.filter(id__in=evaluated_pilot_ids(user))


def can_view_pilot(user, pilot: Pilot) -> bool:
    return viewable_pilots(user).filter(pk=pilot.pk).exists()


def recordable_cohorts(user) -> QuerySet[Cohort]:
    """Cohorts whose registers and learners the user may record: their own providers' (coordinators: all)."""
    if is_coordinator(user):
        return Cohort.objects.all()
    return Cohort.objects.filter(provider_id__in=staff_provider_ids(user))


def recordable_sessions(user) -> QuerySet[Session]:
    return Session.objects.filter(cohort__in=recordable_cohorts(user))


def recordable_enrolments(user) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(cohort__in=recordable_cohorts(user))


def recordable_learners(user) -> QuerySet[Learner]:
    """Learners registered by, or enrolled with, the user's providers."""
    if is_coordinator(user):
        return Learner.objects.all()
    providers = staff_provider_ids(user)
    return Learner.objects.filter(
        Q(provider_id__in=providers) | Q(enrolments__cohort__provider_id__in=providers)
    ).distinct()


def identity_visible_learners(user) -> QuerySet[Learner]:
    """Only the learner's own provider sees who they are: not evaluators, not other providers."""
    return Learner.objects.filter(provider_id__in=identity_provider_ids(user))


def can_see_identity(user, learner: Learner) -> bool:
    return may_see_identity(user, learner.provider_id)


def learner_label(user, learner: Learner) -> str:
    """How a learner is named on every screen: their name for their own provider's staff, else (coordinators,
    evaluators, other providers' staff, or once the identity is erased) their pseudonym."""
    identity = getattr(learner, "identity", None) if can_see_identity(user, learner) else None
    return identity.full_name if identity else str(learner)


def labelled_enrolments(user, enrolments) -> list[Enrolment]:
    """Enrolments with ``label`` set by ``learner_label``, sorted by it (never by a name the user may not see)."""
    enrolments = list(enrolments)
    for enrolment in enrolments:
        enrolment.label = learner_label(user, enrolment.learner)
    return sorted(enrolments, key=lambda enrolment: enrolment.label.casefold())


def can_see_enquirers(user, cohort: Cohort) -> bool:
    """Who enquired about a cohort's class (names, phones) is identity too: only that provider's staff."""
    return may_see_identity(user, cohort.provider_id)


def can_delete_records(user, provider_id: int | None) -> bool:
    """Deleting learner records (an enrolment with its marks, assessments and goals; an assessment; a goal; a
    survey response; a progression outcome) of one provider: that provider's coordinators
    (``StaffAssignment.Role.COORDINATOR``), and programme coordinators, who may record for every cohort
    (``recordable_cohorts``). Tutors correct records but do not delete them; evaluators do neither.

    ``provider_id`` is the provider the records belong to: the cohort's for an enrolment and what hangs on it,
    the registering provider's (``Learner.provider``) for a learner's survey responses and outcomes.
    """
    if is_coordinator(user):
        return True
    return (
        provider_id is not None
        and provider_id in staff_provider_ids(user)
        and user.staff_assignments.filter(provider_id=provider_id, role=StaffAssignment.Role.COORDINATOR).exists()
    )
