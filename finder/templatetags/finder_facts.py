"""{% load finder_facts %}: a class's structured facts (finder.search.facts) for its page and provider listings."""

from django import template

from finder.search.facts import class_facts

register = template.Library()


@register.simple_tag
def facts_of(class_page):
    """``{% facts_of page as facts %}``: cost, joining, childcare, access and places as translated text."""
    return class_facts(class_page)
