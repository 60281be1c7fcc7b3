"""What each indicator code means to a reader: its human name, a short plain definition, its kind and interval.

The codes come from ``evaluation.indicators`` (``measures``); the full definitions are docs/indicators.md. Screens
and the public results page show the name, with the code as a hint, and link to the definitions page
(``/evaluation/indicators/``, one anchored entry per code or code family). A new indicator without an entry here
fails ``tests/evaluation/test_dashboard.py``.
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .indicators import REACH_CHARACTERISTICS
from .instruments import item_text
from .models import Skill

# Which interval a figure gets (evaluation/statistics.py): a rate's Wilson interval, a mean's t interval, a
# matched-pair change's t interval with a paired t-test, or none (a count is not an estimate).
WILSON, T_MEAN, PAIRED_T, NO_INTERVAL = "wilson", "t", "paired_t", ""

INTERVAL_NAMES = {
    WILSON: _("Wilson 95% interval"),
    T_MEAN: _("t 95% interval"),
    PAIRED_T: _("t 95% interval and paired t-test"),
    NO_INTERVAL: _("none (a count)"),
}


@dataclass(frozen=True)
class Entry:
    """One code or family of codes (``prefix`` ends with ":" for families such as level_progression:<skill>)."""

    prefix: str
    name: str
    definition: str
    kind: str  # "rate", "mean" or "count", as Measure.kind
    interval: str

    @property
    def anchor(self) -> str:
        return "indicator-" + slugify(self.prefix.rstrip(":").replace("_", "-"))

    @property
    def interval_name(self) -> str:
        return str(INTERVAL_NAMES[self.interval])


ENTRIES = [
    Entry("starts", _("Starts"), _("Enrolments that have started (in the period, if one is chosen)."), "count", ""),
    Entry(
        "attendance_rate",
        _("Attendance"),
        _("Share of held sessions, in each learner's enrolment window, marked present or late."),
        "rate",
        WILSON,
    ),
    Entry(
        "attendance_not_recorded",
        _("Sessions with no mark"),
        _("Share of held sessions, in each learner's enrolment window, with no register mark."),
        "rate",
        WILSON,
    ),
    Entry(
        "attendance_rate_excluding_authorised",
        _("Attendance, leaving out absences with a reason"),
        _("Present or late, out of held sessions less those marked absent with a reason."),
        "rate",
        WILSON,
    ),
    Entry(
        "persistent_absence",
        _("Persistently absent"),
        _("Enrolments with 3 or more unauthorised absences in a row, out of enrolments with a held session."),
        "rate",
        WILSON,
    ),
    Entry("retention", _("Retention"), _("Leavers who completed, out of all leavers."), "rate", WILSON),
    Entry("achievement", _("Achievement"), _("Leavers who achieved their aim, out of all leavers."), "rate", WILSON),
    Entry(
        "rarpa_achievement",
        _("RARPA goals fully achieved"),
        _("Learning goals the tutor rated fully achieved, out of goals with a rating."),
        "rate",
        WILSON,
    ),
    Entry(
        "progression_within_6_months",
        _("Progressed within 6 months"),
        _("Leavers with paid work, further learning or volunteering recorded within 6 months of leaving."),
        "rate",
        WILSON,
    ),
    Entry(
        "level_progression:",
        _("Rose a level"),
        _(
            "Learners whose final level in the skill is at least one above their initial level, out of those assessed "
            "twice."
        ),
        "rate",
        WILSON,
    ),
    Entry(
        "level_progression_coverage:",
        _("Assessed twice"),
        _("Learners with an initial and a final assessment in the skill, out of those with an initial one."),
        "rate",
        WILSON,
    ),
    Entry(
        "distance_travelled:",
        _("Levels gained"),
        _("Mean of final level minus initial level (Pre-entry 0 to Level 2 5) over learners assessed twice."),
        "mean",
        PAIRED_T,
    ),
    Entry(
        "integration_change:",
        _("Change in survey answer"),
        _("Mean of follow-up answer minus baseline answer, over learners who answered both (matched pairs)."),
        "mean",
        PAIRED_T,
    ),
    Entry(
        "reach:",
        _("Learners in a group"),
        _("Learners with this characteristic, out of all learners in the pilot (each learner counted once)."),
        "rate",
        WILSON,
    ),
    Entry(
        "outcomes:",
        _("Destinations recorded"),
        _("Learners with at least one destination of this ILR type recorded, out of all learners shown."),
        "rate",
        WILSON,
    ),
]

CHARACTERISTIC_NAMES = {
    "age_band": _("Age"),
    "gender": _("Gender"),
    "time_in_uk": _("Time in the UK"),
    "employment_status": _("Employment"),
    "first_language": _("First language"),
    "childcare_need": _("Needs childcare"),
}
assert set(CHARACTERISTIC_NAMES) == set(REACH_CHARACTERISTICS), "name every reach characteristic"


def band_label(characteristic: str, band: str) -> str:
    """A reach band as staff read it: the choice's label ("Looking for work" for "unemployed"), else the band."""
    from .models import Learner

    if characteristic == "childcare_need":
        return {"yes": gettext("Yes"), "no": gettext("No"), "unknown": gettext("Not known")}.get(band, band)
    try:
        choices = dict(Learner._meta.get_field(characteristic).flatchoices)
    except FieldDoesNotExist:  # a characteristic that is not a model field keeps its band as it is
        return band
    return str(choices.get(band, band))


def entry(code: str) -> Entry | None:
    """The catalogue entry for an indicator code (the family's entry for "level_progression:reading" etc.)."""
    for candidate in ENTRIES:
        if code == candidate.prefix or (candidate.prefix.endswith(":") and code.startswith(candidate.prefix)):
            return candidate
    return None


def item_names() -> dict[str, str]:
    """Each survey item's code (and construct) → its question, from SurveyItem (latest instrument version wins)."""
    from .models import SurveyItem

    names = {}
    for item in SurveyItem.objects.select_related("instrument").order_by("instrument__version", "sort_order"):
        names[item.code] = item_text(item)
        if item.construct:
            names.setdefault(item.construct, item_text(item))
    return names


def human_name(code: str, items: dict[str, str] | None = None) -> str:
    """A name a reader understands: "Rose a level: Reading", "Change in survey answer: How often do you feel
    lonely?", "Learners in a group: Age – 25–34". Unknown codes come back as they are."""
    found = entry(code)
    if found is None:
        return code
    if not found.prefix.endswith(":"):
        return str(found.name)
    rest = code[len(found.prefix) :]
    if found.prefix.startswith(("level_progression", "distance_travelled")):
        detail = str(Skill(rest).label) if rest in Skill.values else rest
    elif found.prefix == "integration_change:":
        detail = (items if items is not None else item_names()).get(rest, rest)
    elif found.prefix == "reach:":
        characteristic, _sep, band = rest.partition("=")
        detail = f"{CHARACTERISTIC_NAMES.get(characteristic, characteristic)} – {band_label(characteristic, band)}"
    else:
        detail = rest
    return f"{found.name}: {detail}"


def definitions() -> list[dict]:
    """The definitions page's entries, in catalogue order."""
    return [
        {
            "anchor": e.anchor,
            "code": e.prefix + ("<…>" if e.prefix.endswith(":") else ""),
            "name": str(e.name),
            "definition": str(e.definition),
            "kind": e.kind,
            "interval": e.interval_name,
        }
        for e in ENTRIES
    ]
