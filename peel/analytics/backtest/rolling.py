"""Rolling-origin back-test: for each period, every method forecasts from events strictly before its start, and
its ranking is scored against the events that then happened in the study area.

The history handed to a method is cut here (``points.before(start)``), so a method physically cannot see its
own period; methods cut again defensively. The leakage test in tests/unit/analytics checks both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from peel.analytics.backtest.metrics import COVERAGES, Interval, bootstrap_mean, score_at
from peel.analytics.events import FloatArray
from peel.analytics.grid import Points, StudyArea
from peel.analytics.methods.base import Forecaster
from peel.analytics.periods import Period

METRICS = ("hit_rate", "pai", "pei")


@dataclass
class BacktestResult:
    area: StudyArea
    periods: list[Period]
    methods: list[str]
    coverages: tuple[float, ...]
    # values[method][metric] has shape (n_periods, n_coverages)
    values: dict[str, dict[str, FloatArray]]
    seconds: dict[str, FloatArray]
    events_in_area: FloatArray
    events_outside: FloatArray
    parameters: dict[str, str] = field(default_factory=dict)

    def column(self, method: str, metric: str, coverage: float) -> FloatArray:
        return self.values[method][metric][:, self.coverages.index(coverage)]

    def summary(self, metric: str, coverage: float, seed: int = 0) -> dict[str, Interval]:
        return {m: bootstrap_mean(self.column(m, metric, coverage), seed=seed) for m in self.methods}

    def paired_difference(self, a: str, b: str, metric: str, coverage: float, seed: int = 0) -> Interval:
        """Mean over periods of (a − b) with a bootstrap interval: does ``a`` beat ``b`` period by period?"""
        return bootstrap_mean(self.column(a, metric, coverage) - self.column(b, metric, coverage), seed=seed)


def forecast_in_area(method: Forecaster, points: Points, area: StudyArea, period: Period) -> FloatArray:
    scores = method.forecast(points.before(period.start), area.grid, period.start, period.end)
    return np.asarray(scores, dtype=np.float64)[area.mask]


def run_backtest(
    points: Points,
    area: StudyArea,
    methods: Sequence[Forecaster],
    periods: Sequence[Period],
    coverages: tuple[float, ...] = COVERAGES,
    on_step: Callable[[], None] | None = None,
) -> BacktestResult:
    names = [m.name for m in methods]
    if len(set(names)) != len(names):
        raise ValueError(f"method names must be unique: {names}")
    shape = (len(periods), len(coverages))
    values = {n: {k: np.full(shape, np.nan) for k in METRICS} for n in names}
    seconds = {n: np.zeros(len(periods)) for n in names}
    inside = np.zeros(len(periods))
    outside = np.zeros(len(periods))
    for p, period in enumerate(periods):
        target = points.between(period.start, period.end)
        counts = area.grid.counts(target)
        actual = counts[area.mask]
        inside[p] = actual.sum()
        outside[p] = len(target) - inside[p]
        for method in methods:
            t0 = time.perf_counter()
            scores = forecast_in_area(method, points, area, period)
            seconds[method.name][p] = time.perf_counter() - t0
            for c, coverage in enumerate(coverages):
                s = score_at(scores, actual, coverage)
                values[method.name]["hit_rate"][p, c] = s.hit_rate
                values[method.name]["pai"][p, c] = s.pai
                values[method.name]["pei"][p, c] = s.pei
            if on_step:
                on_step()
    return BacktestResult(area, list(periods), names, coverages, values, seconds, inside, outside)
