"""``{% may_delete record as name %}``: whether the signed-in user may delete this learner record, so that a page
offers "Delete" only to those the delete screen will let in (the rule: ``access.can_delete_records``)."""

from django import template

from evaluation import access
from evaluation.services.corrections import owner_provider_id

register = template.Library()


@register.simple_tag(takes_context=True)
def may_delete(context, record) -> bool:
    request = context.get("request")
    return request is not None and access.can_delete_records(request.user, owner_provider_id(record))
