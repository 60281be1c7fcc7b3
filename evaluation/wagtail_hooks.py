"""Wagtail admin for programme coordinators: set up pilots, cohorts and who may see them; read the audit log.

Learner records are never edited here (staff use the /evaluation/ screens, which audit every write).
"""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from esolplus.roles import coordinators, is_coordinator

from .models import AuditEntry, Cohort, ExportRecord, Pilot, PilotEvaluator, StaffAssignment
from .services.audit import describe


class CoordinatorPolicy(BasePermissionPolicy):
    """Coordinators (and superusers) may do ``actions``; nobody else may do anything."""

    def __init__(self, model, actions: set[str]):
        super().__init__(model)
        self.actions = actions

    def user_has_any_permission(self, user, actions):
        return is_coordinator(user) and bool(self.actions & set(actions))

    def users_with_any_permission(self, actions):
        users = coordinators()
        return users if self.actions & set(actions) else users.none()


EDIT = {"add", "change", "delete", "view"}
READ = {"view"}
for model, actions in [
    (Pilot, EDIT),
    (Cohort, {"add", "change", "view"}),
    (PilotEvaluator, EDIT),
    (StaffAssignment, EDIT),
    (AuditEntry, READ),
    (ExportRecord, READ),
]:
    register_permission_policy(model, CoordinatorPolicy(model, actions))


class PilotViewSet(ModelViewSet):
    url_prefix = "evaluation/pilots"
    name = "evaluation_pilots"
    model = Pilot
    icon = "folder-open-inverse"
    form_fields = [
        "name",
        "slug",
        "strand",
        "funder",
        "start_date",
        "end_date",
        "disclosure_threshold",
        "retention_until",
    ]
    list_display = ["name", "strand", "start_date", "end_date", "disclosure_threshold"]


class CohortViewSet(ModelViewSet):
    url_prefix = "evaluation/cohorts"
    name = "evaluation_cohorts"
    model = Cohort
    icon = "group"
    form_fields = ["pilot", "class_page", "name", "start_date", "end_date", "planned_sessions", "planned_hours"]
    list_display = ["name", "pilot", "provider", "start_date", "end_date"]
    list_filter = ["pilot"]


class PilotEvaluatorViewSet(ModelViewSet):
    url_prefix = "evaluation/evaluators"
    name = "evaluation_evaluators"
    model = PilotEvaluator
    icon = "user"
    form_fields = ["pilot", "user"]
    list_display = ["user", "pilot"]


class StaffAssignmentViewSet(ModelViewSet):
    url_prefix = "evaluation/provider-staff"
    name = "evaluation_provider_staff"
    model = StaffAssignment
    icon = "user"
    form_fields = ["user", "provider", "role"]
    list_display = ["user", "provider", "role"]


class AuditEntryInspectView(InspectView):
    """An entry's detail as lines a reader follows ("field: old → new"), not the stored JSON."""

    def get_detail_display_value(self):
        lines = describe(self.object.detail)
        if not lines:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines)))


class AuditEntryViewSet(ModelViewSet):
    url_prefix = "evaluation/audit-log"
    name = "evaluation_audit_log"
    model = AuditEntry
    icon = "history"
    inspect_view_enabled = True
    inspect_view_class = AuditEntryInspectView
    list_display = ["at", "user", "action", "model", "object_id", "pilot"]
    list_filter = ["action", "pilot"]
    form_fields = ["action"]


class ExportRecordViewSet(ModelViewSet):
    url_prefix = "evaluation/exports"
    name = "evaluation_exports"
    model = ExportRecord
    icon = "download"
    inspect_view_enabled = True
    list_display = ["at", "user", "recipient", "pilot", "level", "format"]
    form_fields = ["recipient"]


class EvaluationGroup(ModelViewSetGroup):
    menu_label = _("Pilot evaluation")
    menu_icon = "table"
    items = [
        PilotViewSet,
        CohortViewSet,
        PilotEvaluatorViewSet,
        StaffAssignmentViewSet,
        AuditEntryViewSet,
        ExportRecordViewSet,
    ]


@hooks.register("register_admin_viewset")
def register_evaluation_viewsets():
    return EvaluationGroup()
