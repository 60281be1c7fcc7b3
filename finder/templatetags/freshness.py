"""{% load freshness %}: is a listing's check old (the learner's warning) or past the cutoff (hidden from the
finder), by the rules in finder.freshness; and a date kept as ISO text in a message, in the reader's language."""

import datetime

from django import template

from esolplus import cldr
from finder import freshness

register = template.Library()


@register.filter
def check_is_old(last_checked) -> bool:
    return freshness.is_old(last_checked)


@register.filter
def listing_is_hidden(last_checked) -> bool:
    return freshness.is_hidden(last_checked)


@register.filter
def iso_cldr_date(value) -> str:
    """ "2026-08-01" (as a notification's context keeps it) as CLDR writes it in the active language."""
    try:
        return cldr.format_date(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")
