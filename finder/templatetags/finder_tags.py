"""Template helpers for the finder's forms: choice lists rendered without a template per option."""

from django import template

register = template.Library()


@register.filter
def finder_options(field) -> list[dict]:
    """(value, label, selected, id) for each choice of a bound field, in one pass.

    Django renders every option of a widget through its own template, which made the search page slow;
    the finder's templates write the few attributes they need themselves.
    """
    value = field.value()
    if value in (None, "", []):
        value = field.field.initial
    selected = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)} if value else set()
    options = []
    for index, (choice_value, label) in enumerate(field.field.choices):
        text = "" if choice_value is None else str(choice_value)
        options.append(
            {
                "value": text,
                "label": label,
                "selected": text in selected,
                "id": f"{field.auto_id}_{index}",
            }
        )
    return options
