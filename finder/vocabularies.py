"""The seed rows of the fixed vocabularies; names are marked for translation here."""

from django.utils.translation import gettext_noop as _

LEVELS = [
    ("pre-entry", _("Pre-entry"), _("below A1")),
    ("entry-1", _("Entry 1"), "A1"),
    ("entry-2", _("Entry 2"), "A2"),
    ("entry-3", _("Entry 3"), "B1"),
    ("level-1", _("Level 1"), "B2"),
    ("level-2", _("Level 2"), "C1"),
]

TARGET_GROUPS = [
    ("parents", _("Parents and carers")),
    ("job-seekers", _("People looking for work")),
    ("refugees", _("Refugees and asylum seekers")),
    ("employees", _("People in work")),
    ("older-learners", _("Older learners")),
    ("young-adults", _("Young adults (16 to 24)")),
    ("women", _("Women")),
    ("beginners", _("New arrivals and beginners")),
]

LANGUAGES = [
    ("sq", "Albanian"),
    ("am", "Amharic"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("bg", "Bulgarian"),
    ("zh", "Chinese"),
    ("prs", "Dari"),
    ("fr", "French"),
    ("gu", "Gujarati"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("it", "Italian"),
    ("ku", "Kurdish"),
    ("lt", "Lithuanian"),
    ("ne", "Nepali"),
    ("ps", "Pashto"),
    ("fa", "Persian (Farsi)"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("pa", "Punjabi"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("so", "Somali"),
    ("es", "Spanish"),
    ("ta", "Tamil"),
    ("ti", "Tigrinya"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
]

INDUSTRY_SECTORS = [
    ("care", _("Health and social care")),
    ("cleaning", _("Cleaning and facilities")),
    ("construction", _("Construction")),
    ("hospitality", _("Hospitality and catering")),
    ("logistics", _("Transport and logistics")),
    ("manufacturing", _("Manufacturing and food production")),
    ("retail", _("Retail")),
    ("security", _("Security")),
    ("public-sector", _("Public sector")),
    ("other", _("Other")),
]
