"""Who may see and do what; every view, export and command asks here.

- Programme coordinators: members of the "ESOL coordinators" group (or superusers) see every pilot.
- Evaluators: users with a PilotEvaluator row see only their pilots' pseudonymous data, never identities.
- Provider staff: users with a StaffAssignment see and record data only for their providers' cohorts and
  learners, and are the only people who can see those learners' identities.
"""

from django.db.models import Q, QuerySet

from finder.services.providers import COORDINATORS_GROUP

from .models import Cohort, Enrolment, Learner, Pilot, Session


def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists())


def staff_provider_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.staff_assignments.values_list("provider_id", flat=True))


def is_provider_staff(user) -> bool:
    return bool(staff_provider_ids(user))


def evaluated_pilot_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.pilot_assignments.values_list("pilot_id", flat=True))


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
    return Learner.objects.filter(provider_id__in=staff_provider_ids(user))


def can_see_identity(user, learner: Learner) -> bool:
    return learner.provider_id in staff_provider_ids(user)
