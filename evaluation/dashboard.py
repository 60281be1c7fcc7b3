"""The evaluators' dashboard, assembled: every figure with its human name, value, n and (for estimates) interval.

Figures are exact (the dashboard is for evaluators and coordinators, never public); intervals come from
``evaluation.statistics`` — Wilson for rates, a paired t interval and test for matched-pair changes (distance
travelled, change in a survey answer), which need the per-learner values, so the facts are worked out here once
and the indicator rows built from them (``indicators.rows_from_facts``, as ``indicator_rows`` does).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import charts
from . import indicator_catalogue as catalogue
from .destinations import OutcomeType
from .indicators import (
    EnrolmentFacts,
    LearnerFacts,
    Measure,
    Period,
    Row,
    enrolment_facts,
    learner_facts,
    pilot_enrolments,
    rows_from_facts,
)
from .models import Learner, Pilot, ProgressionOutcome, Skill, SurveyItem
from .statistics import Estimate, paired_change, wilson

HEADLINES = [
    "starts",
    "attendance_rate",
    "attendance_rate_excluding_authorised",
    "attendance_not_recorded",
    "persistent_absence",
    "retention",
    "achievement",
    "rarpa_achievement",
    "progression_within_6_months",
]


@dataclass
class Figure:
    """One figure as an evaluator reads it."""

    code: str
    label: str
    value: str  # as shown: "62.5%", "+0.40", "12", or "–" when there is nothing to show
    n: int | None
    interval: str = ""  # "48.1% to 75.2%"; blank for counts, and "no interval (n < 2)" when too few
    p_value: str = ""
    detail: str = ""  # "25 / 40" for a rate
    anchor: str = ""
    estimate: Estimate | None = None

    @property
    def is_estimate(self) -> bool:
        return self.estimate is not None


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _change(value: float) -> str:
    return f"{value:+.2f}"


def _interval_text(estimate: Estimate, fmt) -> str:
    if estimate.value is None:
        return ""
    if not estimate.has_interval:
        return _("no interval (n < 2)")
    return _("%(low)s to %(high)s") % {"low": fmt(estimate.low), "high": fmt(estimate.high)}


def _p_text(estimate: Estimate) -> str:
    if estimate.p_value is None:
        return ""
    return "p < 0.001" if estimate.p_value < 0.001 else f"p = {estimate.p_value:.3f}"


def rate_figure(code: str, label: str, numerator: int, denominator: int) -> Figure:
    estimate = wilson(int(numerator), int(denominator))
    return Figure(
        code=code,
        label=label,
        value="–" if estimate.value is None else _percent(estimate.value),
        n=int(denominator),
        interval=_interval_text(estimate, _percent),
        detail=f"{int(numerator)} / {int(denominator)}",
        anchor=_anchor(code),
        estimate=estimate,
    )


def change_figure(code: str, label: str, pairs: list[tuple[float, float]]) -> Figure:
    estimate = paired_change(pairs)
    return Figure(
        code=code,
        label=label,
        value="–" if estimate.value is None else _change(estimate.value),
        n=estimate.n,
        interval=_interval_text(estimate, _change),
        p_value=_p_text(estimate),
        anchor=_anchor(code),
        estimate=estimate,
    )


def count_figure(code: str, label: str, count: int) -> Figure:
    return Figure(code=code, label=label, value=str(int(count)), n=None, anchor=_anchor(code))


def _anchor(code: str) -> str:
    found = catalogue.entry(code)
    return found.anchor if found else ""


def measure_figure(measure: Measure, label: str) -> Figure:
    """A figure from an exact measure: counts as they are, rates with their Wilson interval. Means need their
    per-learner values for an interval, so callers use ``change_figure`` for them."""
    if measure.kind == "count":
        return count_figure(measure.indicator, label, measure.numerator)
    if measure.kind == "rate":
        return rate_figure(measure.indicator, label, measure.numerator, measure.denominator or 0)
    value = "–" if measure.value is None else _change(measure.value)
    return Figure(measure.indicator, label, value, measure.denominator, anchor=_anchor(measure.indicator))


def level_pairs(e_facts: list[EnrolmentFacts], skill: str) -> list[tuple[int, int]]:
    """(initial, final) levels of the enrolments assessed twice in the skill: the matched pairs of distance
    travelled."""
    pairs = [f.levels.get(skill, (None, None)) for f in e_facts]
    return [(initial, final) for initial, final in pairs if initial is not None and final is not None]


def integration_pairs(l_facts: list[LearnerFacts], item: str) -> list[tuple[float, float]]:
    """(baseline, follow-up) answers of the learners who answered the item at both waves."""
    return [learner.integration[item] for learner in l_facts if item in learner.integration]


def outcome_counts(l_facts: list[LearnerFacts], period: Period | None) -> dict[str, int]:
    """Learners with at least one recorded destination of each ILR type (dated in the period, if one is chosen)."""
    learners = defaultdict(set)
    for learner_id, outcome_type, day in ProgressionOutcome.objects.filter(
        learner_id__in=[f.learner_id for f in l_facts]
    ).values_list("learner_id", "outcome_type", "date"):
        if period is None or day in period:
            learners[outcome_type].add(learner_id)
    return {outcome_type: len(learners[outcome_type]) for outcome_type in OutcomeType.values}


def build(
    pilot: Pilot,
    today: datetime.date,
    period: Period | None = None,
    provider_id: int | None = None,
    borough_code: str | None = None,
) -> dict:
    """Everything the dashboard shows for the filters chosen: headline figures, charts and the full table."""
    enrolments = pilot_enrolments(pilot, provider_id, borough_code, today)
    e_facts = enrolment_facts(enrolments, today, period)
    l_facts = learner_facts(Learner.objects.filter(id__in={f.learner_id for f in e_facts}))
    rows = rows_from_facts(pilot.slug, e_facts, l_facts, str(period) if period else "all")
    items = catalogue.item_names()
    pilot_measures = {r.indicator: r.measure for r in rows if r.breakdown == "pilot"}
    headline = [
        measure_figure(pilot_measures[code], catalogue.human_name(code)) for code in HEADLINES if code in pilot_measures
    ]
    levels = [
        measure_figure(pilot_measures[f"level_progression:{skill}"], str(label)) for skill, label in Skill.choices
    ]
    distance = [
        change_figure(f"distance_travelled:{skill}", str(label), level_pairs(e_facts, skill))
        for skill, label in Skill.choices
    ]
    integration_codes = sorted({item for learner in l_facts for item in learner.integration})
    integration = [
        change_figure(f"integration_change:{item}", items.get(item, item), integration_pairs(l_facts, item))
        for item in integration_codes
    ]
    outcomes = outcome_counts(l_facts, period)
    outcome_figures = [
        rate_figure(f"outcomes:{outcome_type}", str(label), outcomes[outcome_type], len(l_facts))
        for outcome_type, label in OutcomeType.choices
    ]
    reach = defaultdict(list)
    for code, measure in pilot_measures.items():
        if code.startswith("reach:"):
            characteristic, band = code[len("reach:") :].split("=", 1)
            label = catalogue.band_label(characteristic, band)
            reach[characteristic].append(rate_figure(code, label, measure.numerator, measure.denominator or 0))
    weeks = charts.weekly_attendance(enrolments, today, period)
    return {
        "headline": headline,
        "charts": [
            attendance_chart(weeks),
            level_chart(levels),
            change_chart(
                "distance-chart",
                _("Levels gained, by skill"),
                distance,
                _("Mean change in level, with 95% interval"),
                _("Skill"),
            ),
            change_chart(
                "integration-chart",
                _("Change in survey answers, baseline to follow-up"),
                integration,
                _("Mean change in answer (follow-up − baseline), with 95% interval; a dot right of zero is a rise"),
                _("Question"),
                lower_is_better=_lower_is_better(),
            ),
            bar_chart(
                "outcomes-chart", _("Destinations recorded, by ILR type"), outcome_figures, _("Destination type")
            ),
            *[
                bar_chart(f"reach-chart-{name}", _("Who took part: %(name)s") % {"name": title}, reach[name], title)
                for name, title in catalogue.CHARACTERISTIC_NAMES.items()
                if reach.get(name)
            ],
        ],
        "table": table(rows, items, _groups(pilot.slug, e_facts, l_facts)),
    }


def _lower_is_better() -> set[str]:
    items = SurveyItem.objects.filter(higher_is_better=False).values_list("code", "construct")
    return {code for pair in items for code in pair if code}


def _chart_row(figure: Figure, label: str | None = None) -> charts.ChartRow:
    return charts.ChartRow(
        label=label or figure.label,
        shown=figure.value,
        n=figure.n or 0,
        interval=figure.interval,
        anchor=figure.anchor,
        extra=figure.p_value,
    )


def attendance_chart(weeks: list[dict]) -> charts.Chart:
    chart = charts.Chart(
        "attendance-chart",
        _("Attendance by week"),
        _("Columns: share of held sessions attended each week, from %(first)s to %(last)s.")
        % {"first": weeks[0]["week"].strftime("%-d %b %Y"), "last": weeks[-1]["week"].strftime("%-d %b %Y")}
        if weeks
        else _("No sessions held yet."),
        "columns",
        _("Attendance %"),
        empty=_("No sessions held yet."),
        label_heading=_("Week starting"),
    )
    values = []
    for week in weeks:
        figure = rate_figure("attendance_rate", week["week"].strftime("%-d %b %Y"), week["attended"], week["held"])
        values.append((_chart_row(figure), 100 * week["rate"]))
    return charts.columns(chart, values)


def level_chart(levels: list[Figure]) -> charts.Chart:
    chart = charts.Chart(
        "level-chart",
        _("Learners who rose at least one level, by skill"),
        _("Dots: share of learners assessed twice who rose a level in each skill; lines: 95% Wilson intervals."),
        "dots",
        _("Rose a level %"),
        empty=_("No learners assessed twice."),
        label_heading=_("Skill"),
    )
    return charts.dots(chart, [(_chart_row(f), f.estimate) for f in levels], percent=True)


def change_chart(
    chart_id: str,
    title: str,
    figures: list[Figure],
    description: str,
    label_heading: str,
    lower_is_better: set | None = None,
) -> charts.Chart:
    chart = charts.Chart(
        chart_id,
        title,
        description,
        "dots",
        _("Mean change"),
        extra_heading=_("Paired t-test"),
        empty=_("No learners with both answers yet."),
        label_heading=label_heading,
    )
    rows = []
    for figure in figures:
        label = figure.label
        if lower_is_better and figure.code.split(":", 1)[1] in lower_is_better:
            label = _("%(label)s (a fall is an improvement)") % {"label": label}
        rows.append((_chart_row(figure, label), figure.estimate))
    return charts.dots(chart, rows, percent=False)


def bar_chart(chart_id: str, title: str, figures: list[Figure], label_heading: str) -> charts.Chart:
    chart = charts.Chart(
        chart_id,
        title,
        _("Bars: %(title)s, as a share of the learners shown.") % {"title": title},
        "bars",
        _("Share %"),
        empty=_("No learners yet."),
        label_heading=label_heading,
    )
    values = [(_chart_row(f), None if f.estimate.value is None else 100 * f.estimate.value) for f in figures]
    return charts.percent_bars(chart, values)


def _groups(pilot_slug: str, e_facts: list[EnrolmentFacts], l_facts: list[LearnerFacts]) -> dict:
    """(breakdown, group) → (enrolment facts, learner facts), grouped as ``rows_from_facts`` groups them."""
    groups = defaultdict(lambda: ([], []))
    for breakdown in ("pilot", "provider", "borough"):
        for index, facts in enumerate((e_facts, l_facts)):
            for f in facts:
                groups[(breakdown, pilot_slug if breakdown == "pilot" else getattr(f, breakdown))][index].append(f)
    return groups


def row_figure(row: Row, label: str, groups: dict) -> Figure:
    """A row's figure; a mean gets its paired interval from the per-learner values of the row's group."""
    e_group, l_group = groups.get((row.breakdown, row.group), ([], []))
    family, _sep, rest = row.indicator.partition(":")
    if family == "distance_travelled":
        return change_figure(row.indicator, label, level_pairs(e_group, rest))
    if family == "integration_change":
        return change_figure(row.indicator, label, integration_pairs(l_group, rest))
    return measure_figure(row.measure, label)


def table(rows: list[Row], items: dict[str, str], groups: dict) -> list[dict]:
    """Every indicator row (pilot, each provider, each borough) with its name, n and interval."""
    out = []
    for row in rows:
        figure = row_figure(row, catalogue.human_name(row.indicator, items), groups)
        out.append(
            {
                "code": row.indicator,
                "name": figure.label,
                "anchor": figure.anchor,
                "breakdown": row.breakdown,
                "group": row.group,
                "value": figure.value,
                "n": "" if figure.n is None else figure.n,
                "interval": figure.interval,
                "p_value": figure.p_value,
            }
        )
    return out
