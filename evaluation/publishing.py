"""Disclosure-controlled indicator tables: what may leave the evaluation team or go on the public results page."""

from collections import defaultdict

from .disclosure import SUPPRESSED, Cell, protect, round_to_5
from .indicators import Row

COLUMNS = ["indicator", "breakdown", "group", "period", "numerator", "denominator", "value"]


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
    """Primary and secondary suppression across every table, until no table needs more."""
    tables = _tables(rows)
    hidden: set = set()
    changed = True
    while changed:
        changed = False
        for cells in tables:
            new = protect(cells, threshold, forced=hidden)
            if not new <= hidden:
                hidden |= new
                changed = True
    return hidden


def _count(value, key, hidden) -> str:
    return SUPPRESSED if key in hidden else str(round_to_5(int(value)))


def publish(rows: list[Row], threshold: int) -> list[dict]:
    """The long-form table with counts hidden ([c]) or rounded to 5, and values from the exact counts."""
    hidden = hidden_cells(rows, threshold)
    published = []
    for row in rows:
        m = row.measure
        line = {"indicator": row.indicator, "breakdown": row.breakdown, "group": row.group, "period": row.period}
        if m.kind == "count":
            shown = _count(m.numerator, _cell_key(m.numerator_key, row), hidden)
            line.update(numerator=shown, denominator="", value=shown)
        elif m.kind == "rate":
            num = _count(m.numerator, _cell_key(m.numerator_key, row), hidden)
            den = _count(m.denominator, _cell_key(m.denominator_key, row), hidden)
            safe = SUPPRESSED not in (num, den) and m.denominator >= threshold
            value = f"{100 * m.value:.1f}" if safe else (SUPPRESSED if m.denominator else "")
            line.update(numerator=num, denominator=den, value=value)
        else:
            den = _count(m.denominator, _cell_key(m.denominator_key, row), hidden)
            safe = den != SUPPRESSED and m.denominator >= threshold
            value = f"{m.value:.2f}" if safe else (SUPPRESSED if m.denominator else "")
            line.update(numerator="", denominator=den, value=value)
        published.append(line)
    return published
