"""/find/free/: "Can I study for free?" (included from finder.search.urls, in the "finder" namespace)."""

from django.urls import path

from finder.search import eligibility_views

urlpatterns = [
    path("free/", eligibility_views.free_checker, name="free_checker"),
]
