"""Open Referral UK 3.0 API: /openreferral/ (docs/openreferral.md)."""

from django.urls import path

from finder.openreferral import views

app_name = "openreferral"

urlpatterns = [
    path("", views.ApiDetails.as_view(), name="api_details"),
    path("services", views.ServiceList.as_view(), name="services"),
    path("services/<str:identifier>", views.ServiceDetail.as_view(), name="service"),
    path("service_at_locations", views.ServiceAtLocationList.as_view(), name="service_at_locations"),
    path("service_at_locations/<str:identifier>", views.ServiceAtLocationDetail.as_view(), name="service_at_location"),
    path("organizations", views.OrganizationList.as_view(), name="organizations"),
    path("organizations/<str:identifier>", views.OrganizationDetail.as_view(), name="organization"),
    path("taxonomies", views.TaxonomyList.as_view(), name="taxonomies"),
    path("taxonomies/<str:identifier>", views.TaxonomyDetail.as_view(), name="taxonomy"),
    path("taxonomy_terms", views.TaxonomyTermList.as_view(), name="taxonomy_terms"),
    path("taxonomy_terms/<str:identifier>", views.TaxonomyTermDetail.as_view(), name="taxonomy_term"),
]
