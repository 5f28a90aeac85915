"""Knox test: band edges, permutation p-values, Benjamini–Hochberg, alerts."""

from __future__ import annotations

import numpy as np
from analytics_fixtures import DAY, T0

from peel.analytics.grid import Points
from peel.analytics.nearrepeat import band_index, benjamini_hochberg, knox_test, near_repeat_alert


def test_a_value_on_an_edge_belongs_to_the_band_above() -> None:
    edges = (0.0, 100.0, 200.0)
    assert band_index(np.array([0.0, 99.99, 100.0, 199.9, 200.0, 5000.0]), edges).tolist() == [0, 0, 1, 1, 2, 2]


def test_benjamini_hochberg_matches_a_hand_computed_example() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # sorted 0.005, 0.01, 0.03, 0.04 → ×4/rank = 0.02, 0.02, 0.04, 0.04
    np.testing.assert_allclose(benjamini_hochberg(p), [0.02, 0.04, 0.04, 0.02])


def _burglaries(near_repeats: bool, seed: int = 3) -> Points:
    rng = np.random.default_rng(seed)
    n = 300
    x = rng.uniform(0, 5000, n)
    y = rng.uniform(0, 5000, n)
    t = rng.uniform(0, 365, n)
    if near_repeats:  # each of 100 seeds gets a follow-up within 50 m and 5 days
        x = np.concatenate([x, x[:100] + rng.uniform(-35, 35, 100)])
        y = np.concatenate([y, y[:100] + rng.uniform(-35, 35, 100)])
        t = np.concatenate([t, t[:100] + rng.uniform(0.1, 5, 100)])
    return Points(x, y, (T0 + t * DAY).astype(np.int64), "EPSG:1")


def test_observed_pairs_are_complete_and_planted_near_repeats_are_found() -> None:
    pts = _burglaries(near_repeats=True)
    result = knox_test(pts, (0, 100, 200), (0, 7, 14), permutations=199)
    n = len(pts)
    assert result.observed.sum() == n * (n - 1) // 2  # every pair in exactly one cell
    assert result.significant(0.05)[0, 0]
    assert result.ratio[0, 0] > 3
    alert = near_repeat_alert(100.0, 200.0, T0, "EPSG:1", result)
    assert alert is not None and alert.radius_m >= 100 and alert.ends >= T0 + 7 * DAY


def test_random_events_give_no_alert() -> None:
    result = knox_test(_burglaries(near_repeats=False), (0, 100, 200), (0, 7, 14), permutations=199)
    assert not result.significant(0.05).any()
    assert near_repeat_alert(0.0, 0.0, T0, "EPSG:1", result) is None
    assert float(np.nanmin(result.p_value[:2, :2])) > 0.05 or not result.significant(0.05)[0, 0]
