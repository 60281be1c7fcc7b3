"""The published indicator table: hypothesis over random pilots, checked by linear algebra on the exact counts."""

from hypothesis import given
from hypothesis import strategies as st

from evaluation.disclosure import SUPPRESSED
from evaluation.indicators import Measure, Row
from evaluation.publishing import publish
from tests.evaluation.test_disclosure import determined

THRESHOLD = 10
PILOT = "pilot-x"


def _rows(groups: list[tuple[int, int, int, int]]) -> list[Row]:
    """Starts, retention and achievement (sharing the leavers denominator) for each provider and the pilot."""

    def measures(starts, leavers, completers, achievers):
        return [
            Measure("starts", "count", starts, None, "starts", None),
            Measure("retention", "rate", completers, leavers, "completers", "leavers"),
            Measure("achievement", "rate", achievers, leavers, "achievers", "leavers"),
        ]

    rows = []
    totals = [sum(g[i] for g in groups) for i in range(4)]
    for m in measures(*totals):
        rows.append(Row(m.indicator, "pilot", PILOT, "all", m))
    for n, group in enumerate(groups):
        for m in measures(*group):
            rows.append(Row(m.indicator, "provider", f"p{n}", "all", m))
    return rows


group = st.integers(0, 40).flatmap(
    lambda leavers: st.tuples(
        st.integers(leavers, 60), st.just(leavers), st.integers(0, leavers), st.integers(0, leavers)
    )
)


@given(st.lists(group, min_size=1, max_size=5))
def test_published_tables_hide_small_counts_round_the_rest_and_leak_nothing(groups):
    rows = _rows(groups)
    published = publish(rows, THRESHOLD)
    for line in published:
        for column in ("numerator", "denominator"):
            if line[column] not in ("", SUPPRESSED):
                assert int(line[column]) % 5 == 0
                assert not 0 < int(line[column]) < THRESHOLD

    # Exact counts of every cell, keyed by (count, group); published ones are assumed known exactly.
    names = [f"p{n}" for n in range(len(groups))]
    hidden = set()
    for line in published:
        key_group = line["group"]
        if line["indicator"] == "starts" and line["numerator"] == SUPPRESSED:
            hidden.add(("starts", key_group))
        if line["indicator"] in ("retention", "achievement"):
            count = "completers" if line["indicator"] == "retention" else "achievers"
            if line["numerator"] == SUPPRESSED:
                hidden.add((count, key_group))
            if line["denominator"] == SUPPRESSED:
                hidden.add(("leavers", key_group))
    for count in ("completers", "achievers"):
        # the rest (leavers − count) is never published, so it is always an unknown
        hidden |= {(f"rest-{count}", g) for g in [*names, PILOT]}
    equations = [{**{("starts", g): 1 for g in names}, ("starts", PILOT): -1}]
    for count in ("leavers", "completers", "achievers", "rest-completers", "rest-achievers"):
        equations.append({**{(count, g): 1 for g in names}, (count, PILOT): -1})
    for g in [*names, PILOT]:
        for count in ("completers", "achievers"):
            equations.append({(count, g): 1, (f"rest-{count}", g): 1, ("leavers", g): -1})
    # Only an equation's hidden cells are unknowns; drop the published ones from each equation.
    unknown_equations = [{k: v for k, v in eq.items() if k in hidden} for eq in equations]
    leaked = determined(unknown_equations, hidden)
    assert not {key for key in leaked if not key[0].startswith("rest-")}
