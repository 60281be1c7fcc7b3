"""Staff entry of one wave of the integration survey, in any published version (default: the latest)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from esolplus.concurrency import SubmissionKeyFormMixin

from .instruments import SURVEY_CODE, item_text, value_labels
from .models import SurveyInstrument, SurveyResponse

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def survey_versions(code: str = SURVEY_CODE):
    """The survey's published versions, latest first."""
    return SurveyInstrument.objects.filter(code=code).order_by("-version")


def chosen_instrument(version: str | None, code: str = SURVEY_CODE) -> SurveyInstrument | None:
    """The version staff asked for (``?version=`` or the form's hidden field), else the latest; None if the survey
    has no version at all. An unknown version falls back to the latest, whose form then refuses it."""
    versions = survey_versions(code)
    if version and version.isdigit():
        asked = versions.filter(version=int(version)).first()
        if asked:
            return asked
    return versions.first()


class SurveyForm(SubmissionKeyFormMixin, forms.Form):
    """One radio group per item of the chosen version; an answer must be one of the item's value labels. The
    version travels with the form, so answers are saved against the version whose questions were shown."""

    def __init__(self, *args, instrument: SurveyInstrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["version"] = forms.TypedChoiceField(
            choices=[(v, v) for v in survey_versions(instrument.code).values_list("version", flat=True)],
            coerce=int,
            empty_value=None,
            required=False,  # a form without it answers the version it was built for
            initial=instrument.version,
            widget=forms.HiddenInput,
            error_messages={"invalid_choice": _("This survey version does not exist. Open the form again.")},
        )
        self.fields["wave"] = forms.ChoiceField(label=_("When"), choices=SurveyResponse.Wave.choices)
        self.fields["date"] = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=datetime.date.today)
        self.items = list(instrument.items.all())
        for item in self.items:
            self.fields[f"item_{item.code}"] = forms.TypedChoiceField(
                label=item_text(item),
                choices=[(int(value), label) for value, label in value_labels(item).items()],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the answers shown for this question.")},
            )

    def clean_version(self):
        version = self.cleaned_data["version"]
        if version not in (None, self.instrument.version):
            raise forms.ValidationError(_("This survey version does not exist. Open the form again."))
        return self.instrument.version

    def clean(self):
        data = super().clean()
        if self.has_error("version"):  # a hidden field: its message goes to the top of the form
            self.add_error(None, self.errors.pop("version"))
        return data

    def answers(self) -> dict[str, int]:
        return {
            item.code: self.cleaned_data[f"item_{item.code}"]
            for item in self.items
            if self.cleaned_data.get(f"item_{item.code}") not in (None, "")
        }
