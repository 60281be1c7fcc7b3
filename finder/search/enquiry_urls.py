"""Enquiries: a learner's, an adviser's referral, an employer's; the "sent" pages and the status look-up."""

from django.urls import path

from finder.search import employer_views, enquiry_views

urlpatterns = [
    path("enquire/<int:class_id>/", enquiry_views.enquire, name="enquiry"),
    path("enquire/<int:class_id>/refer/", enquiry_views.refer, name="referral"),
    path("enquire/sent/<str:token>/", enquiry_views.enquiry_sent, name="enquiry_sent"),
    path("enquiry-status/", enquiry_views.enquiry_status, name="enquiry_status"),
    path("workplace/<int:offer_id>/enquire/", employer_views.employer_enquire, name="employer_enquiry"),
    path("workplace/enquire/sent/<str:token>/", employer_views.employer_enquiry_sent, name="employer_enquiry_sent"),
]
