"""Language names, dates and money in the reader's language, from the Unicode CLDR (through Babel).

Translators should not have to translate "Somali" or "15 January" into thirteen languages: CLDR already
says that Somali is "Soomaali" in Somali and "الصومالية" in Arabic, that a Polish date puts the month in
the genitive ("15 stycznia 2026"), and how each language writes £45.00. Templates use the same rules
through ``{% load cldr %}`` (esolplus/templatetags/cldr.py).

Every function takes a Django language code ("en-gb", "ar") or None for the active language, and falls
back to British English if Babel has no data for it, so a page never fails on a missing locale.
"""

import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal
from django.conf import settings
from django.utils import translation
from django.utils.timezone import is_aware, localtime

FALLBACK_LOCALE = "en_GB"

# Where the site's Django code means a different CLDR locale than Babel would guess from it.
BABEL_LOCALES = {
    "pt": "pt_PT",  # Django's "pt" is European Portuguese; Babel's "pt" is Brazilian
}

# ISO 639-3 codes that CLDR names under another code.
LANGUAGE_ALIASES = {
    "prs": "fa_AF",  # Dari
}


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale for a Django language code (the active language if None): "en-gb" → en_GB."""
    return _babel_locale((language or translation.get_language() or settings.LANGUAGE_CODE).lower())


@lru_cache(maxsize=64)
def _babel_locale(code: str) -> Locale:
    candidates = [BABEL_LOCALES.get(code), translation.to_locale(code), code.split("-")[0]]
    for candidate in filter(None, candidates):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(FALLBACK_LOCALE)


def language_name(code: str, locale: str | None = None) -> str | None:
    """The name of the language ``code`` (ISO 639) in the reader's language, or None if CLDR has none.

    language_name("so", "so") == "Soomaali"; language_name("so", "ar") == "الصومالية". CLDR writes names as
    they appear mid-sentence ("somalijski"); these are labels and list items, so the first letter is a capital
    (no change in scripts without case)."""
    names = babel_locale(locale).languages
    name = names.get(code) or names.get(LANGUAGE_ALIASES.get(code, ""))
    return name[:1].upper() + name[1:] if name else None


def format_date(value: datetime.date, locale: str | None = None, length: str = "long") -> str:
    """A date as CLDR writes it ("long": 15 January 2026, 15 stycznia 2026; "medium": 15 Jan 2026).

    CLDR's format patterns use the month in the right case (Polish genitive, for one); digits are Latin."""
    if isinstance(value, datetime.datetime):
        value = (localtime(value) if is_aware(value) else value).date()  # the London date, not UTC's
    return babel_format_date(value, format=length, locale=babel_locale(locale))


def format_number(value, locale: str | None = None) -> str:
    """A number as the reader writes it: 1,234.5 in English, 1 234,5 in Polish."""
    return format_decimal(value, locale=babel_locale(locale))


def format_currency(amount, locale: str | None = None, currency: str = "GBP") -> str:
    """An amount of money (pounds unless told) as the reader writes it: £45.50, 45,50 GBP in Polish; whole amounts
    without pence (£45), as people write fees."""
    amount = Decimal(str(amount))
    babel = babel_locale(locale)
    if amount == amount.to_integral_value():
        pattern = babel.currency_formats["standard"].pattern.replace(".00", "")
        return babel_format_currency(amount, currency, locale=babel, format=pattern, currency_digits=False)
    return babel_format_currency(amount, currency, locale=babel)
