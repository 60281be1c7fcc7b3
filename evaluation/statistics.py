"""Estimates with their uncertainty: the one place intervals and tests are worked out (docs/indicators.md,
"Uncertainty").

- A rate (numerator ÷ denominator) gets a **Wilson score interval**: it stays inside 0–1 and behaves at small n
  and at rates near 0 or 1, where the textbook "± 1.96 standard errors" does not.
- A mean (distance travelled, change in a survey answer) gets a **t interval** on n − 1 degrees of freedom; a
  change between two waves of the same learners is the mean of their differences (a matched pair), with a
  **paired t-test** against no change.
- The **difference in differences** of two groups' mean changes gets Welch's interval (unequal variances, the
  Welch–Satterthwaite degrees of freedom). It is an observational comparison, not a trial.

Every estimate carries its n; with too few values for an interval (n < 2, or no spread in both groups) the
interval is ``None`` and screens say so rather than showing a false certainty.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    """A figure, its n and, when one can be worked out, its interval and (for changes) a two-sided p-value."""

    value: float | None
    n: int
    low: float | None = None
    high: float | None = None
    p_value: float | None = None

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> Estimate:
    """The rate successes ÷ n with its Wilson score interval."""
    if n <= 0:
        return Estimate(None, 0)
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    z = _z(confidence)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Estimate(p, n, low, high)


def mean(values: Sequence[float], confidence: float = CONFIDENCE) -> Estimate:
    """The mean with its t interval (no interval below two values)."""
    n = len(values)
    if n == 0:
        return Estimate(None, 0)
    average = sum(values) / n
    if n < 2:
        return Estimate(average, n)
    sd = statistics.stdev(values)
    half = stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * sd / math.sqrt(n)
    return Estimate(average, n, float(average - half), float(average + half))


def paired_change(pairs: Sequence[tuple[float, float]], confidence: float = CONFIDENCE) -> Estimate:
    """The mean change (after − before) over matched pairs, its t interval and a paired t-test's p-value."""
    differences = [after - before for before, after in pairs]
    estimate = mean(differences, confidence)
    if estimate.n < 2:
        return estimate
    if statistics.pvariance(differences) == 0:
        p_value = 1.0 if estimate.value == 0 else 0.0
    else:
        p_value = float(stats.ttest_1samp(differences, 0.0).pvalue)
    return Estimate(estimate.value, estimate.n, estimate.low, estimate.high, p_value)


def difference_in_differences(
    treated_changes: Sequence[float], comparison_changes: Sequence[float], confidence: float = CONFIDENCE
) -> Estimate:
    """Mean change of the treated minus mean change of the comparison group, with Welch's interval and p-value.

    ``n`` is the two groups' n together; callers show each group's n beside it.
    """
    n1, n2 = len(treated_changes), len(comparison_changes)
    if not n1 or not n2:
        return Estimate(None, n1 + n2)
    difference = sum(treated_changes) / n1 - sum(comparison_changes) / n2
    if n1 < 2 or n2 < 2:
        return Estimate(difference, n1 + n2)
    v1, v2 = statistics.variance(treated_changes) / n1, statistics.variance(comparison_changes) / n2
    se = math.sqrt(v1 + v2)
    if se == 0:
        return Estimate(difference, n1 + n2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1)) if v1 and v2 else (n1 - 1 if v1 else n2 - 1)
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, df)) * se
    p_value = float(2 * stats.t.sf(abs(difference) / se, df))
    return Estimate(difference, n1 + n2, difference - half, difference + half, p_value)
