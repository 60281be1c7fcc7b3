"""{% load cldr %}: language names, dates and money in the page's language, from CLDR (esolplus.cldr).

{{ "so"|language_name }}         Somali / Soomaali / الصومالية
{{ class_page.start_date|cldr_date }}          15 January 2026 / 15 stycznia 2026
{{ class_page.start_date|cldr_date:"medium" }} 15 Jan 2026
{{ 1234.5|cldr_number }}         1,234.5 / 1 234,5
{{ 45|cldr_currency }}           £45.00 / 45,00 GBP
"""

from django import template

from esolplus import cldr

register = template.Library()


@register.filter
def language_name(code):
    """The name of an ISO 639 language in the page's language; the code itself if CLDR has no name for it."""
    if not code:
        return ""
    return cldr.language_name(str(code)) or code


@register.filter
def cldr_date(value, length="long"):
    if not value:
        return ""
    return cldr.format_date(value, length=length if length in {"short", "medium", "long", "full"} else "long")


@register.filter
def cldr_number(value):
    if value in (None, ""):
        return ""
    try:
        return cldr.format_number(value)
    except (TypeError, ValueError, ArithmeticError):
        return value


@register.filter
def cldr_currency(value, currency="GBP"):
    if value in (None, ""):
        return ""
    try:
        return cldr.format_currency(value, currency=currency or "GBP")
    except (TypeError, ValueError, ArithmeticError):
        return value
