""" "Can I study for free?" in a real browser on a phone-sized page, in English and in Arabic (right to left): answer
the questions, fix a mistake, read the answer, and follow "Show free classes near me" to the finder with the filter
on; accessible (axe) and valid HTML (Nu HTML Checker) at each step."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from tests.e2e.tools import axe, html_errors, require

pytestmark = pytest.mark.usefixtures("geography")


def url(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name)


def answer(page, **answers):
    """Choose each answer by its value, so the same steps work whatever the page's language."""
    for name, value in answers.items():
        if name == "months":
            page.locator("#id_months").fill(value)
        else:
            page.locator(f"input[name={name}][value='{value}']").check()


@pytest.mark.parametrize(
    ("language", "answers", "free_if_eligible"),
    [
        (
            "en-gb",
            {
                "age": "adult",
                "london": "yes",
                "status": "refugee",
                "benefits": "universal-credit",
                "work": "not-working",
            },
            True,
        ),
        (
            "ar",
            {
                "age": "adult",
                "london": "yes",
                "status": "asylum",
                "months": "5",
                "benefits": "none",
                "work": "dont-know",
            },
            False,
        ),
    ],
)
def test_learner_checks_if_they_can_study_free(page, live_site, language, answers, free_if_eligible):
    require("chromium", "axe", "java", "vnu")
    checker = url("finder:free_checker", language)
    documents = {}
    page.goto(checker)
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("input[name=age]").count() == 4
    axe(page)
    documents["questions"] = page.content()

    # A mistake first: one question left out, so the page says what to fix and keeps the other answers.
    answer(page, **{name: value for name, value in answers.items() if name != "work"})
    with page.expect_navigation():
        page.locator("form.free-checker button[type=submit]").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#id_work']").count() == 1
    assert page.locator(f"input[name=age][value='{answers['age']}']").is_checked()
    axe(page)
    documents["errors"] = page.content()

    page.locator(f"input[name=work][value='{answers['work']}']").check()
    with page.expect_navigation():
        page.locator("form.free-checker button[type=submit]").click()
    assert page.locator(".free-answer").is_visible()
    outcome = "likely_free" if free_if_eligible else "likely_not_free"
    assert page.locator(f".free-answer--{outcome}").count() == 1
    assert page.locator(".free-answer__reasons li").count() >= 1
    assert page.locator(".free-answer__documents li").count() >= 3
    assert page.locator(".free-answer__source a").get_attribute("href").startswith("https://")
    if language == "en-gb":
        assert page.locator("h1").inner_text() == "You can probably study for free"
        assert "Always check with the provider" in page.locator(".free-answer__check").inner_text()
    axe(page)
    documents["answer"] = page.content()
    assert urlsplit(page.url).path == checker  # the answers are in the address: an adviser can share it

    problems = html_errors(documents)
    assert not problems, problems

    with page.expect_navigation():
        page.locator(".free-answer__actions a").click()
    address = urlsplit(page.url)
    assert address.path == url("finder:find", language)
    query = parse_qs(address.query)
    assert query["free"] == ["on"]
    assert query.get("eligible") == (["yes"] if free_if_eligible else None)
    assert page.locator("input[name=free]").is_checked()
