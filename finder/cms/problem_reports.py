"""Problem reports in Wagtail's admin: a list with filters by status and by what is wrong, each report's details,
and its status moved on (``finder.problem_reports``).

The provider boundary is the enquiries' one (``finder.cms.enquiries.scoped_to_listings``): a provider's editors see
only reports about their own pages, coordinators see all; another provider's report (or an id that is no report)
is "not found" in every view of one report, before it is loaded. Editors need no model permission for this: being
a provider's editor (``finder.cms.permissions.editable_providers``) is what lets them see and fix their listings'
reports, so a provider set up before this screen existed gets it too. Nobody adds or deletes a report here: they
come from the public, and a report that is wrong is dismissed, which keeps it on record.

Who may give which status is ``finder.problem_reports.statuses_for``: coordinators confirm, dismiss, mark fixed or
reopen; editors may only mark fixed. The form carries the report's version, so two people changing it at once
cannot overwrite each other without seeing it.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from esolplus.concurrency import BASED_ON, StaleVersion, VersionedFormMixin
from esolplus.roles import is_coordinator, is_signed_in
from finder import problem_reports
from finder.cms.boundary import valid_ids
from finder.cms.permissions import editable_providers
from finder.models import ProblemReport

READ_ACTIONS = ("view", "change")  # nobody adds or deletes a report in the admin


def may_handle_reports(user) -> bool:
    """Coordinators, and the editors of any provider (for their own listings' reports)."""
    return is_signed_in(user) and (is_coordinator(user) or editable_providers(user).exists())


def is_visible(user, pk) -> bool:
    return problem_reports.visible_to(user).filter(pk__in=valid_ids([pk])).exists()


class ProblemReportPermissionPolicy(BasePermissionPolicy):
    """Roles, not model permissions, say who handles reports; the listing's provider says which reports."""

    def user_has_permission(self, user, action):
        return action in READ_ACTIONS and may_handle_reports(user)

    def users_with_any_permission(self, actions):
        if not set(actions) & set(READ_ACTIONS):
            return get_user_model().objects.none()
        users = get_user_model().objects.filter(is_active=True)
        return users.filter(pk__in=[user.pk for user in users if may_handle_reports(user)])

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and is_visible(user, instance.pk)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return ProblemReport.objects.none()
        return problem_reports.visible_to(user)

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        return users.filter(pk__in=[user.pk for user in users if is_visible(user, instance.pk)])


problem_report_policy = ProblemReportPermissionPolicy(ProblemReport)
register_permission_policy(ProblemReport, problem_report_policy)


class ScopedReportMixin:
    """Another provider's report, or an id that is no report, is simply not there: 404 before it is loaded."""

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get("pk", args[0] if args else None)
        if pk is not None and not is_visible(request.user, pk):
            raise Http404
        super().setup(request, *args, **kwargs)


class ProblemReportIndexView(generic.IndexView):
    def get_base_queryset(self):
        return problem_reports.visible_to(self.request.user)


class ProblemReportStatusForm(VersionedFormMixin, forms.ModelForm):
    """The status, offered only as this user may set it, and the version the form was based on."""

    class Meta:
        model = ProblemReport
        fields = ["status"]
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = {self.instance.status, *problem_reports.statuses_for(user, self.instance)}
        self.fields["status"].choices = [(v, label) for v, label in ProblemReport.Status.choices if v in allowed]
        self.fields["status"].help_text = gettext_lazy(
            "Confirmed: learners see “A problem was reported with this page” on the listing, until it is fixed or "
            "dismissed. Only coordinators confirm or dismiss; the provider marks it fixed."
        )
        self.fields[BASED_ON].initial = self.instance.version


class ProblemReportEditView(ScopedReportMixin, generic.EditView):
    template_name = "finder/admin/problem_report_edit.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.form = form
        data = form.cleaned_data
        try:
            self.object = problem_reports.set_status(self.object, self.request.user, data["status"], data[BASED_ON])
        except StaleVersion as stale:
            current = ProblemReport.objects.get(pk=self.object.pk)
            self.produced_error_message = _(
                "Someone else changed this report while you had it open: it is now “%(status)s”. Choose again and save."
            ) % {"status": current.get_status_display()}
            form.rebase(**{BASED_ON: stale.version})
            self.object = current
            return self.form_invalid(form)
        status = self.object.get_status_display()
        messages.success(self.request, _("Problem report updated: %(status)s.") % {"status": status})
        return redirect(self.get_success_url())


def _scoped(view_class):
    if issubclass(view_class, ScopedReportMixin):
        return view_class
    return type(view_class.__name__, (ScopedReportMixin, view_class), {})


class ProblemReportViewSet(ModelViewSet):
    model = ProblemReport
    icon = "warning"
    menu_label = gettext_lazy("Problem reports")
    menu_order = 252
    add_to_admin_menu = True
    index_view_class = ProblemReportIndexView
    edit_view_class = ProblemReportEditView
    list_display = [
        "kind",
        Column("page", label=gettext_lazy("Listing")),
        "status",
        DateColumn("created_at", label=gettext_lazy("Reported")),
    ]
    list_filter = ["status", "kind"]
    search_fields = None
    inspect_view_enabled = True
    inspect_view_fields = ["page", "kind", "note", "site_language", "status", "handled_by", "created_at", "updated_at"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return ProblemReportStatusForm

    def construct_view(self, view_class, **kwargs):
        """Every view of one report (edit, inspect, history, usage, delete) answers 404 for anyone else's."""
        return super().construct_view(_scoped(view_class), **kwargs)


@hooks.register("register_admin_viewset")
def register_problem_reports():
    return ProblemReportViewSet("problem_reports")
