"""Admin forms that keep editors to their own provider."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from finder.cms.permissions import editable_providers
from finder.cms.venue_places import place


class VenueForm(forms.ModelForm):
    """Offers only the providers the editor works for, and picks theirs when there is one.

    Saving places the venue from its postcode (see ``venue_places.place``), on the draft the editor
    is saving, so what a coordinator approves already has its pin and borough.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        field = self.fields.get("provider")
        if field is not None and user is not None:
            field.queryset = editable_providers(user).order_by("title")
            field.error_messages["invalid_choice"] = _("Choose your own organisation.")
            if not self.instance.pk and field.queryset.count() == 1:
                field.initial = field.queryset.first().pk

    def clean(self):
        cleaned_data = super().clean()
        # Nothing to place from a blank postcode (a draft may leave it for later) or a mistyped pin.
        if not cleaned_data.get("postcode") or self.has_error("latitude") or self.has_error("longitude"):
            return cleaned_data
        before = (self.initial.get("postcode"), self.initial.get("latitude"), self.initial.get("longitude"))
        try:
            placement = place(
                cleaned_data["postcode"], cleaned_data.get("latitude"), cleaned_data.get("longitude"), before=before
            )
        except ValidationError as error:
            self.add_error(None, error)
            return cleaned_data
        cleaned_data.update(postcode=placement.postcode, latitude=placement.latitude, longitude=placement.longitude)
        self.instance.borough = placement.borough  # not a form field: the postcode decides it
        return cleaned_data
