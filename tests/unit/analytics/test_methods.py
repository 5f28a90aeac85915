"""Each forecasting method computes what its documentation says."""

from __future__ import annotations

import numpy as np
from analytics_fixtures import DAY, T0

from peel.analytics.grid import Points, SquareGrid
from peel.analytics.methods import (
    LearnedBlend,
    NaiveCounts,
    ProspectiveHotspot,
    RecentCounts,
    RetrospectiveKDE,
)
from peel.analytics.methods.sepp import SelfExcitingPP, trigger_pairs

GRID = SquareGrid("EPSG:1", 100.0, 0.0, 0.0, 20, 20)


def pts(xy: list[tuple[float, float]], ages_days: list[float]) -> Points:
    t = np.array([T0 - a * DAY for a in ages_days], dtype=np.int64)
    return Points(np.array([p[0] for p in xy]), np.array([p[1] for p in xy]), t, "EPSG:1")


def test_naive_counts_every_past_event_and_recent_only_the_window() -> None:
    history = pts([(50, 50), (50, 50), (150, 50)], [400, 3, 3])
    naive = NaiveCounts().forecast(history, GRID, T0, T0 + 7 * DAY)
    assert naive[0, 0] == 2 and naive[0, 1] == 1 and naive.sum() == 3
    recent = RecentCounts(window_days=28).forecast(history, GRID, T0, T0 + 7 * DAY)
    assert round(recent[0, 0]) == 1 and round(recent[0, 1]) == 1
    assert recent[0, 0] > recent[0, 1]  # the tie is broken by the long-run count


def test_kde_spreads_each_event_with_total_mass_one_per_event() -> None:
    history = pts([(1050, 1050), (1050, 1050)], [10, 20])
    density = RetrospectiveKDE(bandwidth_m=100, lookback_days=365).forecast(history, GRID, T0, T0 + DAY)
    assert abs(density.sum() - 2) < 1e-6
    assert density[10, 10] == density.max()
    assert density[10, 13] > 0  # mass reaches neighbouring cells


def test_prospective_weights_are_inverse_distance_in_cells_and_inverse_age_in_weeks() -> None:
    # One event in cell (10, 10), 9 days old (w = 1): its own cell scores 1/2, a cell two away 1/(3·2).
    history = pts([(1050, 1050)], [9])
    score = ProspectiveHotspot(radius_m=200, window_weeks=8).forecast(history, GRID, T0, T0 + 7 * DAY)
    assert abs(score[10, 10] - 0.5) < 1e-5
    assert abs(score[10, 12] - 1 / 6) < 1e-5
    assert score[10, 13] < 1e-5  # beyond the radius
    old = ProspectiveHotspot(radius_m=200, window_weeks=1).forecast(history, GRID, T0, T0 + 7 * DAY)
    assert old.max() < 1e-5  # older than the window


def simulate_hawkes(mu_per_day: float, theta: float, omega: float, sigma: float, days: float, seed: int) -> Points:
    """Branching simulation on a 10 km square: background uniform, offspring Exp(omega) later, N(0, sigma²) away."""
    rng = np.random.default_rng(seed)
    n0 = rng.poisson(mu_per_day * days)
    t = list(rng.uniform(0, days, n0))
    x = list(rng.uniform(0, 10_000, n0))
    y = list(rng.uniform(0, 10_000, n0))
    queue = list(range(n0))
    while queue:
        i = queue.pop()
        for _ in range(rng.poisson(theta)):
            tc = t[i] + rng.exponential(1 / omega)
            if tc < days:
                t.append(tc)
                x.append(x[i] + rng.normal(0, sigma))
                y.append(y[i] + rng.normal(0, sigma))
                queue.append(len(t) - 1)
    order = np.argsort(t)
    secs = (T0 - days * DAY + np.array(t)[order] * DAY).astype(np.int64)
    return Points(np.array(x)[order], np.array(y)[order], secs, "EPSG:1")


def test_sepp_recovers_the_parameters_of_a_simulated_process() -> None:
    sim = simulate_hawkes(mu_per_day=8.0, theta=0.4, omega=0.2, sigma=80.0, days=365, seed=5)
    grid = SquareGrid("EPSG:1", 200.0, -1000.0, -1000.0, 60, 60)
    model = SelfExcitingPP(lookback_days=365, max_trigger_days=60, max_trigger_m=500, background_bandwidth_m=1500)
    fit = model.fit(sim, grid, T0)
    assert abs(fit.theta - 0.4) < 0.08
    assert abs(1 / fit.omega - 5.0) < 1.5
    assert abs(fit.sigma_m - 80.0) < 15
    assert fit.n_pairs < len(sim) * 50  # sparse: far fewer than n² pairs


def test_trigger_pairs_respect_both_truncations_and_order_parent_before_child() -> None:
    p = pts([(0, 0), (50, 0), (600, 0), (0, 10)], [10, 9, 9, 1])
    pairs = trigger_pairs(p, max_days=5, max_m=100)
    assert sorted(zip(pairs.parent.tolist(), pairs.child.tolist(), strict=True)) == [(0, 1)]
    assert pairs.dt.tolist() == [1.0]


def test_sepp_forecast_is_background_plus_decaying_offspring() -> None:
    sim = simulate_hawkes(mu_per_day=4.0, theta=0.3, omega=0.3, sigma=60.0, days=200, seed=2)
    grid = SquareGrid("EPSG:1", 200.0, -1000.0, -1000.0, 60, 60)
    model = SelfExcitingPP(lookback_days=200, background_bandwidth_m=1500)
    fit = model.fit(sim, grid, T0)
    week = model.predict(fit, sim, grid, T0, T0 + 7 * DAY)
    assert abs(fit.background.sum() * 7 - week.sum()) < week.sum() * 0.5  # background dominates a week ahead
    assert week.sum() > fit.background.sum() * 7  # recent events add offspring


def test_learned_blend_prefers_the_persistent_hotspot(points: Points) -> None:
    grid = SquareGrid.covering(points, 150.0)
    start = T0 - 30 * DAY
    score = LearnedBlend(training_periods=4).forecast(points, grid, start, start + 7 * DAY)
    row, col, _ = grid.cell_of(np.array([501_000.0]), np.array([4_001_000.0]))
    assert score[row[0], col[0]] > np.quantile(score, 0.99)
