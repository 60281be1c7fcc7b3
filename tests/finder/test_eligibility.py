"""'Can I study for free?': the rules table, the rules version in effect, and the page's answers and messages."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from finder.models import EligibilityRules
from finder.search.eligibility import (
    CHECK_WITH_PROVIDER,
    DONT_KNOW,
    LIKELY_FREE,
    LIKELY_NOT_FREE,
    Age,
    Answers,
    Benefits,
    London,
    Status,
    Work,
    check,
)
from finder.vocabularies import FreeReason, ThingToBring

RULES = EligibilityRules(
    effective_from=datetime.date(2025, 8, 1),
    london_living_wage_hourly=Decimal("14.80"),
    asylum_wait_months=6,
    permission_to_stay_months=12,
    minimum_age=19,
    source_title="GLA Adult Skills Fund funding rules 2025-26",
    source_url="https://www.london.gov.uk/",
)

# An adult Londoner with no ground for free study yet: each test changes what it is about.
BASE = {
    "age": Age.ADULT,
    "london": London.YES,
    "status": Status.BRITISH_IRISH,
    "benefits": Benefits.NONE,
    "work": Work.HIGHER_PAY,
}


def answer(**changes):
    return check(Answers(**{**BASE, **changes}), RULES)


@pytest.mark.parametrize(
    ("changes", "outcome", "free_reasons"),
    [
        ({}, LIKELY_NOT_FREE, ()),
        ({"benefits": Benefits.UNIVERSAL_CREDIT}, LIKELY_FREE, (FreeReason.BENEFITS,)),
        ({"benefits": Benefits.ESA}, LIKELY_FREE, (FreeReason.BENEFITS,)),
        ({"work": Work.NOT_WORKING}, LIKELY_FREE, (FreeReason.UNEMPLOYED,)),
        ({"work": Work.LOW_PAY}, LIKELY_FREE, (FreeReason.LOW_PAY,)),
        ({"status": Status.SETTLED, "work": Work.LOW_PAY}, LIKELY_FREE, (FreeReason.LOW_PAY,)),
        ({"status": Status.LONG_VISA, "benefits": Benefits.JSA}, LIKELY_FREE, (FreeReason.BENEFITS,)),
        ({"status": Status.REFUGEE}, LIKELY_FREE, (FreeReason.REFUGEE,)),
        ({"status": Status.RESETTLEMENT}, LIKELY_FREE, (FreeReason.RESETTLEMENT,)),
        # Asylum seekers: free after the rules' wait (6 months here), not before.
        (
            {"status": Status.ASYLUM, "asylum_months": 7, "work": Work.NOT_WORKING},
            LIKELY_FREE,
            ("asylum", "unemployed"),
        ),
        ({"status": Status.ASYLUM, "asylum_months": 6}, LIKELY_FREE, (FreeReason.ASYLUM,)),
        ({"status": Status.ASYLUM, "asylum_months": 5, "work": Work.NOT_WORKING}, LIKELY_NOT_FREE, ()),
        ({"status": Status.ASYLUM, "asylum_months": None}, CHECK_WITH_PROVIDER, ()),
        # Not for adult classes, or not in London.
        ({"age": Age.CHILD, "benefits": Benefits.UNIVERSAL_CREDIT}, LIKELY_NOT_FREE, ()),
        ({"london": London.NO, "benefits": Benefits.UNIVERSAL_CREDIT}, LIKELY_NOT_FREE, ()),
        ({"age": Age.YOUNG, "benefits": Benefits.UNIVERSAL_CREDIT}, CHECK_WITH_PROVIDER, (FreeReason.BENEFITS,)),
        # Every "I don't know" means "check with the provider".
        ({"age": DONT_KNOW, "benefits": Benefits.UNIVERSAL_CREDIT}, CHECK_WITH_PROVIDER, (FreeReason.BENEFITS,)),
        ({"london": DONT_KNOW, "work": Work.LOW_PAY}, CHECK_WITH_PROVIDER, (FreeReason.LOW_PAY,)),
        ({"status": DONT_KNOW, "work": Work.LOW_PAY}, CHECK_WITH_PROVIDER, (FreeReason.LOW_PAY,)),
        ({"status": Status.OTHER, "work": Work.LOW_PAY}, CHECK_WITH_PROVIDER, (FreeReason.LOW_PAY,)),
        ({"benefits": DONT_KNOW}, CHECK_WITH_PROVIDER, ()),
        ({"work": DONT_KNOW}, CHECK_WITH_PROVIDER, ()),
        ({"benefits": DONT_KNOW, "work": Work.NOT_WORKING}, LIKELY_FREE, (FreeReason.UNEMPLOYED,)),
    ],
)
def test_the_rules_table(changes, outcome, free_reasons):
    result = answer(**changes)
    assert result.outcome == outcome
    assert result.free_reasons == tuple(str(reason) for reason in free_reasons)
    assert result.reasons, "every answer says why"
    assert result.rules is RULES


def test_all_dont_know_says_check_with_the_provider():
    result = check(Answers(), RULES)
    assert result.outcome == CHECK_WITH_PROVIDER
    assert len(result.reasons) >= 3


def test_the_asylum_wait_comes_from_the_rules():
    three_months = EligibilityRules(**{**_fields(RULES), "asylum_wait_months": 3})
    answers = Answers(**{**BASE, "status": Status.ASYLUM, "asylum_months": 5})
    assert check(answers, RULES).outcome == LIKELY_NOT_FREE
    assert check(answers, three_months).outcome == LIKELY_FREE


def test_documents_follow_the_answers():
    british_on_benefits = answer(benefits=Benefits.UNIVERSAL_CREDIT, work=Work.NOT_WORKING)
    assert british_on_benefits.documents == (
        ThingToBring.PHOTO_ID,
        ThingToBring.PROOF_OF_ADDRESS,
        ThingToBring.BENEFIT_LETTER,
        ThingToBring.NI_NUMBER,
    )
    refugee_low_pay = answer(status=Status.REFUGEE, work=Work.LOW_PAY)
    assert ThingToBring.IMMIGRATION_DOCUMENT in refugee_low_pay.documents
    assert ThingToBring.PAYSLIP in refugee_low_pay.documents
    assert refugee_low_pay.document_labels[0] == str(ThingToBring.PHOTO_ID.label)


def test_reasons_are_translated():
    with translation.override("ar"):
        reasons = answer(benefits=Benefits.UNIVERSAL_CREDIT).reasons
    with translation.override("en-gb"):
        english = answer(benefits=Benefits.UNIVERSAL_CREDIT).reasons
    assert english == (
        "You can study from your first day in London.",
        "You get benefits, so you can usually study free.",
    )
    assert len(reasons) == len(english)


def _fields(rules):
    return {f.name: getattr(rules, f.name) for f in EligibilityRules._meta.concrete_fields if f.name != "id"}


# --- The rules version in effect ------------------------------------------------------------------------------


@pytest.fixture
def next_year(db):
    """A version with a higher wage, taking effect in a month's time."""
    today = timezone.localdate()
    seeded = EligibilityRules.objects.in_effect(today)
    return EligibilityRules.objects.create(
        **{
            **_fields(seeded),
            "effective_from": today + datetime.timedelta(days=30),
            "london_living_wage_hourly": Decimal("15.60"),
            "created_at": None,
        }
    )


def test_a_future_version_does_not_apply_until_its_date(client, next_year):
    today = timezone.localdate()
    assert EligibilityRules.objects.in_effect(today).london_living_wage_hourly == Decimal("14.80")
    page = client.get(reverse("finder:free_checker")).content.decode()
    assert "£14.80" in page and "£15.60" not in page
    assert EligibilityRules.objects.in_effect(next_year.effective_from) == next_year
    with freeze_time(next_year.effective_from):
        page = client.get(reverse("finder:free_checker")).content.decode()
    assert "£15.60" in page and "£14.80" not in page


def test_earnings_below_and_above_the_wage_of_the_rules_in_effect(client, db):
    url = reverse("finder:free_checker")
    below = client.get(url, {**_query(), "work": Work.LOW_PAY})
    above = client.get(url, {**_query(), "work": Work.HIGHER_PAY})
    assert below.status_code == above.status_code == 200
    assert "You can probably study for free" in below.content.decode()
    assert "less than £14.80 an hour" in below.content.decode()
    assert "You may have to pay" in above.content.decode()


def _query(**changes):
    return {**BASE, "months": "", **changes}


# --- The page --------------------------------------------------------------------------------------------------


def test_the_questions_page(client, db):
    response = client.get(reverse("finder:free_checker"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Can I study for free?" in page
    assert "I work and earn less than £14.80 an hour" in page
    assert "19 or over" in page and "16 to 18" in page
    assert "There is a problem" not in page
    assert not response.cookies


def test_likely_free_links_to_free_if_eligible_classes(client, db):
    response = client.get(reverse("finder:free_checker"), _query(benefits=Benefits.UNIVERSAL_CREDIT))
    assert response.status_code == 200
    page = response.content.decode()
    finder = reverse("finder:find")
    assert f'href="{finder}?free=on&amp;eligible=yes"' in page
    assert "Always check with the provider" in page
    assert str(ThingToBring.BENEFIT_LETTER.label) in page
    assert "1 August 2025" in page and "https://www.london.gov.uk/programmes-strategies" in page
    assert not response.cookies


@pytest.mark.parametrize(
    "changes", [{"age": Age.CHILD}, {"status": DONT_KNOW}, {"status": Status.ASYLUM, "months": "5"}]
)
def test_other_answers_link_to_free_classes_only(client, db, changes):
    page = client.get(reverse("finder:free_checker"), _query(**changes)).content.decode()
    finder = reverse("finder:find")
    assert f'href="{finder}?free=on"' in page
    assert "eligible=yes" not in page
    assert "Always check with the provider" in page


def test_asylum_months_from_the_url(client, db):
    url = reverse("finder:free_checker")
    seven = client.get(url, _query(status=Status.ASYLUM, months="7")).content.decode()
    five = client.get(url, _query(status=Status.ASYLUM, months="5")).content.decode()
    assert "You can probably study for free" in seven
    assert "You may have to pay" in five and "Some people can start sooner" in five
    arabic_digits = client.get(url, _query(status=Status.ASYLUM, months="٧")).content.decode()
    assert "You can probably study for free" in arabic_digits


@pytest.mark.parametrize(
    "query",
    [
        {"age": "banana"},
        {**BASE, "age": "42"},
        {**BASE, "status": Status.ASYLUM, "months": "seven"},
        {**BASE, "status": Status.ASYLUM, "months": "-3"},
        {**BASE, "status": Status.ASYLUM, "months": "99999"},
        {**BASE, "work": "<script>alert(1)</script>"},
        {**BASE, "benefits": ""},
    ],
)
def test_bad_values_in_the_url_get_messages_not_errors(client, db, query):
    response = client.get(f"{reverse('finder:free_checker')}?{urlencode(query)}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<script>alert(1)</script>" not in page
    assert "Choose one of the answers." in page or "Write the number of months" in page or "Choose an answer" in page


def test_the_error_summary_says_which_question(client, db):
    page = client.get(reverse("finder:free_checker"), {**BASE, "age": "banana", "work": ""}).content.decode()
    assert '<a href="#id_age">How old are you? Choose one of the answers.</a>' in page
    assert '<a href="#id_work">Do you work? Choose an answer.' in page


def test_messages_are_translated(client, db):
    with translation.override("ar"):
        url = reverse("finder:free_checker")
    assert url.startswith("/ar/")
    response = client.get(url, {"age": "banana"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="ar"' in page
    assert "اختر إجابة واحدة." in page  # "Choose one of the answers."
    assert "Choose one of the answers." not in page


def test_change_your_answers_keeps_them(client, db):
    query = _query(benefits=Benefits.ESA)
    response = client.get(reverse("finder:free_checker"), {**query, "change": "yes"})
    page = response.content.decode()
    assert "There is a problem" not in page
    assert f'value="{Benefits.ESA}" id="id_benefits_2" checked' in page


def test_without_rules_in_effect_the_page_says_it_cannot_answer(client, db):
    EligibilityRules.objects.all().delete()
    for query in ({}, _query(benefits=Benefits.UNIVERSAL_CREDIT)):
        response = client.get(reverse("finder:free_checker"), query)
        assert response.status_code == 200
        assert "We can’t answer this question now." in response.content.decode()


def test_only_get(client, db):
    assert client.post(reverse("finder:free_checker"), _query()).status_code == 405
