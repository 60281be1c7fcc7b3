"""The record-level export's learner and survey tables, with the pilot's learners and its comparison group.

Both groups are pseudonymised alike (one key per recipient, ``exports.Pseudonyms``) and filtered by the one consent
rule (``evaluation.consent``): pilot learners by ``research_learners``, comparison members by
``research_comparison_members``. The survey rows are exactly those ``evaluation.comparison`` analyses, so the
difference in differences can be recomputed from the files. Each row says its ``group``.
"""

import datetime
from collections.abc import Callable, Iterator

from .comparison import COMPARISON, PILOT, comparison_answers, pilot_answers
from .consent import research_comparison_members, research_learner_ids
from .models import Learner, Pilot

CHUNK = 5000
YES_NO = {True: 1, False: 0, None: ""}
LEARNER_FIELDS = (
    "pk",
    "provider__title",
    "age_band",
    "borough_id",
    "first_language",
    "gender",
    "time_in_uk",
    "employment_status",
    "childcare_need",
)
SURVEY_FIELDS = (
    "response__learner_id",
    "response__instrument__code",
    "response__instrument__version",
    "response__wave",
    "response__date",
    "item__code",
    "value",
)


def _iso(day) -> str:
    return day.isoformat() if hasattr(day, "isoformat") else (day or "")


def exported_learner_ids(pilot: Pilot, on: datetime.date) -> dict[str, object]:
    """Each group's learner ids research may use on ``on`` (subqueries)."""
    return {PILOT: research_learner_ids(pilot, on), COMPARISON: research_comparison_members(pilot, on).values("pk")}


def learner_rows(pilot: Pilot, on: datetime.date, ids: Callable[[str, int], str]) -> Iterator[tuple]:
    """learners.csv: the pilot's research learners, then its comparison-group members."""
    for group, learner_ids in exported_learner_ids(pilot, on).items():
        rows = Learner.objects.filter(pk__in=learner_ids).order_by("pk").values_list(*LEARNER_FIELDS)
        for pk, provider, age, borough, language, gender, uk, employment, childcare in rows.iterator(CHUNK):
            yield (
                ids("learner", pk),
                group,
                provider,
                age,
                borough or "",
                language,
                gender,
                uk,
                employment,
                YES_NO[childcare],
            )


def survey_rows(pilot: Pilot, on: datetime.date, ids: Callable[[str, int], str]) -> Iterator[tuple]:
    """survey_responses.csv: every answer the analysis may use, pilot learners' then the comparison group's."""
    for group, answers in ((PILOT, pilot_answers(pilot, on)), (COMPARISON, comparison_answers(pilot, on))):
        rows = answers.order_by("response__learner_id", "response__date", "item__sort_order").values_list(
            *SURVEY_FIELDS
        )
        for learner, code, version, wave, day, item, value in rows.iterator(CHUNK):
            yield (ids("learner", learner), group, f"{code}:{version}", wave, _iso(day), item, value)
