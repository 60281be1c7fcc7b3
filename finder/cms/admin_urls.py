"""Wagtail admin URLs the provider CMS answers itself, ahead of Wagtail's own (``esolplus.urls`` lists
this first under ``admin/``): the workflow reports, scoped so an editor sees only their own provider's
venues in them, and the site history and page types reports (``finder.cms.boundary``). Same paths and
names as Wagtail's, so its links and filters reach these views."""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from finder.cms.boundary import PageTypesUsageReport, SiteHistoryReport
from finder.cms.venues import WorkflowReport, WorkflowTasksReport

urlpatterns = [
    path("reports/workflow/", WorkflowReport.as_view()),
    path("reports/workflow/results/", WorkflowReport.as_view(results_only=True)),
    path("reports/workflow_tasks/", WorkflowTasksReport.as_view()),
    path("reports/workflow_tasks/results/", WorkflowTasksReport.as_view(results_only=True)),
    path("reports/site-history/", SiteHistoryReport.as_view()),
    path("reports/site-history/results/", SiteHistoryReport.as_view(results_only=True)),
    path("reports/page-types-usage/", PageTypesUsageReport.as_view()),
    path("reports/page-types-usage/results/", PageTypesUsageReport.as_view(results_only=True)),
]
urlpatterns = decorate_urlpatterns(decorate_urlpatterns(urlpatterns, require_admin_access), never_cache)
