"""No method can see its own period: changing or adding events at or after the start changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from analytics_fixtures import DAY, T0

from peel.analytics.backtest.rolling import run_backtest
from peel.analytics.grid import Points, SquareGrid, StudyArea
from peel.analytics.methods import METHODS, make_method
from peel.analytics.methods.blend import LearnedBlend
from peel.analytics.periods import Period


def _tampered(points: Points, start: int, seed: int) -> Points:
    """Same past; the events at or after ``start`` moved, re-timed, and many more added."""
    rng = np.random.default_rng(seed)
    late = points.t >= start
    x, y, t = points.x.copy(), points.y.copy(), points.t.copy()
    x[late] = rng.uniform(x.min(), x.max(), late.sum())
    y[late] = rng.uniform(y.min(), y.max(), late.sum())
    t[late] = start + rng.integers(0, 30 * DAY, late.sum())
    extra = 500
    x = np.concatenate([x, np.full(extra, x[0])])
    y = np.concatenate([y, np.full(extra, y[0])])
    t = np.concatenate([t, np.full(extra, start)])  # exactly at the start: must not count as past
    return Points(x, y, t.astype(np.int64), points.crs)


@pytest.mark.parametrize("name", METHODS)
def test_forecast_ignores_events_at_or_after_the_period_start(points: Points, name: str) -> None:
    method = make_method(name)
    if isinstance(method, LearnedBlend):
        method = LearnedBlend(training_periods=3)  # fewer training periods keep the test fast
    start = T0 - 60 * DAY
    grid = SquareGrid.covering(points, 150.0)
    before = method.forecast(points, grid, start, start + 7 * DAY)
    after = method.forecast(_tampered(points, start, seed=9), grid, start, start + 7 * DAY)
    np.testing.assert_array_equal(before, after)


def test_backtest_scores_do_not_change_when_later_periods_change(points: Points) -> None:
    periods = [Period(T0 - (60 - 7 * k) * DAY, T0 - (53 - 7 * k) * DAY) for k in range(4)]
    grid = SquareGrid.covering(points, 150.0)
    area = StudyArea.from_points(grid, points.before(periods[0].start))
    methods = [make_method("naive"), make_method("kde"), make_method("prospective")]
    base = run_backtest(points, area, methods, periods)
    # Tamper with everything from the third period on: the first two periods' results must be identical.
    changed = run_backtest(_tampered(points, periods[2].start, seed=4), area, methods, periods)
    for m in base.methods:
        np.testing.assert_array_equal(base.values[m]["pai"][:2], changed.values[m]["pai"][:2])
        assert not np.array_equal(base.values[m]["pai"][2:], changed.values[m]["pai"][2:])
