"""Coordinators' view of background jobs that failed for good (esolplus.tasks): what, when, why, and "try again".

Its URLs and its Reports menu item are registered here (imported by esolplus.wagtail_hooks).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from esolplus.models import FailedJob
from esolplus.roles import is_coordinator
from esolplus.tasks import try_again


class FailedJobsReport(ReportView):
    """Jobs that failed after their retries (an email that could not be sent, an export that broke)."""

    page_title = gettext_lazy("Failed background jobs")
    header_icon = "warning"
    index_url_name = "esolplus_failed_jobs"
    index_results_url_name = "esolplus_failed_jobs_results"
    columns = [
        Column("task_path", label=gettext_lazy("Job")),
        Column("error", label=gettext_lazy("Error")),
        DateColumn("failed_at", label=gettext_lazy("Failed")),
        DateColumn("retried_at", label=gettext_lazy("Tried again")),
        TitleColumn(
            "try_again",
            label=gettext_lazy("Try again"),
            get_url=lambda job: reverse("esolplus_try_failed_job", args=[job.pk]),
        ),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return FailedJob.objects.all()

    def decorate_paginated_queryset(self, object_list):
        for job in object_list:
            job.try_again = _("Try again")
        return object_list


@require_http_methods(["GET", "POST"])
def try_failed_job(request, job_id: int):
    """GET asks to confirm; POST enqueues the job again with the same arguments."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    job = get_object_or_404(FailedJob, pk=job_id)
    if request.method == "POST":
        try:
            try_again(job)
        except (ImportError, ValueError):
            messages.error(request, _("This job no longer exists in the code and cannot be tried again."))
        else:
            messages.success(request, _("The job is queued again."))
        return redirect("esolplus_failed_jobs")
    return TemplateResponse(
        request,
        "esolplus/admin/try_again.html",
        {"job": job, "page_title": _("Try the job again?"), "header_icon": "warning"},
    )


@hooks.register("register_admin_urls")
def failed_jobs_urls():
    report = FailedJobsReport
    return [
        path("reports/failed-jobs/", report.as_view(), name="esolplus_failed_jobs"),
        path("reports/failed-jobs/results/", report.as_view(results_only=True), name="esolplus_failed_jobs_results"),
        path("reports/failed-jobs/<int:job_id>/try-again/", try_failed_job, name="esolplus_try_failed_job"),
    ]


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


@hooks.register("register_reports_menu_item")
def failed_jobs_menu_item():
    return CoordinatorMenuItem(
        gettext_lazy("Failed background jobs"),
        reverse("esolplus_failed_jobs"),
        name="failed-jobs",
        icon_name="warning",
        order=60,
    )
