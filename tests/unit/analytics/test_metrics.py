"""Hit rate, PAI, PEI with fair tie handling, and bootstrap intervals."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from peel.analytics.backtest.metrics import bootstrap_mean, flagged_share, score_at


def test_hit_rate_pai_and_pei_on_a_small_example() -> None:
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    actual = np.array([2.0, 0.0, 1.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0])
    s = score_at(scores, actual, 0.2)  # two cells flagged of ten
    assert s.hit_rate == 2 / 6
    assert s.pai == (2 / 6) / 0.2
    assert s.pei == 2 / 5  # the best two cells held 3 + 2


def test_ties_at_the_cut_off_are_shared_not_ordered() -> None:
    scores = np.array([1.0, 1.0, 1.0, 1.0])
    actual = np.array([4.0, 0.0, 0.0, 0.0])
    assert flagged_share(scores, 1).tolist() == [0.25] * 4
    assert score_at(scores, actual, 0.25).hit_rate == 0.25  # expected hits under a random tie order


def test_a_period_without_crime_gives_nan_not_zero() -> None:
    assert np.isnan(score_at(np.arange(5.0), np.zeros(5), 0.2).pai)


@given(st.lists(st.integers(0, 5), min_size=5, max_size=60), st.lists(st.floats(0, 10), min_size=60, max_size=60))
def test_metrics_stay_in_range_and_hit_rate_grows_with_coverage(counts: list[int], raw: list[float]) -> None:
    actual = np.array(counts, dtype=float)
    scores = np.array(raw[: len(counts)])
    if actual.sum() == 0:
        return
    previous = 0.0
    for c in (0.01, 0.05, 0.1, 0.5, 1.0):
        s = score_at(scores, actual, c)
        assert 0 <= s.pei <= 1 + 1e-9
        assert s.hit_rate >= previous - 1e-12
        previous = s.hit_rate
    assert abs(score_at(scores, actual, 1.0).hit_rate - 1.0) < 1e-9


def test_bootstrap_interval_contains_the_mean_and_narrows_with_more_periods() -> None:
    rng = np.random.default_rng(3)
    few = bootstrap_mean(rng.normal(5, 1, 10))
    many = bootstrap_mean(rng.normal(5, 1, 400))
    assert few.low <= few.mean <= few.high
    assert (many.high - many.low) < (few.high - few.low)
    assert many.low < 5 < many.high
