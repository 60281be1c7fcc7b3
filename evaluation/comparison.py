"""The comparison group and the difference in differences (docs/indicators.md, "Comparison group and difference in
differences").

People waiting for a place (``ComparisonMember``) answer the same baseline and follow-up questions as the pilot's
learners. For each construct (``SurveyItem.construct``: items of different instrument versions that measure the same
thing are one), this module works out

- the pilot learners' mean matched change, baseline → follow-up (research learners only, ``research_learners``);
- the comparison group's mean matched change (members whose consent allows research on the day, answers given
  before they were placed on a class);
- the difference between the two (the difference in differences), with Welch's interval.

It is an **observational comparison, not a randomised trial**: the groups may differ in ways we cannot see. The
record-level export reads its survey rows from ``pilot_answers`` and ``comparison_answers`` below, so anyone can
recompute these figures from the files.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from .consent import research_comparison_members, research_learner_ids
from .models import Pilot, SurveyAnswer, SurveyItem, SurveyResponse
from .statistics import Estimate, difference_in_differences, paired_change

PILOT = "pilot"
COMPARISON = "comparison"
BEFORE, AFTER = SurveyResponse.Wave.BASELINE, SurveyResponse.Wave.FOLLOW_UP


def pilot_answers(pilot: Pilot, on: datetime.date) -> QuerySet[SurveyAnswer]:
    """Every survey answer of the pilot's research learners (all waves)."""
    return SurveyAnswer.objects.filter(response__learner__in=research_learner_ids(pilot, on))


def comparison_answers(pilot: Pilot, on: datetime.date) -> QuerySet[SurveyAnswer]:
    """The comparison group's answers research may use: members with research consent on ``on``, answers dated on
    or before the day they left the group (placed on a class), since after that they are no longer waiting."""
    members = research_comparison_members(pilot, on).values("pk")
    left_on = "response__learner__comparison_membership__left_on"
    return SurveyAnswer.objects.filter(response__learner__in=members).filter(
        Q(**{f"{left_on}__isnull": True}) | Q(response__date__lte=F(left_on))
    )


def matched_pairs(answers: QuerySet[SurveyAnswer]) -> dict[str, dict[int, tuple[int, int]]]:
    """construct → learner → (baseline value, follow-up value), for learners with both waves.

    When a learner answered a wave more than once for a construct (two instrument versions), the latest answer of
    that wave counts.
    """
    rows = (
        answers.filter(response__wave__in=[BEFORE, AFTER])
        .order_by("response__date", "response_id")
        .values_list("response__learner_id", "item__construct", "response__wave", "value")
    )
    latest: dict[tuple[str, int, str], int] = {}
    for learner, construct, wave, value in rows.iterator(5000):
        latest[(construct, learner, wave)] = value
    pairs: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for (construct, learner, wave), value in latest.items():
        after = latest.get((construct, learner, AFTER))
        if wave == BEFORE and after is not None:
            pairs[construct][learner] = (value, after)
    return pairs


@dataclass(frozen=True)
class ComparisonRow:
    """One construct: the item whose wording is shown, each group's change and the difference in differences."""

    construct: str
    item: SurveyItem
    pilot: Estimate
    comparison: Estimate
    difference: Estimate


def _filtered(answers: QuerySet[SurveyAnswer], provider_id: int | None, borough_code: str | None):
    if provider_id is not None:
        answers = answers.filter(response__learner__provider_id=provider_id)
    if borough_code:
        answers = answers.filter(response__learner__borough_id=borough_code)
    return answers


def _wording(constructs) -> dict[str, SurveyItem]:
    """For each construct, the item of the newest instrument version (its wording and place in the survey)."""
    items = SurveyItem.objects.filter(construct__in=constructs).select_related("instrument")
    chosen: dict[str, SurveyItem] = {}
    for item in items.order_by("instrument__code", "instrument__version", "sort_order", "pk"):
        chosen[item.construct] = item
    return chosen


def comparison_table(
    pilot: Pilot, on: datetime.date, *, provider_id: int | None = None, borough_code: str | None = None
) -> list[ComparisonRow]:
    """Per construct answered by either group: pilot change, comparison change and their difference, each an
    ``Estimate`` with n, 95% interval and p-value (``evaluation.statistics``). ``provider_id`` / ``borough_code``
    keep the learners and members registered by that provider / living in that borough."""
    treated = matched_pairs(_filtered(pilot_answers(pilot, on), provider_id, borough_code))
    control = matched_pairs(_filtered(comparison_answers(pilot, on), provider_id, borough_code))
    wording = _wording(set(treated) | set(control))
    rows = []
    for construct, item in wording.items():
        treated_pairs = list(treated.get(construct, {}).values())
        control_pairs = list(control.get(construct, {}).values())
        rows.append(
            ComparisonRow(
                construct=construct,
                item=item,
                pilot=paired_change(treated_pairs),
                comparison=paired_change(control_pairs),
                difference=difference_in_differences(
                    [after - before for before, after in treated_pairs],
                    [after - before for before, after in control_pairs],
                ),
            )
        )
    return sorted(rows, key=lambda row: (row.item.sort_order, row.construct))


@dataclass(frozen=True)
class GroupSizes:
    """How many people each group has for research on the day, and how many answered both waves of anything."""

    pilot: int
    pilot_matched: int
    comparison: int
    comparison_matched: int


def group_sizes(pilot: Pilot, on: datetime.date) -> GroupSizes:
    def matched(answers) -> int:
        return len({learner for pairs in matched_pairs(answers).values() for learner in pairs})

    return GroupSizes(
        pilot=research_learner_ids(pilot, on).count(),
        pilot_matched=matched(pilot_answers(pilot, on)),
        comparison=research_comparison_members(pilot, on).count(),
        comparison_matched=matched(comparison_answers(pilot, on)),
    )
