"""/survey/<token>/ (and /ar/survey/<token>/...): the learner's survey pages, in esolplus.urls' i18n_patterns."""

from django.urls import path

from . import survey_link_views as views

app_name = "survey"

urlpatterns = [
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/<int:number>/", views.question, name="question"),
    path("<str:token>/check/", views.check, name="check"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
]
