"""{% load languages %}: links to the current page in every site language (the switcher, hreflang alternates)."""

from django import template
from django.conf import settings
from django.utils.html import format_html_join

from esolplus.languages import language_versions

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context):
    """``{% page_languages as versions %}``: LanguageVersion per site language; empty on staff pages."""
    request = context.get("request")
    return language_versions(request) if request is not None else []


@register.simple_tag(takes_context=True)
def hreflang_alternates(context):
    """``<link rel="alternate" hreflang>`` for each language version, and x-default (English, no prefix).

    Absolute addresses, as search engines require; empty on staff pages."""
    request = context.get("request")
    versions = language_versions(request) if request is not None else []
    if not versions:
        return ""
    links = [(v.code, request.build_absolute_uri(v.url)) for v in versions]
    default = next(url for code, url in links if code == settings.LANGUAGE_CODE)
    return format_html_join("\n", '<link rel="alternate" hreflang="{}" href="{}">', [*links, ("x-default", default)])
