"""Forms for the learner-facing finder: where to search, and workplace ESOL."""

from django import forms
from django.utils.translation import gettext_lazy as _

from finder.models import IndustrySector

RADIUS_CHOICES = [
    ("1", _("1 km (about half a mile)")),
    ("2", _("2 km (about 1 mile)")),
    ("5", _("5 km (about 3 miles)")),
    ("10", _("10 km (about 6 miles)")),
    ("20", _("20 km (about 12 miles)")),
]
DEFAULT_RADIUS_KM = 5
MAX_PAGE = 1000
# A generous box around Greater London: "use my location" outside it can't be searched.
LONDON_LATITUDE = (51.2, 51.8)
LONDON_LONGITUDE = (-0.65, 0.45)


class SortOrder:
    DISTANCE = "distance"
    SOONEST = "soonest"
    choices = [(DISTANCE, _("Nearest first")), (SOONEST, _("Starting soonest"))]


class PlaceForm(forms.Form):
    """Where to search from: words to geocode, or coordinates from the browser's "use my location"."""

    where = forms.CharField(
        label=_("Postcode or area"),
        help_text=_("For example: E1 6AN, E1 or Peckham"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        choices=RADIUS_CHOICES,
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS_KM,
        initial=str(DEFAULT_RADIUS_KM),
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SortOrder.choices, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)

    error_messages_for = {
        "lat": _("We couldn't use your location. Enter a postcode instead."),
        "lon": _("We couldn't use your location. Enter a postcode instead."),
        "radius": _("Choose a distance from the list."),
        "sort": _("Choose how to sort from the list."),
        "page": _("That page number doesn't exist. Go back to the first page."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.error_messages_for.items():
            self.fields[name].error_messages.update(
                dict.fromkeys(("invalid", "invalid_choice", "min_value", "max_value"), message)
            )

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        in_london = (
            lat is not None
            and lon is not None
            and LONDON_LATITUDE[0] <= lat <= LONDON_LATITUDE[1]
            and LONDON_LONGITUDE[0] <= lon <= LONDON_LONGITUDE[1]
        )
        if (lat is not None or lon is not None) and not in_london:
            self.add_error("where", _("Your location seems to be outside London. Enter a London postcode instead."))
        return data

    @property
    def coordinates(self) -> tuple[float, float] | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("lat") is not None and data.get("lon") is not None:
            return data["lat"], data["lon"]
        return None


class WorkplaceSearchForm(forms.Form):
    """An employer looks for workplace ESOL by postcode or borough, sector and group size."""

    where = forms.CharField(
        label=_("Workplace postcode or borough"),
        help_text=_("For example: SE1 7PB or Southwark"),
        required=False,
        max_length=100,
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=IndustrySector.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Any sector"),
    )
    group_size = forms.IntegerField(
        label=_("How many staff want to learn?"), required=False, min_value=1, max_value=500
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].error_messages["invalid_choice"] = _("Choose a sector from the list.")
        self.fields["group_size"].error_messages.update(
            {key: _("Enter a number of staff between 1 and 500.") for key in ("invalid", "min_value", "max_value")}
        )
