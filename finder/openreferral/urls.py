"""Open Referral UK 3.0 API: /openreferral/."""

from django.urls import path

from finder.openreferral import views

app_name = "openreferral"

urlpatterns = [
    path("", views.api_details, name="api_details"),
    path("services", views.services, name="services"),
    path("services/<str:identifier>", views.service_detail, name="service"),
    path("service_at_locations", views.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:identifier>", views.service_at_location_detail, name="service_at_location"),
    path("organizations", views.organizations, name="organizations"),
    path("organizations/<str:identifier>", views.organization_detail, name="organization"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:identifier>", views.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:identifier>", views.taxonomy_term_detail, name="taxonomy_term"),
]
