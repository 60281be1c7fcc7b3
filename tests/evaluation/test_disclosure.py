"""Disclosure control: small counts hidden, others rounded to 5, no hidden cell recoverable from totals."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from evaluation.disclosure import is_primary, one_way_cells, protect, round_to_5, table_cells

THRESHOLD = 10
T = "total"


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows]
    rank = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def determined(equations: list[dict], hidden: set) -> set:
    """Hidden cells whose value the published cells and the additive equations fix, by linear algebra.

    ``equations`` are {cell key: coefficient} meaning "these add up to zero"; known cells drop to the
    right-hand side, and a hidden cell is fixed exactly when its unit vector lies in the row space.
    """
    variables = sorted(hidden, key=repr)
    matrix = [[Fraction(eq.get(v, 0)) for v in variables] for eq in equations]
    if not variables:
        return set()
    rank = _rank(matrix)
    return {
        v
        for i, v in enumerate(variables)
        if _rank([*matrix, [Fraction(int(j == i)) for j in range(len(variables))]]) == rank
    }


def two_way(grid: list[list[int]]):
    """A table with its margins, and its equations (each row and column adds up to its total)."""
    rows = {r: dict(enumerate(line)) for r, line in enumerate(grid)}
    for r in rows:
        rows[r][T] = sum(grid[r])
    columns = list(range(len(grid[0])))
    rows[T] = {c: sum(line[c] for line in grid) for c in columns}
    rows[T][T] = sum(map(sum, grid))
    equations = []
    for r in rows:
        equations.append({**{(r, c): 1 for c in columns}, (r, T): -1})
    for c in [*columns, T]:
        equations.append({**{(r, c): 1 for r in rows if r != T}, (T, c): -1})
    return table_cells(rows, T, T), equations


grids = st.integers(1, 5).flatmap(
    lambda n_rows: st.integers(1, 4).flatmap(
        lambda n_cols: st.lists(
            st.lists(st.integers(0, 40), min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows
        )
    )
)


@given(grids)
def test_no_small_count_published_and_no_hidden_cell_recoverable_in_two_way_tables(grid):
    cells, equations = two_way(grid)
    hidden = protect(cells, THRESHOLD)
    assert all(c.key in hidden for c in cells if is_primary(c.value, THRESHOLD))
    assert determined(equations, hidden) == set()


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_no_hidden_cell_recoverable_in_one_way_tables(groups):
    cells = one_way_cells(dict(enumerate(groups)), T, sum(groups))
    hidden = protect(cells, THRESHOLD)
    assert all(c.key in hidden for c in cells if is_primary(c.value, THRESHOLD))
    equation = {**dict.fromkeys(range(len(groups)), 1), T: -1}
    assert determined([equation], hidden) == set()


def test_a_single_small_cell_forces_a_second_one_in_its_row_and_column():
    cells, equations = two_way([[3, 20], [15, 30]])
    hidden = protect(cells, THRESHOLD)
    assert (0, 0) in hidden
    assert sum(1 for key in hidden if key[0] == 0) >= 2 and sum(1 for key in hidden if key[1] == 0) >= 2
    assert determined(equations, hidden) == set()


def test_the_checker_catches_a_recoverable_cell():
    _cells, equations = two_way([[3, 20], [15, 30]])
    assert determined(equations, {(0, 0)}) == {(0, 0)}


def test_rounding_to_5():
    assert [round_to_5(v) for v in (0, 2, 3, 10, 12, 13, 17, 18)] == [0, 0, 5, 10, 10, 15, 15, 20]
