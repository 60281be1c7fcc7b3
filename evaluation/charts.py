"""Geometry for the dashboard's server-rendered SVG charts (no JavaScript): templates/components/chart_*.html draw
them and always give the same numbers as a table.

Every chart is a ``Chart``: a title, a description (the SVG's text alternative), and rows with a label, the
figure as shown, its n and, for estimates, its interval; the numbers here are SVG user units in a viewBox
``WIDTH`` wide, so a chart scales to any screen (375px phones included). Rows put their label above the mark so
long names (survey questions) need no side margin.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from .indicators import EnrolmentFacts, Period, attendance_facts
from .models import Attendance, Session
from .statistics import Estimate, wilson

WIDTH = 320
ROW_HEIGHT = 40
PLOT_LEFT, PLOT_RIGHT = 8, WIDTH - 64  # room on the right for the figure as text
LABEL_CHARACTERS = 44
COLUMN_HEIGHT = 140
COLUMN_TOP = 12  # room for the top tick's label


@dataclass
class ChartRow:
    label: str
    shown: str  # the figure as text, e.g. "62.5%" or "+0.40"
    n: int
    interval: str = ""  # e.g. "48.1% to 75.2%", blank when there is none
    anchor: str = ""  # the definition's anchor on the indicator definitions page
    extra: str = ""  # a further cell for the table (e.g. a p-value)
    # geometry (user units)
    y: float = 0
    text_y: float = 0
    mark_y: float = 0
    x: float = 0
    width: float = 0
    low_x: float | None = None
    high_x: float | None = None
    height: float = 0
    svg_label: str = ""


@dataclass
class Chart:
    id: str
    title: str
    description: str
    kind: str  # "bars", "dots" (dot and whisker) or "columns"
    value_heading: str
    rows: list[ChartRow] = field(default_factory=list)
    height: float = 0
    zero_x: float | None = None
    ticks: list[dict] = field(default_factory=list)
    extra_heading: str = ""
    empty: str = ""
    label_heading: str = ""

    @property
    def anchor(self) -> str:
        """The definition the chart shows (its rows share one)."""
        return self.rows[0].anchor if self.rows else ""

    @property
    def last(self) -> ChartRow | None:
        return self.rows[-1] if self.rows else None

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def plot_left(self) -> int:
        return PLOT_LEFT

    @property
    def plot_width(self) -> int:
        return PLOT_RIGHT - PLOT_LEFT


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _scale(value: float, low: float, high: float) -> float:
    return round(PLOT_LEFT + (value - low) / (high - low) * (PLOT_RIGHT - PLOT_LEFT), 2)


def _lay_out_rows(chart: Chart, low: float, high: float, baseline: float) -> Chart:
    """Bars start at ``baseline``; dots sit at the value with a whisker from the interval's low to high end."""
    for index, row in enumerate(chart.rows):
        row.y = index * ROW_HEIGHT
        row.text_y = row.y + 14
        row.mark_y = row.y + 28
        row.svg_label = _short(row.label)
    chart.height = max(len(chart.rows), 1) * ROW_HEIGHT + 18
    chart.zero_x = _scale(baseline, low, high)
    ticks = [(low, "start"), (baseline, "middle"), (high, "end")]
    chart.ticks = [
        {"x": _scale(value, low, high), "label": _tick(value, chart), "anchor": anchor}
        for index, (value, anchor) in enumerate(ticks)
        if value not in [earlier for earlier, _anchor in ticks[:index]]
    ]
    if chart.ticks and chart.ticks[0]["anchor"] == "start":
        chart.ticks[0]["x"] = 0
    return chart


def _tick(value: float, chart: Chart) -> str:
    return f"{value:.0f}%" if chart.value_heading.endswith("%") else f"{value:+.1f}" if value else "0"


def percent_bars(chart: Chart, values: list[tuple[ChartRow, float | None]]) -> Chart:
    """Horizontal bars of percentages (0 to 100) starting at zero."""
    chart.rows = [row for row, _value in values]
    _lay_out_rows(chart, 0, 100, 0)
    for row, value in values:
        row.x = PLOT_LEFT
        row.width = 0 if value is None else round(_scale(value, 0, 100) - PLOT_LEFT, 2)
    return chart


def dots(chart: Chart, estimates: list[tuple[ChartRow, Estimate]], percent: bool) -> Chart:
    """A dot at each estimate with a whisker over its interval: percentages on 0–100, changes on a scale centred
    on zero (a zero line shows "no change")."""
    chart.rows = [row for row, _estimate in estimates]
    factor = 100 if percent else 1
    if percent:
        low, high, baseline = 0.0, 100.0, 0.0
    else:
        reach = [abs(v) for _r, e in estimates for v in (e.value, e.low, e.high) if v is not None]
        high = max([1.0, *reach]) * 1.1  # a margin so a dot at the end is not cut off
        high = float(math.ceil(high * 2) / 2)
        low, baseline = -high, 0.0
    _lay_out_rows(chart, low, high, baseline)
    for row, estimate in estimates:
        row.x = None if estimate.value is None else _scale(factor * estimate.value, low, high)
        if estimate.has_interval:
            row.low_x = _scale(factor * estimate.low, low, high)
            row.high_x = _scale(factor * estimate.high, low, high)
    return chart


def columns(chart: Chart, values: list[tuple[ChartRow, float]]) -> Chart:
    """Vertical columns of percentages (one a week), tallest 100%, in the order given."""
    chart.rows = [row for row, _value in values]
    count = max(len(values), 1)
    step = (PLOT_RIGHT - PLOT_LEFT) / count
    for index, (row, value) in enumerate(values):
        row.height = round(value / 100 * COLUMN_HEIGHT, 2)
        row.x = round(PLOT_LEFT + index * step + step * 0.1, 2)
        row.width = round(step * 0.8, 2)
        row.y = round(COLUMN_TOP + COLUMN_HEIGHT - row.height, 2)
        row.svg_label = row.label
    chart.height = COLUMN_TOP + COLUMN_HEIGHT + 22
    chart.ticks = [
        {
            "y": round(COLUMN_TOP + COLUMN_HEIGHT * (1 - p / 100), 2),
            "text_y": round(COLUMN_TOP + COLUMN_HEIGHT * (1 - p / 100) + 4, 2),
            "label": f"{p}%",
        }
        for p in (0, 50, 100)
    ]
    chart.zero_x = PLOT_RIGHT + 6
    return chart


def weekly_attendance(enrolments, today: datetime.date, period: Period | None = None) -> list[dict]:
    """Each week's attendance with its Wilson interval and n (held person-sessions that week)."""
    return [
        {**week, "estimate": wilson(week["attended"], week["held"])}
        for week in attendance_by_week(enrolments, today, period)
    ]


def attendance_by_week(enrolments, today: datetime.date, period: Period | None = None) -> list[dict]:
    """Weekly attendance rate, by the same rule as the attendance indicator."""
    enrolments = list(enrolments.only("id", "learner_id", "cohort_id", "start_date", "actual_end_date"))
    sessions = defaultdict(list)
    for session in Session.objects.filter(
        cohort_id__in={e.cohort_id for e in enrolments}, status=Session.Status.HELD, date__lte=today
    ).order_by("date"):
        if period is None or session.date in period:
            sessions[session.cohort_id].append(session)
    marks = defaultdict(dict)
    for enrolment_id, session_id, status in Attendance.objects.filter(enrolment__in=enrolments).values_list(
        "enrolment_id", "session_id", "status"
    ):
        marks[enrolment_id][session_id] = status
    weeks = sorted({s.date - datetime.timedelta(days=s.date.weekday()) for c in sessions.values() for s in c})
    out = []
    for monday in weeks:
        week = Period(monday, monday + datetime.timedelta(days=6))
        facts = EnrolmentFacts(0, 0, "", "")
        for enrolment in enrolments:
            attendance_facts(facts, enrolment, sessions[enrolment.cohort_id], marks[enrolment.id], today, week)
        if facts.held:
            rate = facts.attended / facts.held
            out.append(
                {
                    "week": monday,
                    "rate": rate,
                    "percent": round(100 * rate),
                    "held": facts.held,
                    "attended": facts.attended,
                }
            )
    return out
