"""Who may edit which provider's pages and venues in the CMS.

Page rights come from Wagtail's GroupPagePermission: a provider's editors hold add/change on their
own ProviderPage, coordinators hold every right on the provider index. Venues follow the pages:
a user may touch a venue only if they may edit the page of the provider that owns it.
"""

from django.db.models import Q, QuerySet
from wagtail.models import GroupPagePermission
from wagtail.permission_policies.base import ModelPermissionPolicy

from esolplus.roles import is_signed_in
from finder.models import ProviderPage, Venue

EDIT_PAGE_CODENAMES = ("add_page", "change_page")


def editable_providers(user) -> QuerySet[ProviderPage]:
    """Providers whose pages this user may add to or change."""
    if not is_signed_in(user):
        return ProviderPage.objects.none()
    if user.is_superuser:
        return ProviderPage.objects.all()
    paths = set(
        GroupPagePermission.objects.filter(group__user=user, permission__codename__in=EDIT_PAGE_CODENAMES).values_list(
            "page__path", flat=True
        )
    )
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return ProviderPage.objects.filter(condition) if condition else ProviderPage.objects.none()


def can_edit_provider(user, provider: ProviderPage) -> bool:
    return editable_providers(user).filter(pk=provider.pk).exists()


class VenuePermissionPolicy(ModelPermissionPolicy):
    """Model permissions say what a user may do to venues; their provider says which venues.

    ``publish`` (approving a venue change) is a model permission only coordinators hold
    (``providers.VENUE_APPROVAL_RIGHTS``), so an editor's change always waits in the workflow.
    """

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            instance.provider_id is None or can_edit_provider(user, instance.provider)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Venue.objects.none()
        return Venue.objects.filter(provider__in=editable_providers(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        return users.filter(pk__in=[user.pk for user in users if can_edit_provider(user, instance.provider)])
