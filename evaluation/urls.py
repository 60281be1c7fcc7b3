"""Evaluation screens for provider staff, evaluators and coordinators: /evaluation/."""

from django.urls import path

from . import pilot_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:cohort_id>/enrol/", views.enrol_learner, name="enrol"),
    path("cohorts/<int:cohort_id>/schedule/", views.schedule_sessions, name="schedule"),
    path("cohorts/<int:cohort_id>/import/", views.import_csv, name="import"),
    path("sessions/<int:session_id>/register/", views.take_register, name="register"),
    path("enrolments/<int:enrolment_id>/", views.enrolment_detail, name="enrolment"),
    path("goals/<int:goal_id>/rate/", views.rate_goal, name="rate_goal"),
    path("learners/<int:learner_id>/survey/", views.record_survey, name="survey"),
    path("learners/<int:learner_id>/outcome/", views.record_outcome, name="outcome"),
    path("learners/<int:learner_id>/identity/", views.identity, name="identity"),
    path("learners/<int:learner_id>/subject-access/", views.subject_access, name="subject_access"),
    path("learners/<int:learner_id>/erase/", views.erase, name="erase"),
    path("pilots/<slug:slug>/", pilot_views.dashboard, name="dashboard"),
    path("pilots/<slug:slug>/export/", pilot_views.export, name="export"),
    path("pilots/<slug:slug>/publish/", pilot_views.publish_results, name="publish"),
    path("results/<slug:slug>/", pilot_views.results, name="results"),
    path("results/<slug:slug>/results.csv", pilot_views.results_csv, name="results_csv"),
]
