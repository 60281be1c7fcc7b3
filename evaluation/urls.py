"""Evaluation screens for provider staff, evaluators and coordinators: /evaluation/."""

from django.urls import path

from . import (
    consent_views,
    correction_views,
    definition_views,
    evidence_views,
    funnel_views,
    pilot_views,
    session_views,
    survey_due_views,
    views,
)
from .comparison_views import comparison, comparison_add

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:cohort_id>/enrol/", views.enrol_learner, name="enrol"),
    path("cohorts/<int:cohort_id>/schedule/", views.schedule_sessions, name="schedule"),
    path("cohorts/<int:cohort_id>/import/", views.import_csv, name="import"),
    path("cohorts/<int:cohort_id>/sessions/add/", session_views.add_session, name="add_session"),
    path("sessions/<int:session_id>/register/", views.take_register, name="register"),
    path("sessions/<int:session_id>/change/", session_views.change_session, name="change_session"),
    path("enrolments/<int:enrolment_id>/", views.enrolment_detail, name="enrolment"),
    path("goals/<int:goal_id>/rate/", views.rate_goal, name="rate_goal"),
    # Corrections and deletions of learner records (correction_views), each audited with old and new values.
    path("enrolments/<int:enrolment_id>/correct/", correction_views.correct_enrolment, name="correct_enrolment"),
    path("enrolments/<int:enrolment_id>/delete/", correction_views.delete_enrolment, name="delete_enrolment"),
    path("assessments/<int:assessment_id>/correct/", correction_views.correct_assessment, name="correct_assessment"),
    path("assessments/<int:assessment_id>/delete/", correction_views.delete_assessment, name="delete_assessment"),
    path("goals/<int:goal_id>/correct/", correction_views.correct_goal, name="correct_goal"),
    path("goals/<int:goal_id>/delete/", correction_views.delete_goal, name="delete_goal"),
    path("surveys/<int:response_id>/correct/", correction_views.correct_survey, name="correct_survey"),
    path("surveys/<int:response_id>/delete/", correction_views.delete_survey, name="delete_survey"),
    path("outcomes/<int:outcome_id>/correct/", correction_views.correct_outcome, name="correct_outcome"),
    path("outcomes/<int:outcome_id>/delete/", correction_views.delete_outcome, name="delete_outcome"),
    path("learners/<int:learner_id>/survey/", views.record_survey, name="survey"),
    path("learners/<int:learner_id>/outcome/", views.record_outcome, name="outcome"),
    path("learners/<int:learner_id>/identity/", views.identity, name="identity"),
    path("learners/<int:learner_id>/subject-access/", views.subject_access, name="subject_access"),
    path("learners/<int:learner_id>/erase/", views.erase, name="erase"),
    path("learners/<int:learner_id>/consent/withdraw/", consent_views.withdraw, name="withdraw_consent"),
    path("cohorts/<int:cohort_id>/surveys-due/", survey_due_views.cohort_due, name="survey_due"),
    path("learners/<int:learner_id>/invite/", survey_due_views.invite_survey, name="invite_survey"),
    path("pilots/<slug:slug>/comparison-due/", survey_due_views.comparison_due, name="comparison_due"),
    path("indicators/", definition_views.indicator_definitions, name="indicator_definitions"),
    path("pilots/<slug:slug>/", pilot_views.dashboard, name="dashboard"),
    path("pilots/<slug:slug>/export/", pilot_views.export, name="export"),
    path("pilots/<slug:slug>/publish/", pilot_views.publish_results, name="publish"),
    path("pilots/<slug:slug>/comparison/", comparison, name="comparison"),
    path("pilots/<slug:slug>/comparison/add/", comparison_add, name="comparison_add"),
    path("results/<slug:slug>/", pilot_views.results, name="results"),
    path("results/<slug:slug>/results.csv", pilot_views.results_csv, name="results_csv"),
    path("results/<slug:slug>/v<int:version>/", pilot_views.results, name="results_version"),
    path("results/<slug:slug>/v<int:version>/results.csv", pilot_views.results_csv, name="results_version_csv"),
    path("boroughs/", evidence_views.boroughs, name="boroughs"),
    path("boroughs.csv", evidence_views.boroughs_csv, name="boroughs_csv"),
    path("evidence/", evidence_views.public_evidence, name="evidence"),
    path("evidence.csv", evidence_views.public_evidence_csv, name="evidence_csv"),
    # The funnel (funnel_views): staff's exact figures within their providers; the public London-wide table.
    path("funnel/", funnel_views.staff_funnel, name="funnel"),
    path("funnel.csv", funnel_views.staff_funnel_csv, name="funnel_csv"),
    path("evidence/funnel/", funnel_views.public_funnel, name="public_funnel"),
    path("evidence/funnel.csv", funnel_views.public_funnel_csv, name="public_funnel_csv"),
]
