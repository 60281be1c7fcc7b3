"""Language names, dates and money from CLDR (esolplus.cldr and {% load cldr %}), in the page's language."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.translation import override

from esolplus import cldr

JAN_15 = datetime.date(2026, 1, 15)


def render(language: str, source: str, **context) -> str:
    with override(language):
        return Template("{% load cldr %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "somali", "date", "money"),
    [
        ("en-gb", "Somali", "15 January 2026", "£45.50"),
        ("ar", "الصومالية", "15 يناير 2026", "45.50 UK£"),
        ("pl", "Somalijski", "15 stycznia 2026", "45,50 GBP"),  # the month in the genitive
        ("so", "Soomaali", "Janaayo 15, 2026", "£45.50"),
        ("ti", "ሶማሊ", "ጥሪ 15, 2026", "£45.50"),
    ],
)
def test_filters_follow_the_page_language(language, somali, date, money):
    html = render(
        language,
        '{{ "so"|language_name }}|{{ d|cldr_date }}|{{ amount|cldr_currency }}',
        d=JAN_15,
        amount=Decimal("45.50"),
    )
    name, shown_date, shown_money = html.split("|")
    assert name == somali
    assert shown_date == date
    assert shown_money.replace("\u200f", "").replace("\u00a0", " ") == money


def test_polish_standalone_month_would_differ_so_the_genitive_is_real():
    assert "styczeń" not in cldr.format_date(JAN_15, "pl")
    assert cldr.format_date(JAN_15, "pl") == "15 stycznia 2026"


def test_medium_date_and_numbers():
    assert render("en-gb", "{{ d|cldr_date:'medium' }}", d=JAN_15) == "15 Jan 2026"
    assert render("pl", "{{ n|cldr_number }}", n=1234.5).replace("\u00a0", " ") == "1 234,5"


def test_unknown_locale_and_unknown_language_fall_back_safely():
    assert cldr.babel_locale("xx").language == "en"
    assert cldr.babel_locale("pt").territory == "PT"
    assert cldr.language_name("zzz") is None
    assert render("ar", '{{ "zzz"|language_name }}') == "zzz"
    assert render("ar", "{{ d|cldr_date }}{{ n|cldr_currency }}", d=None, n="") == ""


def test_dari_has_a_name_though_cldr_files_it_under_persian_of_afghanistan():
    assert cldr.language_name("prs", "en-gb") == "Dari"


def test_active_language_is_not_cached_between_calls():
    with override("pl"):
        assert cldr.language_name("so") == "Somalijski"
    with override("ar"):
        assert cldr.language_name("so") == "الصومالية"


@pytest.mark.parametrize(("language", "shown"), [("en-gb", "£45"), ("pl", "45 GBP")])
def test_whole_pounds_are_written_without_pence(language, shown):
    """Fees are written as people write them: "£45 a term", not "£45.00 a term"."""
    assert cldr.format_currency(45, language).replace("\u00a0", " ") == shown
