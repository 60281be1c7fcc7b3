"""The free-ESOL rules in the CMS: only coordinators see, add or change them; provider editors never do.

A version already in effect is never changed (``EligibilityRules.clean`` refuses it, and the edit form shows why):
a coordinator adds a new version with a later date, so an answer given earlier can still be explained. Nor is one
deleted once in effect. The checker on /find/free/ uses the version in effect today.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet

from esolplus.roles import coordinators, is_coordinator
from finder.models import EligibilityRules

ACTIONS = ("add", "change", "delete", "view")


class CoordinatorsOnlyPolicy(BasePermissionPolicy):
    """Coordinators (esolplus.roles) may do everything to the rules, except delete a version in effect."""

    def user_has_permission(self, user, action):
        return action in ACTIONS and is_coordinator(user)

    def user_has_any_permission(self, user, actions):
        return any(action in ACTIONS for action in actions) and is_coordinator(user)

    def users_with_any_permission(self, actions):
        if not any(action in ACTIONS for action in actions):
            return coordinators().none()
        return coordinators()

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.pk and instance.is_in_effect_or_past():
            return False
        return self.user_has_permission(user, action)


rules_policy = CoordinatorsOnlyPolicy(EligibilityRules)
register_permission_policy(EligibilityRules, rules_policy)


class RulesDeleteView(DeleteView):
    """Wagtail's delete view asks only whether the user may delete rules at all; this one asks about the version."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if rules_policy.user_has_permission(user, "delete") and not rules_policy.user_has_permission_for_instance(
            user, "delete", self.object
        ):
            messages.error(request, _("Rules already in effect can't be deleted. Add a new version instead."))
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)


class EligibilityRulesViewSet(SnippetViewSet):
    model = EligibilityRules
    delete_view_class = RulesDeleteView
    icon = "help"
    menu_label = _("Free ESOL rules")
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        DateColumn("effective_from", label=_("Takes effect on")),
        Column("london_living_wage_hourly", label=_("London Living Wage (£ an hour)")),
        Column("asylum_wait_months", label=_("Asylum wait (months)")),
        Column("source_title", label=_("Source")),
    ]
    search_fields = None
    inspect_view_enabled = True
    panels = [
        FieldPanel("effective_from"),
        MultiFieldPanel(
            [
                FieldPanel("london_living_wage_hourly"),
                FieldPanel("asylum_wait_months"),
                FieldPanel("permission_to_stay_months"),
                FieldPanel("minimum_age"),
            ],
            heading=_("The rules"),
        ),
        MultiFieldPanel(
            [FieldPanel("source_title"), FieldPanel("source_url"), FieldPanel("notes")],
            heading=_("Where they come from"),
        ),
    ]


register_snippet(EligibilityRulesViewSet)
