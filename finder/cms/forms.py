"""Admin forms that keep editors to their own provider."""

from django import forms
from django.utils.translation import gettext_lazy as _

from finder.cms.permissions import editable_providers


class VenueForm(forms.ModelForm):
    """Offers only the providers the editor works for, and picks theirs when there is one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        field = self.fields.get("provider")
        if field is not None and user is not None:
            field.queryset = editable_providers(user).order_by("title")
            field.error_messages["invalid_choice"] = _("Choose your own organisation.")
            if not self.instance.pk and field.queryset.count() == 1:
                field.initial = field.queryset.first().pk
