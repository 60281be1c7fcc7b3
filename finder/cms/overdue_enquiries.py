"""The coordinators' list of overdue enquiries, across every provider (a Wagtail report with CSV and XLSX exports).

Which enquiries are overdue is ``finder.enquiry_deadlines.overdue_enquiries``. The list names each enquiry by its
reference, class and provider, never the learner: a coordinator follows up the provider, not the learner, and can
open the enquiry from the reference. Provider editors see their own overdue enquiries in their inbox (its "Sent"
filter) and are refused this list.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from esolplus import cldr
from esolplus.roles import is_coordinator
from esolplus.safe_cells import FormulaSafeExportMixin
from finder import enquiry_deadlines
from finder.cms.enquiry_inbox import local_time, person
from finder.models import Enquiry
from finder.models.providers import attach_providers


def working_days_late(enquiry: Enquiry, today) -> int:
    """Working days from the deadline to today (1 on the first day it is overdue)."""
    day, late = enquiry_deadlines.answer_by(enquiry.created_at), 0
    while day < today:
        day = enquiry_deadlines.add_working_days(day, 1)
        late += 1
    return late


class OverdueEnquiriesReport(FormulaSafeExportMixin, ReportView):
    """Enquiries past their response deadline and still unanswered, oldest first, with their provider."""

    page_title = _("Overdue enquiries")
    header_icon = "warning"
    index_url_name = "finder_overdue_enquiries"
    index_results_url_name = "finder_overdue_enquiries_results"
    export_filename = "overdue-enquiries"
    list_export = ["reference", "provider_title", "class_title", "sent", "answer_by", "late", "assignee", "reminded"]
    export_headings = {
        "reference": _("Reference"),
        "provider_title": _("Provider"),
        "class_title": _("Class"),
        "sent": _("Sent"),
        "answer_by": _("Answer by"),
        "late": _("Working days late"),
        "assignee": _("Assigned to"),
        "reminded": _("Provider reminded"),
    }
    columns = [
        TitleColumn("reference", label=_("Reference"), url_name="wagtailsnippets_finder_enquiry:edit"),
        Column("provider_title", label=_("Provider")),
        Column("class_title", label=_("Class")),
        DateColumn("created_at", label=_("Sent")),
        Column("answer_by_text", label=_("Answer by")),
        Column("late", label=_("Working days late")),
        Column("assignee", label=_("Assigned to")),
        Column("reminded_text", label=_("Provider reminded")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return enquiry_deadlines.overdue_enquiries(Enquiry.objects.select_related("class_page", "assigned_to"))

    def decorate_paginated_queryset(self, object_list):
        enquiries = list(object_list)
        attach_providers([enquiry.class_page for enquiry in enquiries])
        today = timezone.localdate()
        for enquiry in enquiries:
            enquiry.provider_title = enquiry.class_page.provider_title or ""
            enquiry.class_title = enquiry.class_page.title
            enquiry.sent = local_time(enquiry.created_at)
            enquiry.answer_by = enquiry_deadlines.answer_by(enquiry.created_at)
            enquiry.answer_by_text = cldr.format_date(enquiry.answer_by, length="medium")
            enquiry.late = working_days_late(enquiry, today)
            enquiry.assignee = person(enquiry.assigned_to)
            enquiry.reminded = local_time(enquiry.reminded_at)
            enquiry.reminded_text = (
                cldr.format_date(enquiry.reminded_at, length="medium") if enquiry.reminded_at else ""
            )
        return enquiries


@hooks.register("register_admin_urls")
def register_overdue_enquiries_urls():
    report = OverdueEnquiriesReport
    return [
        path("reports/overdue-enquiries/", report.as_view(), name="finder_overdue_enquiries"),
        path(
            "reports/overdue-enquiries/results/",
            report.as_view(results_only=True),
            name="finder_overdue_enquiries_results",
        ),
    ]


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


@hooks.register("register_reports_menu_item")
def overdue_enquiries_menu_item():
    return CoordinatorMenuItem(
        _("Overdue enquiries"),
        reverse("finder_overdue_enquiries"),
        name="overdue-enquiries",
        icon_name="warning",
        order=55,
    )
