"""Choosing a method's parameters by back-test, on early data only.

:func:`tune` runs a rolling-origin back-test of each candidate over the tuning periods and ranks them by the mean
PAI at one coverage. Pass periods that end well before any period you will report: tuning on the periods you
then report would flatter every method.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, fields

from peel.analytics.backtest.rolling import run_backtest
from peel.analytics.grid import Points, StudyArea
from peel.analytics.methods.base import Forecaster
from peel.analytics.periods import Period


@dataclass(frozen=True)
class Trial:
    family: str
    parameters: str
    pai: float
    low: float
    high: float


def describe(method: Forecaster) -> str:
    """``bandwidth_m=150, lookback_days=365`` for a dataclass method (its name left out)."""
    try:
        return ", ".join(f"{f.name}={getattr(method, f.name)}" for f in fields(method) if f.name != "name")  # type: ignore[arg-type]
    except TypeError:
        return repr(method)


def tune(
    points: Points,
    area: StudyArea,
    candidates: dict[str, Sequence[Forecaster]],
    periods: Sequence[Period],
    coverage: float = 0.05,
) -> dict[str, list[Trial]]:
    """Per family, its candidates ranked best first by mean PAI at ``coverage`` over ``periods``."""
    ranked: dict[str, list[Trial]] = {}
    for family, methods in candidates.items():
        renamed = [_renamed(m, f"{family}#{i}") for i, m in enumerate(methods)]
        result = run_backtest(points, area, renamed, periods, coverages=(coverage,))
        summary = result.summary("pai", coverage)
        trials = [
            Trial(family, describe(m), summary[r.name].mean, summary[r.name].low, summary[r.name].high)
            for m, r in zip(methods, renamed, strict=True)
        ]
        ranked[family] = sorted(trials, key=lambda t: -t.pai)
    return ranked


def _renamed(method: Forecaster, name: str) -> Forecaster:
    return dataclasses.replace(method, name=name)  # type: ignore[type-var]
