"""The rolling back-test scores methods against what happened, beside the baselines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from analytics_fixtures import DAY, T0

from peel.analytics.backtest.report import ModelCard, render_report
from peel.analytics.backtest.rolling import run_backtest
from peel.analytics.events import FloatArray
from peel.analytics.grid import Points, SquareGrid, StudyArea
from peel.analytics.methods import NaiveCounts, RetrospectiveKDE
from peel.analytics.periods import Period


@dataclass(frozen=True)
class Shuffled:
    """Long-run counts with the cells shuffled: a method that should be no better than chance."""

    name: str = "shuffled"

    def forecast(self, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        counts = grid.counts(history.before(start)).ravel()
        return np.random.default_rng(start).permutation(counts).reshape(grid.shape)


def _setup(points: Points) -> tuple[StudyArea, list[Period]]:
    periods = [Period(T0 - (84 - 7 * k) * DAY, T0 - (77 - 7 * k) * DAY) for k in range(12)]
    grid = SquareGrid.covering(points, 150.0)
    return StudyArea.from_points(grid, points.before(periods[0].start)), periods


def test_long_run_counts_find_persistent_hotspots_and_a_shuffled_map_does_not(points: Points) -> None:
    area, periods = _setup(points)
    result = run_backtest(points, area, [NaiveCounts(), Shuffled()], periods)
    naive = result.summary("pai", 0.05)["naive"]
    shuffled = result.summary("pai", 0.05)["shuffled"]
    assert naive.low > 3
    assert shuffled.high < naive.low
    assert result.paired_difference("naive", "shuffled", "pai", 0.05).low > 0
    assert result.events_in_area.sum() + result.events_outside.sum() == len(
        points.between(periods[0].start, periods[-1].end)
    )


def test_the_report_is_self_contained_html_with_model_card_and_plots(points: Points) -> None:
    area, periods = _setup(points)
    methods = [NaiveCounts(), RetrospectiveKDE()]
    result = run_backtest(points, area, methods, periods)
    last = periods[-1]
    history = points.before(last.start)
    last_scores = {m.name: m.forecast(history, area.grid, last.start, last.end)[area.mask] for m in methods}
    actual = area.grid.counts(points.between(last.start, last.end))[area.mask]
    card = ModelCard("Synthetic", ["synthetic"], ("2018-01-01", "2019-01-01"), ["Burglary"], ["reported"], {"a": "b"})
    html = render_report(result, card, "kde", ("naive",), last_scores, actual)
    assert html.startswith("<!doctype html>")
    assert html.count("<svg") == 3
    assert "numpy" in html and "Model card" in html and "share of flagged cells" in html
    assert "src=" not in html and "href=" not in html  # nothing fetched from elsewhere
