"""The integration survey: its versions, coded items, value labels, constructs and sources (docs/survey-instrument.md).

Version 1 (seeded by migration 0002) follows the measures the GLA uses: Community Life Survey belonging, the ONS
direct loneliness question, volunteering, ONS4 personal wellbeing, and an ESOL-specific confidence item. Version 2
(migration 0009) keeps every version 1 item unchanged and adds relationships across difference, mixing in local
places, speaking English outside class and local participation.

Never edit a published version: add a new one. Items of different versions that measure the same thing share a
``construct`` code, so a version 1 baseline and a version 2 follow-up form one matched pair (``indicators``).
The database stores the English wording; it is the message id of the translations (``item_text``/``value_labels``),
so every string is marked with ``gettext_noop`` for ``makemessages``.
"""

from typing import NamedTuple

from django.utils.translation import gettext, gettext_noop

SURVEY_CODE = "integration"
TRANSLATION_VERSION = "2026.11-1"  # raise it whenever a translation of an item, label or instruction changes

AGREE_4 = {
    "1": gettext_noop("Not at all"),
    "2": gettext_noop("Not very"),
    "3": gettext_noop("Fairly"),
    "4": gettext_noop("Very"),
}
YES_NO = {"0": gettext_noop("No"), "1": gettext_noop("Yes")}
ZERO_TO_TEN = {str(n): str(n) for n in range(11)}  # numerals: the same in every language, never translated
LONELY_5 = {
    "1": gettext_noop("Often or always"),
    "2": gettext_noop("Some of the time"),
    "3": gettext_noop("Occasionally"),
    "4": gettext_noop("Hardly ever"),
    "5": gettext_noop("Never"),
}
FRIENDS_SHARE = {
    "1": gettext_noop("None of them"),
    "2": gettext_noop("Less than half"),
    "3": gettext_noop("About half"),
    "4": gettext_noop("More than half"),
    "5": gettext_noop("All of them"),
}
PEOPLE_COUNT = {
    "0": gettext_noop("Nobody"),
    "1": gettext_noop("1 or 2 people"),
    "2": gettext_noop("3 to 5 people"),
    "3": gettext_noop("6 people or more"),
}
AGREE_DISAGREE_4 = {
    "1": gettext_noop("Definitely disagree"),
    "2": gettext_noop("Tend to disagree"),
    "3": gettext_noop("Tend to agree"),
    "4": gettext_noop("Definitely agree"),
}

INSTRUCTION = gettext_noop(
    "There are no right or wrong answers. Choose the answer that is true for you. You can skip a question."
)
TITLE = gettext_noop("ESOL Plus integration survey")

INTEGRATION_SURVEY = {
    "code": SURVEY_CODE,
    "version": 1,
    "title": TITLE,
    "items": [
        ("belonging", gettext_noop("How strongly do you feel you belong to your local area?"), AGREE_4, True),
        (
            "confidence_strangers",
            gettext_noop("How confident do you feel speaking English with people you don't know?"),
            AGREE_4,
            True,
        ),
        (
            "friends_different_backgrounds",
            gettext_noop("Do you have friends from backgrounds different from yours?"),
            YES_NO,
            True,
        ),
        (
            "volunteering",
            gettext_noop("In the last 12 months, have you given unpaid help to a group or club?"),
            YES_NO,
            True,
        ),
        ("loneliness", gettext_noop("How often do you feel lonely?"), LONELY_5, True),
        ("ons4_satisfied", gettext_noop("How satisfied are you with your life nowadays? (0–10)"), ZERO_TO_TEN, True),
        (
            "ons4_worthwhile",
            gettext_noop("How far do you feel the things you do in your life are worthwhile? (0–10)"),
            ZERO_TO_TEN,
            True,
        ),
        ("ons4_happy", gettext_noop("How happy did you feel yesterday? (0–10)"), ZERO_TO_TEN, True),
        ("ons4_anxious", gettext_noop("How anxious did you feel yesterday? (0–10)"), ZERO_TO_TEN, False),
    ],
}


class Item(NamedTuple):
    """One item of a definition: its construct says what it measures across versions, its source where the
    wording comes from ("ESOL Plus wording, after …" where we adapted it)."""

    code: str
    text: str
    labels: dict
    higher_is_better: bool
    construct: str
    source: str


CLS = "Community Life Survey (DCMS)"
ONS4 = "ONS personal well-being (ONS4), Annual Population Survey"
V1_SOURCES = {
    "belonging": f"ESOL Plus wording, after {CLS}: how strongly you belong to your neighbourhood",
    "confidence_strangers": "ESOL Plus wording (ESOL-specific confidence item)",
    "friends_different_backgrounds": f"ESOL Plus wording, after {CLS} friendship questions",
    "volunteering": f"ESOL Plus wording, after {CLS}: formal volunteering in the last 12 months",
    "loneliness": "ONS national measure of loneliness, direct question (ONS, 2018)",
    "ons4_satisfied": f"{ONS4}: life satisfaction ('Overall,' dropped)",
    "ons4_worthwhile": f"ESOL Plus wording, after {ONS4}: things you do are worthwhile",
    "ons4_happy": f"{ONS4}: happiness yesterday ('Overall,' dropped)",
    "ons4_anxious": f"{ONS4}: anxiety yesterday ('Overall,' dropped)",
}
FRIENDS = f"ESOL Plus wording, after {CLS} 2017: proportion of your friends who are like you ({{}})"
MIXING = "ESOL Plus wording, after GLA Survey of Londoners 2018–19: social mixing ({})"
ENGLISH = (
    "ESOL Plus wording, after the ESOL for Integration Fund evaluation (DLUHC, 2022): "
    "spoke to 3 or more people in English in the previous week"
)


def _friends(code: str, text: str, about: str, source: str = FRIENDS) -> Item:
    return Item(code, text, FRIENDS_SHARE, True, code, source.format(about))


def _mixing(code: str, where: str) -> Item:
    return Item(code, where, YES_NO, True, code, MIXING.format(code.removeprefix("mixing_").replace("_", " ")))


INTEGRATION_SURVEY_V2 = {
    "code": SURVEY_CODE,
    "version": 2,
    "title": TITLE,
    "translation_version": TRANSLATION_VERSION,
    "items": [
        *(Item(*item, item[0], V1_SOURCES[item[0]]) for item in INTEGRATION_SURVEY["items"]),
        _friends(
            "friends_different_ethnicity",
            gettext_noop("Think about all your friends. How many are from a different ethnic group from you?"),
            "same ethnic group",
        ),
        _friends(
            "friends_different_age",
            gettext_noop("Think about all your friends. How many are from a different age group from you?"),
            "same age group",
        ),
        _friends(
            "friends_different_education",
            gettext_noop("Think about all your friends. How many have a different level of education from you?"),
            "same level of education",
        ),
        _friends(
            "friends_different_class",
            gettext_noop(
                "Think about all your friends. How many are richer or poorer than you (another social class)?"
            ),
            "social grade",
            "ESOL Plus wording, after Social Integration Commission 2014, How integrated is modern Britain? ({})",
        ),
        _mixing(
            "mixing_work",
            gettext_noop("In the last month, did you talk with people from different backgrounds at work?"),
        ),
        _mixing(
            "mixing_school_gate",
            gettext_noop(
                "In the last month, did you talk with people from different backgrounds at a school gate or nursery?"
            ),
        ),
        _mixing(
            "mixing_shops",
            gettext_noop("In the last month, did you talk with people from different backgrounds in shops or markets?"),
        ),
        _mixing(
            "mixing_worship",
            gettext_noop(
                "In the last month, did you talk with people from different backgrounds at a place of worship?"
            ),
        ),
        _mixing(
            "mixing_community_centre",
            gettext_noop(
                "In the last month, did you talk with people from different backgrounds at a community centre "
                "or library?"
            ),
        ),
        Item(
            "english_people_last_week",
            gettext_noop("Last week, how many people did you speak English with, outside your English class?"),
            PEOPLE_COUNT,
            True,
            "english_people_last_week",
            ENGLISH,
        ),
        Item(
            "different_backgrounds_get_on",
            gettext_noop(
                "To what extent do you agree or disagree that your local area is a place where people from "
                "different backgrounds get on well together?"
            ),
            AGREE_DISAGREE_4,
            True,
            "different_backgrounds_get_on",
            f"{CLS}, 'people from different backgrounds get on well together' (as published for 2018/19); "
            "also GLA Survey of Londoners 2018–19",
        ),
        Item(
            "local_activities",
            gettext_noop(
                "In the last month, did you take part in a local group or activity (for example a club, sport, "
                "a parents' group or a faith group)?"
            ),
            YES_NO,
            True,
            "local_activities",
            f"ESOL Plus wording, after {CLS}: involvement in groups, clubs or organisations",
        ),
        Item(
            "civic_participation",
            gettext_noop("In the last 12 months, have you contacted a local councillor or MP, or signed a petition?"),
            YES_NO,
            True,
            "civic_participation",
            f"ESOL Plus wording, after {CLS} 2019/20: civic participation (contacting a local official, "
            "signing a petition)",
        ),
    ],
}

DEFINITIONS = (INTEGRATION_SURVEY, INTEGRATION_SURVEY_V2)
# The translations v1 is shown in from version 2 on (its wording is unchanged; see docs/survey-instrument.md).
V1_TRANSLATION_VERSION = TRANSLATION_VERSION


def definition_items(definition) -> list[Item]:
    """A definition's items with construct and source (version 1's plain tuples measure their own code)."""
    return [item if isinstance(item, Item) else Item(*item, item[0], "") for item in definition["items"]]


def construct_mapping(definitions=DEFINITIONS) -> dict[str, dict[int, str]]:
    """Construct → {version: item code}: which item measures each construct in each version (docs and code use
    it; a construct missing from a version was not asked in it)."""
    mapping: dict[str, dict[int, str]] = {}
    for definition in definitions:
        for item in definition_items(definition):
            mapping.setdefault(item.construct, {})[definition["version"]] = item.code
    return mapping


def strings_to_translate(definitions=DEFINITIONS) -> set[str]:
    """Every learner-facing string of the survey: title, instruction, item wording and (non-numeral) labels."""
    strings = {TITLE, INSTRUCTION}
    for definition in definitions:
        for item in definition_items(definition):
            strings.add(item.text)
            strings.update(label for label in item.labels.values() if not label.isdigit())
    return strings


def seed_instrument(instrument_model, item_model, definition=INTEGRATION_SURVEY):
    """Create the definition's instrument and items if missing (never changes existing rows: published versions
    are fixed). Works with historical models with or without ``construct``/``source`` (migration 0002 has neither)."""
    instrument, _ = instrument_model.objects.get_or_create(
        code=definition["code"], version=definition["version"], defaults={"title": definition["title"]}
    )
    fields = {f.name for f in item_model._meta.fields}
    for order, item in enumerate(definition_items(definition)):
        extra = {"construct": item.construct} if "construct" in fields else {}
        if "source" in fields and item.source:
            extra["source"] = item.source
        item_model.objects.get_or_create(
            instrument=instrument,
            code=item.code,
            defaults={
                "text": item.text,
                "value_labels": item.labels,
                "higher_is_better": item.higher_is_better,
                "sort_order": order,
                **extra,
            },
        )
    return instrument


def item_text(item) -> str:
    """The question in the active language (the English wording is the message id in the catalogues)."""
    return gettext(item.text)


def value_labels(item) -> dict[str, str]:
    """The item's allowed values and their labels in the active language, in order."""
    return {value: gettext(label) for value, label in item.value_labels.items()}


def instruction() -> str:
    """The short instruction a survey screen shows above the questions, in the active language."""
    return gettext(INSTRUCTION)
