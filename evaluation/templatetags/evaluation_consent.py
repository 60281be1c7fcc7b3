"""``{% may_contact learner as name %}``: whether the learner agreed to follow-up contact and has not withdrawn it
today, so that a page can say "do not contact" (the rule: ``evaluation.consent.may_contact_for_follow_up``)."""

from django import template
from django.utils import timezone

from evaluation.consent import may_contact_for_follow_up

register = template.Library()


@register.simple_tag
def may_contact(learner) -> bool:
    return may_contact_for_follow_up(learner, timezone.localdate())
