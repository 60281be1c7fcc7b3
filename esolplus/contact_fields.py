"""Phone numbers and email addresses that people type into the site's forms: the one rule for what a phone number
is, shared by the forms that take one and by the notifications that text it (``esolplus.notifications``).

A learner on an Arabic, Farsi, Urdu or Bengali keyboard types their own digits ("٠٧٧٠٠ ٩٠٠١٢٣"); they are read as
the same number in ASCII digits, which the SMS service and the provider's staff can use. Anything else that is not a
phone number is refused at the form with a message, rather than accepted and then failing as an SMS nobody sees.
Both inputs are left to right on every page: on a right-to-left page a number's groups would otherwise be shown in
reverse order ("900123 07700").
"""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

# Digits with optional spaces, brackets and dashes, and a leading + for an international number.
PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
PHONE_DIGITS = (7, 15)  # an extension-free UK number has 10 or 11 digits; E.164 allows up to 15
BAD_PHONE = _("Enter a phone number like 07700 900123.")  # already in every catalogue


def normalised_phone(text: str) -> str:
    """Any language's digits as ASCII digits, with single spaces: "٠٧٧٠٠  ٩٠٠١٢٣ " → "07700 900123"."""
    ascii_digits = "".join(str(unicodedata.digit(char)) if char.isdigit() else char for char in text)
    return " ".join(ascii_digits.split())


def is_phone_number(text: str) -> bool:
    """Whether ``text`` (normalised) can be called or texted: the allowed characters and 7 to 15 digits."""
    digits = sum(char.isdigit() for char in text)
    return bool(PHONE.match(text)) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]


class PhoneInput(forms.TextInput):
    """A phone number's input: the phone keypad, and left to right in every language."""

    input_type = "tel"

    def __init__(self, autocomplete: str = "tel", attrs: dict | None = None):
        super().__init__({"autocomplete": autocomplete, "dir": "ltr", **(attrs or {})})


class ContactEmailInput(forms.EmailInput):
    """An email address's input: left to right in every language, like the address itself."""

    def __init__(self, autocomplete: str = "email", attrs: dict | None = None):
        super().__init__({"autocomplete": autocomplete, "dir": "ltr", **(attrs or {})})


class PhoneNumberField(forms.CharField):
    """A phone number, optional unless the form says so; stored as ``normalised_phone`` gives it."""

    widget = PhoneInput
    default_error_messages = {"invalid": BAD_PHONE}

    def to_python(self, value):
        return normalised_phone(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value and not is_phone_number(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
