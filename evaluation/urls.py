"""Evaluation screens for provider staff, evaluators and coordinators: /evaluation/."""

app_name = "evaluation"

urlpatterns: list = []
