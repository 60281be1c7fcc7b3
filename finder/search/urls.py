from django.urls import path

from finder.search import views

app_name = "finder"

urlpatterns = [
    path("", views.find_classes, name="find"),
    path("help/", views.help_me_choose, name="help_me_choose"),
    path("workplace/", views.find_workplace_offers, name="workplace"),
    path("enquire/<int:class_id>/", views.enquire, name="enquiry"),
    path("enquire/<int:class_id>/sent/", views.enquiry_sent, name="enquiry_sent"),
]
