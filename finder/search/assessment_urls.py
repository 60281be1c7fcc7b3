"""Booking an initial assessment (finder.search.assessment_views): /assessments/, in every site language."""

from django.urls import path

from finder.search import assessment_views

app_name = "assessments"

urlpatterns = [
    path("", assessment_views.slot_list, name="list"),
    path("<int:slot_id>/book/", assessment_views.book, name="book"),
    path("booking/<str:token>/", assessment_views.booking, name="booking"),
    path("booking/<str:token>/move/", assessment_views.move, name="move"),
]
