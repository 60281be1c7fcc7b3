"""Statistical disclosure control for published tables.

Primary suppression hides counts from 1 to threshold−1; secondary suppression then hides more cells until no
hidden cell can be worked out from the published ones and the totals they add up to.

Tables are modelled as graphs: each cell is an edge and each "these add up to that" equation is a node (a
row, a column or a one-dimensional table's total). A hidden cell can be worked out exactly when its edge is a
bridge of the graph of hidden cells (it lies on no cycle of hidden cells), so secondary suppression adds
hidden cells until no hidden edge is a bridge. Published counts are then rounded to the nearest 5.

A reader who knows the rules can narrow a rounded count to the values that round to it and are not small
enough to be hidden: with a threshold of 12, a published 10 could only be 12. Such a count is hidden as if it
were small (``is_primary``), so every published count stands for at least two possible exact values.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

SUPPRESSED = "[c]"
ROUNDING_BASE = 5


@dataclass(frozen=True)
class Cell:
    key: Hashable
    value: int
    ends: tuple[Hashable, Hashable]


def round_to_5(value: int) -> int:
    """Round half up to the nearest multiple of 5."""
    return 5 * ((value + 2) // 5) if value >= 0 else -round_to_5(-value)


def window(shown: int, threshold: int) -> list[int]:
    """The exact counts a reader can infer from a published rounded count: they round to it and are not small."""
    half = ROUNDING_BASE // 2
    return [v for v in range(max(shown - half, 0), shown + half + 1) if v == 0 or v >= threshold]


def is_primary(value: int, threshold: int) -> bool:
    """A count to hide: small (1 to threshold−1), or one whose rounded value would give it away exactly."""
    if 0 < value < threshold:
        return True
    return value > 0 and len(window(round_to_5(value), threshold)) < 2


def _connected(edges: list[Cell], start, goal, skip: Hashable) -> bool:
    adjacency = defaultdict(list)
    for cell in edges:
        if cell.key == skip:
            continue
        a, b = cell.ends
        adjacency[a].append(b)
        adjacency[b].append(a)
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for nxt in adjacency[node]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _closes_cycle(candidate: Cell, bridge: Cell, hidden_cells: list[Cell]) -> bool:
    """Whether hiding ``candidate`` would put ``bridge`` on a cycle of hidden cells."""
    a, b = bridge.ends
    if a in candidate.ends:
        start, goal = (candidate.ends[1] if candidate.ends[0] == a else candidate.ends[0]), b
    elif b in candidate.ends:
        start, goal = (candidate.ends[1] if candidate.ends[0] == b else candidate.ends[0]), a
    else:
        return False
    return start == goal or _connected(hidden_cells, start, goal, skip=bridge.key)


def recoverable(cells: Iterable[Cell], hidden: set) -> set:
    """Hidden cells that the published cells and the table's equations determine exactly (bridges)."""
    hidden_cells = [c for c in cells if c.key in hidden]
    return {c.key for c in hidden_cells if not _connected(hidden_cells, *c.ends, skip=c.key)}


def protect(cells: list[Cell], threshold: int, forced: Iterable[Hashable] = ()) -> set:
    """The keys of the cells to hide: small counts, anything forced, and enough others to protect them."""
    hidden = {c.key for c in cells if is_primary(c.value, threshold)} | (set(forced) & {c.key for c in cells})
    while bridges := recoverable(cells, hidden):
        bridge = next(c for c in cells if c.key in bridges)
        hidden_cells = [c for c in cells if c.key in hidden]
        candidates = [c for c in cells if c.key not in hidden and set(c.ends) & set(bridge.ends)]
        if not candidates:
            candidates = [c for c in cells if c.key not in hidden]
        if not candidates:
            break  # everything is hidden already

        # Prefer a cell that closes a cycle, then the smallest non-zero count, to lose as little as possible.
        choice = min(
            candidates,
            key=lambda c: (not _closes_cycle(c, bridge, hidden_cells), c.value == 0, c.value),
        )
        hidden.add(choice.key)
    return hidden


def table_cells(rows: dict[Hashable, dict[Hashable, int]], total_row: Hashable, total_col: Hashable) -> list[Cell]:
    """Cells of a two-way table given with its margins: ``rows[r][c]`` including total row and total column."""
    cells = []
    for r, columns in rows.items():
        for c, value in columns.items():
            cells.append(Cell(key=(r, c), value=value, ends=(("row", r), ("col", c))))
    return cells


def one_way_cells(groups: dict[Hashable, int], total_key: Hashable, total: int) -> list[Cell]:
    """Cells of a list of groups that add up to a total."""
    cells = [Cell(key=k, value=v, ends=("parts", "whole")) for k, v in groups.items()]
    cells.append(Cell(key=total_key, value=total, ends=("parts", "whole")))
    return cells


def pinned_by_sums(values: dict, hidden: set, equations: list[tuple[list, Hashable]], threshold: int) -> set:
    """Counts a reader can work out exactly from rounded counts and the sums they make.

    Each published count could be any value in its ``window``; a hidden one anything from 0. Rounding alone
    is not enough when parts and their total are all rounded the same way (every provider 2 over, the pilot 2
    under): the sums then leave one possible value. Bounds are tightened over ``equations`` (parts that add up
    to a total) until nothing changes; a count whose bounds meet is pinned. Published zeros are true zeros.
    """
    big = sum(values.values()) + 1
    low, high = {}, {}
    for key, value in values.items():
        if key in hidden:
            low[key], high[key] = 0, big
        else:
            shown = window(round_to_5(value), threshold)
            low[key], high[key] = min(shown), max(shown)
    changed = True
    while changed:
        changed = False
        for parts, total in equations:
            sum_low, sum_high = sum(low[p] for p in parts), sum(high[p] for p in parts)
            bounds = {total: (max(low[total], sum_low), min(high[total], sum_high))}
            for p in parts:
                bounds[p] = (
                    max(low[p], low[total] - (sum_high - high[p])),
                    min(high[p], high[total] - (sum_low - low[p])),
                )
            for key, (lo, hi) in bounds.items():
                if (lo, hi) != (low[key], high[key]):
                    low[key], high[key] = lo, hi
                    changed = True
    return {key for key in values if low[key] == high[key] and not (values[key] == 0 and key not in hidden)}
