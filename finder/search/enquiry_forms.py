"""The learner's "I'm interested" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from esolplus.concurrency import SubmissionKeyFormMixin
from finder.models import Enquiry, Language


class EnquiryForm(SubmissionKeyFormMixin, forms.ModelForm):
    """ "I'm interested": short, with a hidden honeypot field that people never fill in, and a one-time key so
    that sending it twice (a double tap, a retry on a slow connection) makes one enquiry."""

    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    consent_to_contact = forms.BooleanField(
        label=_("I agree that the provider can contact me about this class."),
        error_messages={"required": _("Tick the box so the provider can contact you.")},
    )

    class Meta:
        model = Enquiry
        fields = ["name", "phone", "email", "preferred_language", "best_time", "consent_to_contact"]
        labels = {
            "name": _("Your name"),
            "phone": _("Phone number"),
            "email": _("Email address"),
            "preferred_language": _("Which language do you prefer?"),
            "best_time": _("Best time to call you"),
        }
        help_texts = {
            "phone": _("Give a phone number or an email address, or both."),
        }
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "best_time": forms.RadioSelect,
        }
        error_messages = {
            "name": {"required": _("Enter your name.")},
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
        self.fields["best_time"].error_messages["invalid_choice"] = _("Choose a time from the list.")

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and "email" not in self.errors:
            self.add_error("phone", _("Give a phone number or an email address so the provider can reach you."))
        self.instance.submission_key = data.get("submission_key")
        return data
