from django.urls import include, path

from finder.search import help_views, views, workplace_views

app_name = "finder"

urlpatterns = [
    path("", views.find_classes, name="find"),
    path("help/", help_views.help_me_choose, name="help_me_choose"),
    path("workplace/", workplace_views.find_workplace_offers, name="workplace"),
    path("", include("finder.search.enquiry_urls")),
    path("", include("finder.search.eligibility_urls")),
    path("", include("finder.search.waiting_urls")),
    path("", include("finder.search.problem_urls")),
]
