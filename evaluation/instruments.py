"""The integration survey, version 1: coded items and value labels (seeded by migration 0002).

Items follow the measures the GLA uses: Community Life Survey belonging, the ONS direct loneliness question,
volunteering, ONS4 personal wellbeing, and an ESOL-specific confidence item. Never edit a published version:
add a new one.
"""

from django.utils.translation import gettext

AGREE_4 = {"1": "Not at all", "2": "Not very", "3": "Fairly", "4": "Very"}
YES_NO = {"0": "No", "1": "Yes"}
ZERO_TO_TEN = {str(n): str(n) for n in range(11)}

INTEGRATION_SURVEY = {
    "code": "integration",
    "version": 1,
    "title": "ESOL Plus integration survey",
    "items": [
        ("belonging", "How strongly do you feel you belong to your local area?", AGREE_4, True),
        (
            "confidence_strangers",
            "How confident do you feel speaking English with people you don't know?",
            AGREE_4,
            True,
        ),
        ("friends_different_backgrounds", "Do you have friends from backgrounds different from yours?", YES_NO, True),
        ("volunteering", "In the last 12 months, have you given unpaid help to a group or club?", YES_NO, True),
        (
            "loneliness",
            "How often do you feel lonely?",
            {"1": "Often or always", "2": "Some of the time", "3": "Occasionally", "4": "Hardly ever", "5": "Never"},
            True,
        ),
        ("ons4_satisfied", "How satisfied are you with your life nowadays? (0–10)", ZERO_TO_TEN, True),
        (
            "ons4_worthwhile",
            "How far do you feel the things you do in your life are worthwhile? (0–10)",
            ZERO_TO_TEN,
            True,
        ),
        ("ons4_happy", "How happy did you feel yesterday? (0–10)", ZERO_TO_TEN, True),
        ("ons4_anxious", "How anxious did you feel yesterday? (0–10)", ZERO_TO_TEN, False),
    ],
}


def seed_instrument(instrument_model, item_model, definition=INTEGRATION_SURVEY):
    instrument, _ = instrument_model.objects.get_or_create(
        code=definition["code"], version=definition["version"], defaults={"title": definition["title"]}
    )
    for order, (code, text, labels, higher_is_better) in enumerate(definition["items"]):
        item_model.objects.get_or_create(
            instrument=instrument,
            code=code,
            defaults={
                "text": text,
                "value_labels": labels,
                "higher_is_better": higher_is_better,
                "sort_order": order,
                # migration 0002 runs before SurveyItem.construct exists
                **({"construct": code} if any(f.name == "construct" for f in item_model._meta.fields) else {}),
            },
        )
    return instrument


def item_text(item) -> str:
    """The question in the active language (the English wording is the message id in the catalogues)."""
    return gettext(item.text)


def value_labels(item) -> dict[str, str]:
    """The item's allowed values and their labels in the active language, in order."""
    return {value: gettext(label) for value, label in item.value_labels.items()}
