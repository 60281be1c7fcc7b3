"""Intervals and tests against published reference values and scipy's own routines."""

import math

import pytest
from scipy import stats

from evaluation.statistics import difference_in_differences, mean, paired_change, wilson


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857–872, table I (method 3, Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe(successes, n, low, high):
    estimate = wilson(successes, n)
    assert estimate.value == pytest.approx(successes / n)
    assert estimate.low == pytest.approx(low, abs=5e-5)
    assert estimate.high == pytest.approx(high, abs=5e-5)
    assert estimate.n == n


def test_wilson_stays_inside_zero_and_one_and_refuses_nonsense():
    assert wilson(10, 10).high == 1.0
    assert wilson(0, 10).low == 0.0
    assert wilson(0, 0).value is None and not wilson(0, 0).has_interval
    with pytest.raises(ValueError):
        wilson(11, 10)


def test_mean_interval_is_the_t_interval():
    values = [2, 4, 4, 5, 7, 9]
    estimate = mean(values)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=sum(values) / 6, scale=stats.sem(values))
    assert (estimate.low, estimate.high) == (pytest.approx(low), pytest.approx(high))
    assert not mean([3]).has_interval and mean([3]).value == 3 and mean([]).value is None


def test_paired_change_matches_scipy_paired_t_test():
    before = [1, 2, 2, 3, 1, 4, 2]
    after = [2, 3, 2, 4, 3, 4, 3]
    estimate = paired_change(list(zip(before, after, strict=True)))
    assert estimate.value == pytest.approx(sum(after) / 7 - sum(before) / 7)
    assert estimate.p_value == pytest.approx(stats.ttest_rel(after, before).pvalue)
    assert estimate.low < estimate.value < estimate.high


def test_paired_change_with_no_spread_has_no_false_interval():
    estimate = paired_change([(1, 2), (2, 3), (3, 4)])
    assert estimate.value == 1 and estimate.low == estimate.high == 1 and estimate.p_value == 0.0


def test_difference_in_differences_is_welch():
    treated = [1.0, 2.0, 0.0, 1.0, 3.0, 2.0]
    comparison = [0.0, 0.0, 1.0, -1.0, 0.0]
    estimate = difference_in_differences(treated, comparison)
    welch = stats.ttest_ind(treated, comparison, equal_var=False)
    assert estimate.value == pytest.approx(sum(treated) / 6 - sum(comparison) / 5)
    assert estimate.p_value == pytest.approx(welch.pvalue)
    se = math.sqrt(stats.tvar(treated) / 6 + stats.tvar(comparison) / 5)
    half = stats.t.ppf(0.975, welch.df) * se
    assert estimate.low == pytest.approx(estimate.value - half)
    assert estimate.high == pytest.approx(estimate.value + half)
    assert estimate.n == 11


def test_difference_in_differences_needs_both_groups():
    assert difference_in_differences([1.0, 2.0], []).value is None
    assert not difference_in_differences([1.0], [0.0, 1.0]).has_interval
