"""Booking an initial assessment (finder.search.assessment_views): /assessments/, in every site language."""


app_name = "assessments"

urlpatterns: list = []
