from django.urls import path

from finder.search import enquiry_views, help_views, views, workplace_views

app_name = "finder"

urlpatterns = [
    path("", views.find_classes, name="find"),
    path("help/", help_views.help_me_choose, name="help_me_choose"),
    path("workplace/", workplace_views.find_workplace_offers, name="workplace"),
    path("enquire/<int:class_id>/", enquiry_views.enquire, name="enquiry"),
    path("enquire/<int:class_id>/sent/", enquiry_views.enquiry_sent, name="enquiry_sent"),
]
