"""Waiting lists (finder.search.waiting_views), included in the "finder" namespace."""

from django.urls import path

from finder.search import waiting_views

urlpatterns = [
    path("waiting/", waiting_views.waiting_for_area, name="waiting_for_area"),
    path("waiting/<int:class_id>/", waiting_views.join_waiting_list, name="join_waiting_list"),
    path("waiting/joined/<str:token>/", waiting_views.waiting_joined, name="waiting_joined"),
    path("waiting/withdraw/<str:token>/", waiting_views.withdraw, name="waiting_withdraw"),
]
