"""The public enquiry forms: a learner's "I'm interested", an adviser's referral, an employer's enquiry, and the
status look-up by reference.

Each form that stores something carries a hidden honeypot field that people never fill in, and a one-time key so
that sending it twice (a double tap, a retry on a slow connection) makes one record.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from esolplus.concurrency import SubmissionKeyFormMixin
from esolplus.contact_fields import ContactEmailInput, PhoneInput, PhoneNumberField
from finder.models import EmployerEnquiry, Enquiry, Language
from finder.models.identifiers import normalise_reference

NEEDS_A_CONTACT = _("Give a phone number or an email address so the provider can reach you.")
BAD_EMAIL = _("Enter an email address like name@example.com.")


class PublicFormMixin(SubmissionKeyFormMixin):
    """The honeypot and the one-time key every public form that stores a record shares."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"] = forms.CharField(
            label=_("Leave this empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self):
        data = super().clean()
        self.instance.submission_key = data.get("submission_key")
        return data

    def require_contact(self, data, phone: str, email: str, message=NEEDS_A_CONTACT) -> None:
        if not data.get(phone) and not data.get(email) and not {phone, email} & set(self.errors):
            self.add_error(phone, message)


def language_choices(english_label) -> list[tuple[str, str]]:
    return [("", english_label), *((lang.code, str(lang)) for lang in Language.objects.all())]


class EnquiryForm(PublicFormMixin, forms.ModelForm):
    """ "I'm interested": short, for a learner asking for themselves."""

    consent_to_contact = forms.BooleanField(
        label=_("I agree that the provider can contact me about this class."),
        error_messages={"required": _("Tick the box so the provider can contact you.")},
    )

    class Meta:
        model = Enquiry
        fields = ["name", "phone", "email", "preferred_language", "best_time", "consent_to_contact"]
        field_classes = {"phone": PhoneNumberField}
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
            "phone": PhoneInput(),
            "email": ContactEmailInput(),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "best_time": forms.RadioSelect,
        }
        error_messages = {
            "name": {"required": _("Enter your name.")},
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
        self.fields["best_time"].error_messages["invalid_choice"] = _("Choose a time from the list.")

    contact_missing = NEEDS_A_CONTACT

    def clean(self):
        data = super().clean()
        self.require_contact(data, "phone", "email", self.contact_missing)
        return data


class ReferralForm(EnquiryForm):
    """An adviser or support worker refers a learner, who agreed that their details are shared with the provider.

    The agreement stands for the learner's consent to be contacted (``send_enquiry`` records both); the database
    refuses a referral without it. The adviser's own phone or email is asked for so the provider can reply to them.
    """

    consent_to_contact = None  # the learner's agreement below takes its place
    contact_missing = _("Give the learner’s phone number or email address so the provider can reach them.")
    learner_agreed_to_referral = forms.BooleanField(
        label=_(
            "The learner agreed that I share their details with this provider, and that the provider contacts them."
        ),
        error_messages={"required": _("Tick the box to say the learner agreed. Ask them first.")},
    )

    class Meta(EnquiryForm.Meta):
        fields = [
            "referrer_name",
            "referrer_organisation",
            "referrer_phone",
            "referrer_email",
            "name",
            "phone",
            "email",
            "preferred_language",
            "best_time",
            "learner_agreed_to_referral",
        ]
        field_classes = {"phone": PhoneNumberField, "referrer_phone": PhoneNumberField}
        labels = {
            "referrer_name": _("Your name"),
            "referrer_organisation": _("Your organisation"),
            "referrer_phone": _("Your phone number"),
            "referrer_email": _("Your email address"),
            "name": _("Learner’s name"),
            "phone": _("Learner’s phone number"),
            "email": _("Learner’s email address"),
            "preferred_language": _("Which language does the learner prefer?"),
            "best_time": _("Best time to call the learner"),
        }
        help_texts = {
            "referrer_email": _("We send the reference to this address."),
            "phone": _("Give a phone number or an email address for the learner, or both."),
        }
        widgets = {
            **EnquiryForm.Meta.widgets,
            "referrer_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "referrer_organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "referrer_phone": PhoneInput(),
            "referrer_email": ContactEmailInput(),
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": PhoneInput("off"),
            "email": ContactEmailInput("off"),
        }
        error_messages = {
            "referrer_name": {"required": _("Enter your name.")},
            "referrer_organisation": {"required": _("Enter the name of your organisation.")},
            "referrer_email": {"invalid": BAD_EMAIL},
            "name": {"required": _("Enter the learner’s name.")},
            "email": {"invalid": BAD_EMAIL},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("referrer_name", "referrer_organisation"):
            self.fields[name].required = True

    def clean(self):
        data = super().clean()
        missing = _("Give your phone number or email address so the provider can reply.")
        self.require_contact(data, "referrer_phone", "referrer_email", missing)
        return data


class EmployerEnquiryForm(PublicFormMixin, forms.ModelForm):
    """An employer asks about English classes for their staff at work."""

    consent_to_contact = forms.BooleanField(
        label=_("I agree that the provider can contact me about this."),
        error_messages={"required": _("Tick the box so the provider can contact you.")},
    )

    class Meta:
        model = EmployerEnquiry
        fields = [
            "organisation",
            "name",
            "job_title",
            "phone",
            "email",
            "workplace_postcode",
            "staff_count",
            "message",
            "consent_to_contact",
        ]
        field_classes = {"phone": PhoneNumberField}
        labels = {
            "organisation": _("Your organisation"),
            "name": _("Your name"),
            "job_title": _("Your job title (optional)"),
            "phone": _("Phone number"),
            "email": _("Email address"),
            "workplace_postcode": _("Workplace postcode (optional)"),
            "staff_count": _("How many staff want to learn English? (optional)"),
            "message": _("Anything else the provider should know? (optional)"),
        }
        help_texts = {"phone": _("Give a phone number or an email address, or both.")}
        widgets = {
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "phone": PhoneInput(),
            "email": ContactEmailInput(),
            "workplace_postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "staff_count": forms.NumberInput(attrs={"min": "1", "inputmode": "numeric"}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "organisation": {"required": _("Enter the name of your organisation.")},
            "name": {"required": _("Enter your name.")},
            "email": {"invalid": BAD_EMAIL},
            "staff_count": {
                "invalid": _("Enter a number, like 12."),
                "min_value": _("Enter a number, like 12."),
                "max_value": _("Enter a smaller number."),
            },
            "workplace_postcode": {"max_length": _("Enter a postcode, like E1 6AN.")},
            "message": {"max_length": _("Your message is too long. Keep it under 2000 characters.")},
        }

    def clean_staff_count(self):
        count = self.cleaned_data.get("staff_count")
        if count is not None and count < 1:
            raise forms.ValidationError(_("Enter a number, like 12."))
        return count

    def clean_workplace_postcode(self):
        return " ".join(self.cleaned_data.get("workplace_postcode", "").upper().split())

    def clean(self):
        data = super().clean()
        self.require_contact(data, "phone", "email")
        return data


class EnquiryStatusForm(forms.Form):
    """The reference as the person types it: any case, with or without the dash or spaces."""

    reference = forms.CharField(
        label=_("Your reference"),
        help_text=_("It has 8 letters and numbers, like K7MQ-2XRD. It is in your text message or email."),
        max_length=40,
        error_messages={
            "required": _("Enter your reference."),
            "max_length": _("A reference has 8 letters and numbers, like K7MQ-2XRD."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if not reference:
            raise forms.ValidationError(_("A reference has 8 letters and numbers, like K7MQ-2XRD."))
        return reference
