"""A list of codes from a fixed vocabulary, stored as JSON: "what to bring", "who can get it free".

Ticked as checkboxes in the admin; stored as a JSON list so a revision keeps it, and checked against the
vocabulary on save so an unknown code never reaches the finder.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    def __init__(self, *args, vocabulary: type[models.TextChoices] | None = None, **kwargs):
        self.vocabulary = vocabulary
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["vocabulary"] = self.vocabulary
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = set(self.vocabulary.values)
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(_("Choose from the list."), code="invalid_choice")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.vocabulary.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def labels(self, value) -> list[str]:
        """The labels of the stored codes, in the vocabulary's order."""
        return [label for code, label in self.vocabulary.choices if code in (value or [])]
