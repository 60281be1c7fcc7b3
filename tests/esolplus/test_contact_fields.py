"""What a phone number is: the same rule for the forms that take one and the texts that are sent to it."""

import pytest
from django import forms

from esolplus.contact_fields import PhoneNumberField, is_phone_number, normalised_phone
from esolplus.notifications import checked_phone
from esolplus.tasks import PermanentFailure


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900123", "07700 900123"),
        ("  07700   900123 ", "07700 900123"),
        ("٠٧٧٠٠ ٩٠٠١٢٣", "07700 900123"),  # Arabic keyboards
        ("۰۷۷۰۰ ۹۰۰۱۲۳", "07700 900123"),  # Farsi and Urdu keyboards
        ("০৭৭০০ ৯০০১২৩", "07700 900123"),  # Bengali
        ("+44 (0)20 7946 0000", "+44 (0)20 7946 0000"),
    ],
)
def test_any_languages_digits_are_stored_as_ascii_digits(typed, stored):
    assert normalised_phone(typed) == stored
    assert is_phone_number(stored)
    assert PhoneNumberField(required=False).clean(typed) == stored


@pytest.mark.parametrize("typed", ["call me", "12", "(((--)))", "0770 09 00 12 3x", "1" * 16, "07700 900123 ext 4"])
def test_what_cannot_be_called_or_texted_is_refused_with_a_message(typed):
    assert not is_phone_number(normalised_phone(typed))
    with pytest.raises(forms.ValidationError) as refused:
        PhoneNumberField(required=False).clean(typed)
    assert refused.value.messages == ["Enter a phone number like 07700 900123."]


def test_an_empty_optional_number_is_allowed():
    assert PhoneNumberField(required=False).clean("  ") == ""


def test_the_input_is_left_to_right_on_every_page():
    html = PhoneNumberField(required=False).widget.render("phone", "")
    assert 'type="tel"' in html and 'dir="ltr"' in html and 'autocomplete="tel"' in html


def test_a_text_goes_to_the_same_number_the_form_would_store():
    assert checked_phone("٠٧٧٠٠ ٩٠٠١٢٣") == "07700 900123"
    with pytest.raises(PermanentFailure):
        checked_phone("call me maybe")
