"""An intruder who reads a published indicator table and docs/indicators.md, and tries to recover exact counts.

The intruder knows the rules: which counts each indicator is made of (shared counts are the same number
wherever they appear), that the groups of a breakdown add up to the pilot figure, that a reach
characteristic's bands add up to the learners, that a numerator is never more than its denominator, how
attendance splits, how counts are rounded and hidden, and the range of a mean's parts. Every exact count (and
each rate's "rest", denominator − numerator, and the authorised absences behind the "excluding authorised"
rate) becomes an integer unknown; each published cell becomes constraints on them. A figure is *pinned* when
its smallest and largest feasible values are equal — the integer programme is solved exactly (HiGHS).

Only the published table and the shape of the indicators (names and count keys, never values) go in; the
exact figures are used only to check the intruder's model (the truth must be feasible) and to skip the
second solve when the first already shows two feasible values.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from evaluation.disclosure import SUPPRESSED, window
from evaluation.indicators import Row
from evaluation.publishing import published_rate

UNBOUNDED = 10**7
# Ranges of one learner's part of a mean: levels gained (levels 0–5) and a change in a survey answer (0–10).
MEAN_PART_RANGE = {"levels_gained": (-5, 5), "change": (-10, 10)}


def _cell(count_key: str, row) -> tuple:
    return (count_key, row.breakdown, row.group, row.period)


@dataclass
class Attack:
    pinned: dict  # figure -> the only value it can take
    figures: int  # how many counts and derived counts were attacked


class Intruder:
    def __init__(self, shape: list[Row], threshold: int, *, rates_from_exact: bool = False, mean_decimals=None):
        """``shape``: the indicator rows (only names, kinds and count keys are read). ``rates_from_exact``: the
        publisher computed rates from exact counts (the old rule), so a shown rate constrains the exact counts."""
        self.shape = {(r.indicator, r.breakdown, r.group, r.period): r for r in shape}
        self.threshold = threshold
        self.rates_from_exact = rates_from_exact
        self.mean_decimals = mean_decimals
        self.index: dict = {}
        self.lower: list = []
        self.upper: list = []
        self.rows: list[dict] = []  # each {var: coefficient}, with lo and hi
        self.targets: dict = {}  # name -> {var: coefficient}
        self.zero_shown: set = set()

    # --- unknowns and constraints ----------------------------------------------------------------------
    def var(self, key, lower=0, upper=UNBOUNDED) -> int:
        if key not in self.index:
            self.index[key] = len(self.lower)
            self.lower.append(lower)
            self.upper.append(upper)
        return self.index[key]

    def bound(self, key, lower, upper):
        i = self.var(key)
        self.lower[i] = max(self.lower[i], lower)
        self.upper[i] = min(self.upper[i], upper)

    def constrain(self, terms: dict, lo=-np.inf, hi=np.inf):
        self.rows.append({"terms": terms, "lo": lo, "hi": hi})

    def read_count(self, key, shown: str):
        i = self.var(key)
        if shown == SUPPRESSED:
            return
        values = window(int(shown), self.threshold)
        assert values, f"{shown} cannot be published with threshold {self.threshold}"
        self.bound(key, min(values), max(values))
        if int(shown) == 0:
            self.zero_shown.add(key)
        self.targets.setdefault(key, {i: 1})

    def read(self, published: list[dict]) -> None:
        """Turn each published line, and the documented relations between figures, into constraints."""
        groups = defaultdict(set)  # (breakdown, period) -> groups
        counts_by_family = defaultdict(set)  # (count key, period) -> cell keys
        for line in published:
            row = self.shape[(line["indicator"], line["breakdown"], line["group"], line["period"])]
            groups[(row.breakdown, row.period)].add(row.group)
            m = row.measure
            if m.kind == "count":
                key = _cell(m.numerator_key, row)
                self.read_count(key, line["numerator"])
                counts_by_family[(m.numerator_key, row.period)].add(key)
                continue
            n_key = _cell(m.denominator_key, row)
            self.read_count(n_key, line["denominator"])
            counts_by_family[(m.denominator_key, row.period)].add(n_key)
            n = self.index[n_key]
            if m.kind == "rate":
                k_key = _cell(m.numerator_key, row)
                self.read_count(k_key, line["numerator"])
                counts_by_family[(m.numerator_key, row.period)].add(k_key)
                k = self.index[k_key]
                self.constrain({n: 1, k: -1}, lo=0)  # numerator within denominator
                self.targets[("rest", m.denominator_key, m.numerator_key, *k_key[1:])] = {n: 1, k: -1}
                self._read_rate(line, k, n)
            else:
                self._read_mean(row, line, n, counts_by_family)
        self._add_sums(groups, counts_by_family)
        self._add_parts()

    def _read_rate(self, line, k: int, n: int):
        value = line["value"]
        if value in ("", SUPPRESSED):
            return
        if not self.rates_from_exact:
            shown_k, shown_n = int(line["numerator"]), int(line["denominator"])
            assert value == published_rate(shown_k, shown_n), f"a rate not made of its published counts: {line}"
            return  # a function of published cells: it tells nothing more
        v = float(value)
        self.constrain({k: 100, n: -(v - 0.05)}, lo=0)
        self.constrain({k: 100, n: -(v + 0.05)}, hi=0)

    def _read_mean(self, row, line, n: int, counts_by_family):
        m = row.measure
        part = m.numerator_key.split(":")[0]
        low, high = MEAN_PART_RANGE[part]
        s_key = _cell(m.numerator_key, row)
        s = self.var(s_key, lower=-UNBOUNDED)
        counts_by_family[(m.numerator_key, row.period)].add(s_key)
        self.constrain({s: 1, n: -low}, lo=0)
        self.constrain({s: 1, n: -high}, hi=0)
        if line["value"] in ("", SUPPRESSED):
            return
        v = float(line["value"])
        half = 0.5 * 10 ** -(
            self.mean_decimals if self.mean_decimals is not None else len(line["value"].split(".")[-1])
        )
        self.constrain({s: 1, n: -(v - half)}, lo=-1e-9)
        self.constrain({s: 1, n: -(v + half)}, hi=1e-9)

    def _add_sums(self, groups, counts_by_family):
        """Groups add up to the pilot, in each breakdown; a group with no line for a count has none of it."""
        for (_count, period), keys in counts_by_family.items():
            pilot = [k for k in keys if k[1] == "pilot"]
            if not pilot:
                continue
            for breakdown in ("provider", "borough"):
                parts = [k for k in keys if k[1] == breakdown]
                if groups.get((breakdown, period)):
                    self.constrain({**{self.index[k]: 1 for k in parts}, self.index[pilot[0]]: -1}, lo=0, hi=0)

    def _add_parts(self):
        """Reach bands add up to the learners; attended and unmarked sessions fit inside those not authorised."""
        bands = defaultdict(list)
        for key in self.index:
            if isinstance(key[0], str) and key[0].startswith("reach:"):
                characteristic = key[0].split("=")[0]
                bands[(characteristic, *key[1:])].append(self.index[key])
        for (_characteristic, *where), members in bands.items():
            learners = self.index.get(("learners", *where))
            if learners is not None:
                self.constrain({**dict.fromkeys(members, 1), learners: -1}, lo=0, hi=0)
        for key, i in list(self.index.items()):
            if key[0] != "held_less_authorised":
                continue
            where = key[1:]
            held, attended = self.index.get(("held", *where)), self.index.get(("attended", *where))
            unmarked = self.index.get(("not_recorded", *where))
            if held is not None:
                self.constrain({held: 1, i: -1}, lo=0)
                self.targets[("authorised", *where)] = {held: 1, i: -1}
            if attended is not None and unmarked is not None:
                self.constrain({i: 1, attended: -1, unmarked: -1}, lo=0)

    # --- the attack ----------------------------------------------------------------------------------
    def feasible(self, truth: dict) -> list:
        """The constraints the exact figures break (none, if the intruder's model is right)."""
        values = np.zeros(len(self.lower))
        for key, i in self.index.items():
            values[i] = truth[key]
        broken = [key for key, i in self.index.items() if not self.lower[i] <= values[i] <= self.upper[i]]
        for row in self.rows:
            total = sum(c * values[i] for i, c in row["terms"].items())
            if not row["lo"] - 1e-6 <= total <= row["hi"] + 1e-6:
                broken.append(row)
        return broken

    def attack(self, truth: dict) -> Attack:
        components = self._components()
        pinned = {}
        for name, terms in self.targets.items():
            true_value = sum(c * truth[self._key(i)] for i, c in terms.items())
            if true_value == 0 and (name in self.zero_shown or len(terms) > 1):
                # A published zero is a true zero, and a derived zero says "all of them" (everyone in a small
                # group in one band): attribute disclosure, a known limit in docs/indicators.md, not a count.
                continue
            component = components[next(iter(terms))]
            highest = self._optimise(component, terms, maximise=True)
            if highest > true_value:
                continue
            if self._optimise(component, terms, maximise=False) == highest:
                pinned[name] = true_value
        return Attack(pinned=pinned, figures=len(self.targets))

    def _key(self, i: int):
        if not hasattr(self, "_keys"):
            self._keys = {v: k for k, v in self.index.items()}
        return self._keys[i]

    def _components(self) -> dict:
        parent = list(range(len(self.lower)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in self.rows:
            first, *rest = row["terms"]
            for other in rest:
                parent[find(other)] = find(first)
        members = defaultdict(list)
        for i in range(len(parent)):
            members[find(i)].append(i)
        rows_of = defaultdict(list)
        for row in self.rows:
            rows_of[find(next(iter(row["terms"])))].append(row)
        return {i: (members[find(i)], rows_of[find(i)]) for i in range(len(parent))}

    def _optimise(self, component, terms: dict, maximise: bool) -> int:
        variables, rows = component
        local = {v: j for j, v in enumerate(variables)}
        sign = -1 if maximise else 1
        objective = np.zeros(len(variables))
        for i, c in terms.items():
            objective[local[i]] = sign * c
        constraints = []
        if rows:
            matrix = np.zeros((len(rows), len(variables)))
            for r, row in enumerate(rows):
                for i, c in row["terms"].items():
                    matrix[r, local[i]] = c
            constraints = [
                LinearConstraint(matrix, [row["lo"] for row in rows], [row["hi"] for row in rows]),
            ]
        result = milp(
            objective,
            constraints=constraints,
            integrality=np.ones(len(variables)),
            bounds=Bounds([self.lower[v] for v in variables], [self.upper[v] for v in variables]),
        )
        assert result.success, result.message
        return round(sign * result.fun)


def exact_figures(rows: list[Row]) -> dict:
    """The truth, keyed as the intruder keys its unknowns (for checking the intruder's model only)."""
    truth = {}
    for row in rows:
        m = row.measure
        truth[_cell(m.numerator_key, row)] = round(m.numerator)
        if m.denominator_key:
            truth[_cell(m.denominator_key, row)] = int(m.denominator)
    return truth


def attack(rows: list[Row], published: list[dict], threshold: int, **options) -> Attack:
    """Read ``published`` as an intruder would and return the figures it pins down (it must pin none)."""
    intruder = Intruder(rows, threshold, **options)
    intruder.read(published)
    truth = exact_figures(rows)
    broken = intruder.feasible(truth)
    assert not broken, f"the intruder's model rejects the true figures: {broken[:3]}"
    return intruder.attack(truth)
