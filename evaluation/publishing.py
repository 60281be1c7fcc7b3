"""Disclosure-controlled indicator tables: what may leave the evaluation team or go on the public results page.

Every published figure is worked out from what is published beside it, never from the exact counts: a rate is
the rounded numerator over the rounded denominator, so it cannot narrow the rounding window (165/190 shown as
87.9% could only be 167/190). A mean's numerator is a sum that is never published, so a mean is shown only
when its n is published, and to a precision that any n the reader could infer fits (see ``mean_decimals``).
"""

from collections import defaultdict

from .disclosure import SUPPRESSED, Cell, is_primary, pinned_by_sums, protect, round_to_5
from .indicators import Row
from .statistics import wilson

# ci_low/ci_high: a rate's Wilson 95% interval worked out from the published (rounded) counts beside it.
COLUMNS = ["indicator", "breakdown", "group", "period", "numerator", "denominator", "value", "ci_low", "ci_high"]
# Bumped whenever docs/indicators.md changes what a published figure means; frozen into each release.
DEFINITIONS_VERSION = "2026.11"


def public_rows(published: list[dict]) -> list[dict]:
    """The rows of a public release: every indicator but reach (who took part, kept for evaluators' files)."""
    return [row for row in published if not row["indicator"].startswith("reach:")]


def mean_decimals(threshold: int) -> int:
    """Decimals for a published mean: steps of 1/n must be no wider than the shown precision for any n ≥ threshold,
    so that every n in the rounding window has a sum giving the shown mean (the mean narrows nothing)."""
    return 1 if threshold >= 10 else 0


def _cell_key(count_key: str, row: Row) -> tuple:
    # The pilot-wide figure is shared by the provider and borough tables, so it has one key.
    return (count_key, row.breakdown, row.group, row.period)


def _tables(rows: list[Row]) -> list[list[Cell]]:
    """Every set of figures that add up: groups to the pilot total, numerators and the rest to denominators."""
    by_indicator = defaultdict(lambda: defaultdict(list))
    for row in rows:
        family = row.indicator.split("=")[0] if row.indicator.startswith("reach:") else row.indicator
        by_indicator[family][row.breakdown].append(row)
    tables = []
    for family, breakdowns in by_indicator.items():
        pilot_rows = breakdowns.get("pilot", [])
        for breakdown in ("provider", "borough"):
            if not breakdowns.get(breakdown):
                continue  # a total alone adds nothing up
            group_rows = breakdowns[breakdown] + pilot_rows
            cells = []
            for row in group_rows:
                m = row.measure
                r = ("row", row.breakdown, row.group)
                if family.startswith("reach:"):
                    band = row.indicator.split("=", 1)[1]
                    cells.append(Cell(_cell_key(m.numerator_key, row), m.numerator, (r, ("col", band))))
                    if not any(c.key == _cell_key(m.denominator_key, row) for c in cells):
                        cells.append(Cell(_cell_key(m.denominator_key, row), m.denominator, (r, ("col", "total"))))
                elif m.kind == "rate":
                    rest = m.denominator - m.numerator
                    cells += [
                        Cell(_cell_key(m.numerator_key, row), m.numerator, (r, ("col", "numerator"))),
                        Cell(_cell_key(f"{m.denominator_key}-less-{m.numerator_key}", row), rest, (r, ("col", "rest"))),
                        Cell(_cell_key(m.denominator_key, row), m.denominator, (r, ("col", "total"))),
                    ]
                else:  # a count, or the n behind a mean: groups add up to the pilot's figure
                    key = m.numerator_key if m.kind == "count" else m.denominator_key
                    value = m.numerator if m.kind == "count" else m.denominator
                    cells.append(Cell(_cell_key(key, row), int(value), ("parts", "whole")))
            if cells:
                tables.append(cells)
    return tables


def hidden_cells(rows: list[Row], threshold: int) -> set:
    """Primary and secondary suppression across every table, and more wherever rounded counts and their sums
    would leave a count one possible value, until nothing needs more."""
    tables = _tables(rows)
    # Small counts first, including those in no table (a pilot reported with no breakdown).
    hidden: set = set()
    for row in rows:
        hidden |= {_cell_key(key, row) for key, value in _counts(row.measure) if is_primary(int(value), threshold)}
    values, equations = _sums(rows)
    while True:
        changed = True
        while changed:
            changed = False
            for cells in tables:
                new = protect(cells, threshold, forced=hidden)
                if not new <= hidden:
                    hidden |= new
                    changed = True
        pinned = pinned_by_sums(values, hidden, equations, threshold)
        if not pinned:
            return hidden
        hidden |= _to_hide(pinned, hidden, values, equations)


def _to_hide(pinned: set, hidden: set, values: dict, equations: list) -> set:
    """Hide each pinned count, or, if it is hidden already, the largest published count in its sums."""
    more = pinned - hidden
    for key in pinned & hidden:
        for parts, total in equations:
            if key in parts or key == total:
                shown = [k for k in [*parts, total] if k not in hidden and values[k]]
                if shown:
                    more.add(max(shown, key=lambda k: values[k]))
    if not more:  # nothing left to hide: everything in these sums is hidden already
        raise AssertionError("pinned counts with every count in their sums hidden")
    return more


def _sums(rows: list[Row]) -> tuple[dict, list]:
    """Every count published, and the sums a reader knows: each breakdown's groups add up to the pilot, and a
    reach characteristic's bands add up to the learners of each group."""
    values, families, bands = {}, defaultdict(lambda: defaultdict(list)), defaultdict(list)
    for row in rows:
        for key, value in _counts(row.measure):
            cell = _cell_key(key, row)
            if cell not in values:
                values[cell] = int(value)
                families[(key, row.period)][row.breakdown].append(cell)
            if key.startswith("reach:"):
                bands[(key.split("=")[0], row.breakdown, row.group, row.period)].append(cell)
    equations = []
    for breakdowns in families.values():
        for name in ("provider", "borough"):
            if breakdowns.get("pilot") and breakdowns.get(name):
                equations.append((breakdowns[name], breakdowns["pilot"][0]))
    for (_characteristic, breakdown, group, period), members in bands.items():
        learners = ("learners", breakdown, group, period)
        if learners in values:
            equations.append((members, learners))
    return values, equations


def _counts(m) -> list[tuple[str, float]]:
    """The counts a measure publishes: a count's value, a rate's numerator and denominator, a mean's n."""
    if m.kind == "count":
        return [(m.numerator_key, m.numerator)]
    if m.kind == "mean":
        return [(m.denominator_key, m.denominator)]
    return [(m.numerator_key, m.numerator), (m.denominator_key, m.denominator)]


def _mean(value: float, decimals: int) -> str:
    shown = f"{value:.{decimals}f}"
    return shown.lstrip("-") if float(shown) == 0 else shown  # no "-0.0"


def published_rate(numerator: int, denominator: int) -> str:
    """A rate as published: a percentage of the published (rounded) counts, blank when there is nothing to divide."""
    return f"{100 * numerator / denominator:.1f}" if denominator else ""


def published_interval(numerator: str, denominator: str) -> tuple[str, str]:
    """A rate's Wilson 95% interval (percentages, one decimal) from its published, rounded counts only, so it says
    nothing the counts do not; blank when a count is hidden or there is nothing to divide."""
    if not (numerator.isdecimal() and denominator.isdecimal()) or int(denominator) == 0:
        return "", ""
    estimate = wilson(min(int(numerator), int(denominator)), int(denominator))
    return f"{100 * estimate.low:.1f}", f"{100 * estimate.high:.1f}"


def with_interval(row: dict) -> dict:
    """A published row with its interval cells; releases frozen before the interval columns get them worked out
    from their published counts, exactly as a new release would."""
    if "ci_low" in row:
        return row
    is_rate = row["denominator"] != "" and row["numerator"] != ""
    low, high = published_interval(row["numerator"], row["denominator"]) if is_rate else ("", "")
    return {**row, "ci_low": low, "ci_high": high}


def _count(value, key, hidden) -> str:
    return SUPPRESSED if key in hidden else str(round_to_5(int(value)))


def publish(rows: list[Row], threshold: int) -> list[dict]:
    """The long-form table: counts hidden ([c]) or rounded to 5; rates from the rounded counts; means to a safe
    precision. A rate or mean with a hidden part is hidden; one with nothing to divide by is left blank."""
    hidden = hidden_cells(rows, threshold)
    decimals = mean_decimals(threshold)
    published = []
    for row in rows:
        m = row.measure
        line = {"indicator": row.indicator, "breakdown": row.breakdown, "group": row.group, "period": row.period}
        if m.kind == "count":
            shown = _count(m.numerator, _cell_key(m.numerator_key, row), hidden)
            line.update(numerator=shown, denominator="", value=shown, ci_low="", ci_high="")
        elif m.kind == "rate":
            num = _count(m.numerator, _cell_key(m.numerator_key, row), hidden)
            den = _count(m.denominator, _cell_key(m.denominator_key, row), hidden)
            value = SUPPRESSED if SUPPRESSED in (num, den) else published_rate(int(num), int(den))
            line.update(numerator=num, denominator=den, value=value)
            low, high = published_interval(num, den)
            line.update(ci_low=low, ci_high=high)
        else:
            den = _count(m.denominator, _cell_key(m.denominator_key, row), hidden)
            value = SUPPRESSED if den == SUPPRESSED else _mean(m.value, decimals) if m.denominator else ""
            line.update(numerator="", denominator=den, value=value, ci_low="", ci_high="")
        published.append(line)
    return published
