"""Who is who: the one place that says what each staff role is. Every app, view, template and command asks here.

- **Coordinator** (GLA / borough ESOL coordination): holds the ``finder.coordinate_providers`` permission, from
  the "ESOL coordinators" group or given to the user directly (superusers hold every permission). Sets up
  providers, approves listings, sees every pilot's figures, and never sees who a learner is.
- **Provider editor**: may add or change a provider's pages in the CMS (Wagtail page permissions on that
  provider's page; which providers is ``finder.cms.permissions.editable_providers``).
- **Provider staff**: assigned to a provider in the evaluation (``StaffAssignment``); records registers and
  outcomes for that provider's cohorts and is the only role that sees those learners' identities.
- **Evaluator**: assigned to pilots (``PilotEvaluator``); sees pseudonymous records and indicators of those
  pilots only, never identities.

Roles are read from permissions and assignments only, never from group names, so a permission given straight to a
user counts the same everywhere.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

COORDINATORS_GROUP = "ESOL coordinators"
COORDINATE_PERMISSION = "finder.coordinate_providers"


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_coordinator(user) -> bool:
    """ESOL coordinators (and superusers) set up providers, approve changes and see every pilot."""
    return is_signed_in(user) and user.has_perm(COORDINATE_PERMISSION)


def coordinators() -> QuerySet:
    """Every active user who is a coordinator: by group, by a permission of their own, or as a superuser."""
    app_label, codename = COORDINATE_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))
        .distinct()
    )


def staff_provider_ids(user) -> set[int]:
    """The providers whose learners this user records (provider staff); empty for everyone else."""
    if not is_signed_in(user):
        return set()
    return set(user.staff_assignments.values_list("provider_id", flat=True))


def is_provider_staff(user) -> bool:
    return bool(staff_provider_ids(user))


def evaluated_pilot_ids(user) -> set[int]:
    """The pilots this user evaluates; empty for everyone else."""
    if not is_signed_in(user):
        return set()
    return set(user.pilot_assignments.values_list("pilot_id", flat=True))


def is_evaluator(user) -> bool:
    return bool(evaluated_pilot_ids(user))


def may_see_identity(user, learner_provider_id: int | None) -> bool:
    """A learner's name, contact details and ULN: only their own provider's staff.

    Coordinators and evaluators never see them, superusers included (docs/indicators.md): this is the rule that
    would have to change, on purpose, to grant anyone else.
    """
    return learner_provider_id is not None and learner_provider_id in staff_provider_ids(user)


def identity_provider_ids(user) -> set[int]:
    """The providers whose learners' identities this user may see (for filtering querysets)."""
    return staff_provider_ids(user)
