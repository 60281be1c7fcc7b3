"""Help me choose on a phone, in English and in Arabic: five questions, then classes that fit with the reasons why,
a full class after the open one with its waiting list, and every page passing axe and the HTML checker."""

import pytest
from django.urls import reverse
from django.utils import translation

from devtools.factories import ClassPageFactory, venue_at
from finder.models import ClassPage, Level
from tests.e2e.tools import axe, html_errors, require

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def classes():
    """A morning class with a crèche and places near E1 6AN, a full one nearer, and an afternoon class."""
    entry_1 = Level.objects.get(code="entry-1")
    morning = {"levels": [entry_1], "childcare": ClassPage.Childcare.CRECHE, "sessions": ((0, "09:30", "11:30"),)}
    open_class = ClassPageFactory(title="Morning English with crèche", venue=venue_at("E1 6AW"), **morning)
    full = ClassPageFactory(title="Full morning English", venue=venue_at("E1 6AN"), capacity=10, enrolled=10, **morning)
    afternoon = ClassPageFactory(
        title="Afternoon English",
        venue=venue_at("E1 6AN"),
        levels=[entry_1],
        childcare=ClassPage.Childcare.CRECHE,
        sessions=((1, "13:00", "15:00"),),
    )
    return open_class, full, afternoon


def walk_the_steps(page, start: str) -> dict[str, str]:
    """Answer the five questions as a learner would: type, tick, press the button. Returns each page's HTML."""
    documents = {}
    page.goto(start)
    page.locator("#id_where").fill("E1 6AN")
    documents["where"] = page.content()
    for step, choose in (
        ("level", "input[name=level][value=entry-1]"),
        ("when", "input[name=when][value=morning]"),
        ("childcare", "input[name=childcare][value=yes]"),
        ("free", "input[name=free][value=maybe]"),
    ):
        with page.expect_navigation():
            page.locator(".help-answers button").click()
        page.locator(choose).check()
        documents[step] = page.content()
    axe(page)
    with page.expect_navigation():
        page.locator(".help-answers button").click()
    return documents


@pytest.mark.parametrize("language", ["en-gb", "ar"])
def test_a_learner_answers_five_questions_and_sees_why_each_class_fits(page, live_site, classes, language):
    require("axe", "java", "vnu")
    open_class, full, afternoon = classes
    with translation.override(language):
        start = reverse("finder:help_me_choose")
        waiting_url = reverse("finder:join_waiting_list", kwargs={"class_id": full.pk})
    documents = walk_the_steps(page, start)

    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert "step=6" in page.url and "when=morning" in page.url and "free=maybe" in page.url
    titles = page.locator(".result-card__title").all_inner_texts()
    assert titles == [open_class.title, full.title]  # open places first, though farther; no afternoon class
    assert afternoon.title not in page.content()
    first = page.locator(".help-result").first
    assert first.locator(".help-reason--yes .help-reason__icon").count() >= 3
    assert first.locator(".help-reason__icon").first.get_attribute("aria-hidden") == "true"
    assert page.locator(f'a[href="{waiting_url}"]').count() == 1
    if language == "en-gb":
        reasons = first.locator(".help-reasons").inner_text()
        assert "Monday morning — you said mornings" in reasons
        assert "Crèche on site — you asked for a crèche" in reasons
        assert page.get_by_role("link", name="Join the waiting list – Full morning English").is_visible()
    # The phone-sized page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe(page)
    documents["results"] = page.content()
    assert html_errors(documents) == {}


def test_nothing_at_the_chosen_time_is_said_and_other_times_are_labelled(page, live_site, classes):
    require("axe")
    open_class, full, afternoon = classes
    page.goto(f"{reverse('finder:help_me_choose')}?where=E1+6AN&when=evening&step=6")
    assert "at the times you chose (evenings)" in page.locator("main").inner_text()
    assert page.get_by_role("heading", name="Classes near you at other times").is_visible()
    assert page.locator(".help-result__label").first.inner_text() == "At other times"
    titles = page.locator(".result-card__title").all_inner_texts()
    assert titles == [afternoon.title, open_class.title, full.title]  # open places first, then nearest
    mismatches = [text.strip() for text in page.locator(".help-reason--no").all_inner_texts()]
    assert mismatches[0].startswith("Tuesday afternoon — you said evenings")  # open and nearest
    assert any(text.startswith("Monday morning — you said evenings") for text in mismatches)
    axe(page)
