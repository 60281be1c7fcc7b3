"""``{% problem_reported page as reported %}``: whether a listing shows that a problem was reported with it."""

from django import template

from finder.problem_reports import has_confirmed_problem

register = template.Library()


@register.simple_tag
def problem_reported(page) -> bool:
    return has_confirmed_problem(page)
