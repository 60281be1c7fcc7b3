"""The waiting-list forms: wait for a place in one class, or for any class at a level near you."""

from django import forms
from django.utils.translation import gettext_lazy as _

from esolplus.concurrency import SubmissionKeyFormMixin
from esolplus.contact_fields import ContactEmailInput, PhoneInput, PhoneNumberField
from finder.models import Language, Level, WaitingListEntry
from finder.search.forms import DEFAULT_RADIUS_KM, RADIUS_CHOICES


class WaitingListForm(SubmissionKeyFormMixin, forms.ModelForm):
    """Who to tell when a place opens: short, with the enquiry form's honeypot and one-time key."""

    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    consent_to_contact = forms.BooleanField(
        label=_("I agree that you can text or email me about places in classes."),
        error_messages={"required": _("Tick the box so we can tell you when a place opens.")},
    )

    class Meta:
        model = WaitingListEntry
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
            "phone": PhoneInput(),
            "email": ContactEmailInput(),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        error_messages = {
            "name": {"required": _("Enter your name."), "max_length": _("Your name is too long.")},
            "phone": {"max_length": _("Enter a phone number like 07700 900123.")},
            "email": {"invalid": _("Enter an email address like name@example.com.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"] = forms.ChoiceField(
            label=self.fields["preferred_language"].label,
            required=False,
            choices=[("", _("English is fine")), *((lang.code, str(lang)) for lang in Language.objects.all())],
            error_messages={"invalid_choice": _("Choose a language from the list.")},
        )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_email(self):
        return self.cleaned_data.get("email", "").strip().lower()

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and not {"phone", "email"} & set(self.errors):
            self.add_error("phone", _("Give a phone number or an email address so we can tell you."))
        self.instance.submission_key = data.get("submission_key")
        return data


class AreaWaitingListForm(WaitingListForm):
    """ "Tell me when a place opens" for a level near a place; the view geocodes ``area``."""

    area = forms.CharField(
        label=_("Postcode or area"),
        help_text=_("For example: E1 6AN, E1 or Peckham"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        error_messages={"required": _("Enter a postcode or area.")},
    )
    radius_km = forms.TypedChoiceField(
        label=_("Distance"),
        choices=RADIUS_CHOICES,
        coerce=int,
        initial=str(DEFAULT_RADIUS_KM),
        error_messages={
            "required": _("Choose a distance from the list."),
            "invalid_choice": _("Choose a distance from the list."),
        },
    )
    level = forms.ModelChoiceField(
        label=_("Your English level"),
        queryset=Level.objects.all(),
        required=False,
        empty_label=_("I don't know"),
        error_messages={"invalid_choice": _("Choose a level from the list.")},
    )

    class Meta(WaitingListForm.Meta):
        fields = ["area", "level", "radius_km", *WaitingListForm.Meta.fields]
        labels = WaitingListForm.Meta.labels

    field_order = ["area", "level", "radius_km", "name", "phone", "email", "preferred_language", "consent_to_contact"]
