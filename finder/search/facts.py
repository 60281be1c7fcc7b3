"""Everything a learner needs to decide on a class and act, as translated sentences and lists.

The class page and the facts list on provider pages show these; the provider's own free text (eligibility,
joining notes, transport) is shown separately, marked as English, because it is not translated.
Built from the class's own columns and its venue (already fetched with it), so it costs no queries.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from finder.models import ClassPage, Venue
from finder.search import summaries

# The language providers write their listings in (titles, summaries, venue names, their own words). It is not
# translated, so wherever a learner's page shows it in another language, it is marked as this language
# (``{{ text|provider_words }}``, finder.templatetags.finder_facts): screen readers then read it with an English
# voice, and its punctuation stays in place on right-to-left pages (WCAG 2.2, 3.1.2 Language of Parts).
PROVIDER_WORDS_LANGUAGE = "en"


def _labels(model, name: str, value) -> list[str]:
    return [str(label) for label in model._meta.get_field(name).labels(value)]


@dataclass
class ClassFacts:
    cost: str
    concession: str = ""
    free_for: list[str] = field(default_factory=list)
    how_to_join: str = ""
    referrers: list[str] = field(default_factory=list)
    bring: list[str] = field(default_factory=list)
    childcare: str = ""
    step_free: bool | None = None
    access: list[str] = field(default_factory=list)
    places: str = ""
    open_places: bool = True
    next_start: str = ""
    start: str = ""
    end: str = ""
    checked: str = ""
    # The provider's own words, in PROVIDER_WORDS_LANGUAGE: {"eligibility": ..., "joining": ..., "transport": ...},
    # non-empty only.
    provider_words: dict = field(default_factory=dict)


def class_facts(page: ClassPage, today: date | None = None) -> ClassFacts:
    """The structured facts of one class, in the current language."""
    today = today or timezone.localdate()
    venue: Venue | None = page.venue
    facts = ClassFacts(
        cost=summaries.cost_text(page),
        concession=summaries.concession_text(page),
        how_to_join=summaries.join_text(page),
        childcare=summaries.childcare_text(page),
        places=str(page.get_places_display()),
        open_places=page.has_open_places(),
        next_start=summaries.next_start_text(page, today),
        start=summaries.long_date(page.start_date) if page.start_date else "",
        end=summaries.long_date(page.end_date) if page.end_date else "",
        checked=summaries.long_date(page.last_checked) if page.last_checked else "",
    )
    if page.cost == ClassPage.Cost.FREE_IF_ELIGIBLE:
        facts.free_for = _labels(ClassPage, "free_for", page.free_for)
    if page.how_to_join == ClassPage.HowToJoin.REFERRAL:
        facts.referrers = _labels(ClassPage, "referral_by", page.referral_by)
    facts.bring = _labels(ClassPage, "what_to_bring", page.what_to_bring)
    if venue is not None:
        facts.step_free = venue.step_free_access
        facts.access = _labels(Venue, "access_features", venue.access_features)
    words = {
        "eligibility": page.eligibility.strip(),
        "joining": page.joining_notes.strip(),
        "transport": venue.transport_notes.strip() if venue is not None else "",
    }
    facts.provider_words = {key: text for key, text in words.items() if text}
    return facts
