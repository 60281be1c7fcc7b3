"""Where learners go next: the ILR "Destination and Progression" outcome types and codes, in one place.

A destination is an outcome type (``OutType``) and a number (``OutCode``), written together as in the ILR: EMP1
is "In paid employment for 16 hours or more per week". The model (``ProgressionOutcome``), its database
constraint, the staff form, the indicators and the export codebook all read this module, so a code added or
closed here changes everywhere at once.

Source: the ILR specification's DPOutcome ``OutType`` and ``OutCode`` fields (guidance.submit-learner-data.service
.gov.uk, 2020 to 2021 and 2021 to 2022 pages; the 2025 to 2026 code list itself could not be checked, and EDU1
"Traineeship" may since have closed). OTH2 "Not reported" closed on 31 July 2015 and is not offered. The social
destinations (SDE) are meant for 16–19 high-needs students; they are kept so that the list is the ILR's.

Which destinations count as **progression** (paid work, further learning, voluntary work) is ``PROGRESSION_TYPES``:
the ``progression_within_6_months`` indicator counts only those (docs/indicators.md).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutcomeType(models.TextChoices):
    """ILR OutType."""

    EDU = "EDU", _("Education")
    EMP = "EMP", _("In paid employment")
    GAP = "GAP", _("Gap year")
    NPE = "NPE", _("Not in paid employment")
    OTH = "OTH", _("Other")
    SDE = "SDE", _("Social destination (high needs students only)")
    VOL = "VOL", _("Voluntary work")


# ILR OutCode for each OutType, with the specification's titles (FE: further education, including community
# learning; HE: higher education).
CODES: dict[str, dict[int, str]] = {
    OutcomeType.EMP: {
        1: _("In paid employment for 16 hours or more per week"),
        2: _("In paid employment for less than 16 hours per week"),
        4: _("Self-employed for 16 hours or more per week"),
        5: _("Self-employed for less than 16 hours per week"),
    },
    OutcomeType.EDU: {
        1: _("Traineeship"),
        2: _("Apprenticeship"),
        3: _("Supported Internship"),
        4: _("Other FE (Full-time)"),
        5: _("Other FE (Part-time)"),
        6: _("HE"),
    },
    OutcomeType.VOL: {1: _("Voluntary work")},
    OutcomeType.NPE: {
        1: _("Not in paid employment, looking for work and available to start work"),
        2: _("Not in paid employment, not looking for work and/or not available to start work (including retired)"),
    },
    OutcomeType.GAP: {1: _("Gap year before starting HE")},
    OutcomeType.SDE: {
        1: _("Supported independent living"),
        2: _("Independent living"),
        3: _("Learner returning home"),
        4: _("Long term residential placement"),
    },
    OutcomeType.OTH: {
        1: _("Other outcome - not listed"),
        3: _("Unable to contact learner"),
        4: _("Not known"),
    },
}

# Paid employment (employed or self-employed), education or training, voluntary work: what "progressed" means.
PROGRESSION_TYPES = frozenset({OutcomeType.EMP, OutcomeType.EDU, OutcomeType.VOL})

# Outcomes recorded before the ILR codes (the old "kind" EMP/EDU/VOL) have a type but no code.
UNCODED_TYPES = PROGRESSION_TYPES


def counts_as_progression(outcome_type: str) -> bool:
    """Whether an outcome of this type is progression (paid work, learning or volunteering)."""
    return outcome_type in PROGRESSION_TYPES


def is_valid(outcome_type: str, outcome_code: int | None) -> bool:
    """Whether the pair is an ILR destination (or an uncoded outcome recorded before the codes)."""
    if outcome_code is None:
        return outcome_type in UNCODED_TYPES
    return outcome_code in CODES.get(outcome_type, {})


def key(outcome_type: str, outcome_code: int | None) -> str:
    """The ILR's way of writing a destination: "EMP1"; just the type when it has no code."""
    return f"{outcome_type}{'' if outcome_code is None else outcome_code}"


def parse(value: str) -> tuple[str, int] | None:
    """("EMP", 1) from "EMP1"; None for anything that is not an ILR destination."""
    value = (value or "").strip().upper()
    outcome_type, number = value[:3], value[3:]
    if not number.isdecimal() or len(number) > 3:
        return None
    code = int(number)
    return (outcome_type, code) if is_valid(outcome_type, code) else None


def label(outcome_type: str, outcome_code: int | None) -> str:
    """The title of a destination, or of its type alone for an uncoded outcome."""
    if outcome_code is None:
        return str(OutcomeType(outcome_type).label)
    return str(CODES[outcome_type][outcome_code])


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a form, grouped by outcome type (progression types first), each valued like "EMP1"."""
    order = [OutcomeType.EMP, OutcomeType.EDU, OutcomeType.VOL, OutcomeType.NPE, OutcomeType.GAP]
    order += [OutcomeType.SDE, OutcomeType.OTH]
    return [(OutcomeType(t).label, [(key(t, code), title) for code, title in CODES[t].items()]) for t in order]


def valid_pairs_condition() -> Q:
    """The database constraint: the type and code make an ILR destination (or an uncoded progression outcome)."""
    condition = Q(outcome_code__isnull=True, outcome_type__in=sorted(UNCODED_TYPES))
    for outcome_type, codes in CODES.items():
        condition |= Q(outcome_type=outcome_type, outcome_code__in=sorted(codes))
    return condition


def codebook_values() -> str:
    """What each stored code means with its type, for the export codebook: "EMP 1=In paid employment for 16 hours or
    more per week; ...", and a blank code for outcomes recorded before the ILR codes."""
    coded = [f"{t} {code}={title}" for t, codes in CODES.items() for code, title in codes.items()]
    uncoded = [f"{t} blank={OutcomeType(t).label}, code not recorded" for t in sorted(UNCODED_TYPES)]
    return "; ".join(coded + uncoded)
