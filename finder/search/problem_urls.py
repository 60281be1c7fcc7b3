"""Reporting a problem with a class, provider or workplace-offer page (finder.search.problem_views)."""

from django.urls import path

from finder.search import problem_views

urlpatterns = [
    path("report-a-problem/<int:page_id>/", problem_views.report_problem, name="report_problem"),
    path("report-a-problem/<int:page_id>/sent/", problem_views.problem_reported, name="problem_reported"),
]
