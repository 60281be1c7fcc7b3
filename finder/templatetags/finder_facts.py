"""{% load finder_facts %}: a class's structured facts (finder.search.facts) for its page and provider listings."""

from django import template
from django.utils.html import format_html

from finder.search.facts import PROVIDER_WORDS_LANGUAGE, class_facts

register = template.Library()


@register.simple_tag
def facts_of(class_page):
    """``{% facts_of page as facts %}``: cost, joining, childcare, access and places as translated text."""
    return class_facts(class_page)


@register.filter
def provider_words(text):
    """``{{ page.title|provider_words }}``: the provider's own, untranslated text, marked as their language and
    isolated from the page's direction, so it reads right inside an Arabic page (finder.search.facts)."""
    if text in (None, ""):
        return ""
    return format_html('<span lang="{}" dir="auto">{}</span>', PROVIDER_WORDS_LANGUAGE, text)
