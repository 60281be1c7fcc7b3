"""The initial-assessment forms: where to look for a time, and the short booking form.

The booking form shares the enquiry form's honeypot and one-time key (``PublicFormMixin``), so a double tap or a
retry on a slow phone books one place.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from esolplus.contact_fields import ContactEmailInput, PhoneInput, PhoneNumberField
from finder.models import AssessmentBooking
from finder.search.enquiry_forms import BAD_EMAIL, PublicFormMixin, language_choices
from finder.search.forms import PlaceForm


class AssessmentPlaceForm(PlaceForm):
    """Where the learner can travel from: the finder's place and distance, without its sort order."""

    sort = None
    error_messages_for = {name: message for name, message in PlaceForm.error_messages_for.items() if name != "sort"}


class BookingForm(PublicFormMixin, forms.ModelForm):
    """Who is coming and how to reach them: name, a phone number or an email address, and consent."""

    consent_to_contact = forms.BooleanField(
        label=_("I agree that you can text, email or call me about my assessment."),
        error_messages={"required": _("Tick the box so we can send you your booking.")},
    )

    class Meta:
        model = AssessmentBooking
        fields = ["name", "phone", "email", "preferred_language", "consent_to_contact"]
        field_classes = {"phone": PhoneNumberField}
        labels = {
            "name": _("Your name"),
            "phone": _("Phone number"),
            "email": _("Email address"),
            "preferred_language": _("Which language do you prefer?"),
        }
        help_texts = {"phone": _("Give a phone number or an email address, or both.")}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": PhoneInput(),
            "email": ContactEmailInput(),
        }
        error_messages = {
            "name": {"required": _("Enter your name."), "max_length": _("Your name is too long.")},
            "phone": {"max_length": _("Enter a phone number like 07700 900123.")},
            "email": {"invalid": BAD_EMAIL},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"] = forms.ChoiceField(
            label=self.fields["preferred_language"].label,
            required=False,
            choices=language_choices(_("English is fine")),
            error_messages={"invalid_choice": _("Choose a language from the list.")},
        )

    def clean_email(self):
        return self.cleaned_data.get("email", "").strip().lower()

    def clean(self):
        data = super().clean()
        self.require_contact(data, "phone", "email", _("Give a phone number or an email address so we can reach you."))
        return data


class MoveForm(forms.Form):
    """The new time a learner chose on the move page (one button per time)."""

    slot = forms.IntegerField(
        min_value=1,
        error_messages={
            key: _("Choose a time from the list.") for key in ("required", "invalid", "min_value", "max_value")
        },
    )
