"""Use cases the CLI and (later) the web pages share: prepare events, forecast periods, run a back-test.

Thin orchestration over the pure pieces; the only I/O is in the importers the caller chooses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from peel.analytics.areas import area_tables
from peel.analytics.backtest.report import ModelCard, render_report
from peel.analytics.backtest.rolling import BacktestResult, run_backtest
from peel.analytics.events import EventSet, FloatArray
from peel.analytics.fairness import TRAINING_CHANNELS
from peel.analytics.grid import Points, SquareGrid, StudyArea, project
from peel.analytics.methods import BASELINES, BEST, make_method
from peel.analytics.methods.base import DAY, Forecaster
from peel.analytics.periods import Period
from peel.analytics.population import load_lsoa_population
from peel.analytics.tuning import describe

# The study area is the cells with at least one event in the three years before the first period.
AREA_HISTORY_DAYS = 3 * 365.0
COVERAGE = 0.05  # the report's headline coverage, also used for the fairness tables


@dataclass(frozen=True)
class Prepared:
    events: EventSet
    points: Points
    area: StudyArea


def select(events: EventSet, crime_types: Sequence[str] = (), channels: Sequence[str] = TRAINING_CHANNELS) -> EventSet:
    chosen = events.of_channels(channels) if channels else events
    return chosen.of_types(crime_types) if crime_types else chosen


def prepare(events: EventSet, first_start: int, cell_size: float, crs: str | None = None) -> Prepared:
    """Project events and fix the grid and study area from the events before ``first_start`` only."""
    if len(events) == 0:
        raise ValueError("no events left after filtering")
    points = project(events, crs)
    base = points.take((points.t < first_start) & (points.t >= first_start - AREA_HISTORY_DAYS * DAY))
    if len(base) == 0:
        raise ValueError("no events before the first period: nothing to learn from")
    grid = SquareGrid.covering(base, cell_size)
    return Prepared(events, points, StudyArea.from_points(grid, base))


def forecast_periods(
    prepared: Prepared, method: Forecaster, periods: Sequence[Period], on_step: Callable[[], None] | None = None
) -> list[tuple[Period, FloatArray]]:
    """One grid-shaped score array per period, each from events strictly before that period's start."""
    out = []
    for period in periods:
        history = prepared.points.before(period.start)
        out.append((period, method.forecast(history, prepared.area.grid, period.start, period.end)))
        if on_step:
            on_step()
    return out


def backtest_report(
    prepared: Prepared,
    method_names: Sequence[str],
    periods: Sequence[Period],
    title: str,
    sources: list[str],
    on_step: Callable[[], None] | None = None,
    generated: datetime | None = None,
) -> tuple[BacktestResult, str]:
    """Back-test the named methods (the baselines and the best method are always added) and render the report."""
    names = list(dict.fromkeys([*BASELINES, *method_names, BEST]))
    methods = [make_method(n) for n in names]
    result = run_backtest(prepared.points, prepared.area, methods, periods, on_step=on_step)
    last = periods[-1]
    history = prepared.points.before(last.start)
    last_scores = {
        m.name: np.asarray(m.forecast(history, prepared.area.grid, last.start, last.end))[prepared.area.mask]
        for m in methods
        if m.name == BEST
    }
    last_actual = prepared.area.grid.counts(prepared.points.between(last.start, last.end))[prepared.area.mask]
    used = prepared.points.before(last.end)
    ev = prepared.events
    card = ModelCard(
        title=title,
        data_sources=sources,
        data_window=(
            str(ev.datetimes[ev.time < last.end].min())[:10],
            str(ev.datetimes[ev.time < last.end].max())[:10],
        ),
        crime_types=sorted(set(ev.crime_type.tolist())),
        channels=sorted(set(ev.channel.tolist())),
        parameters={f"method {m.name}": describe(m) for m in methods},
        notes=[
            f"{len(used)} events before the end of the last period; the study area is the cells with an event "
            f"in the {AREA_HISTORY_DAYS / 365:.0f} years before the first period.",
            "Defaults were tuned on St. Louis 2018-01..06 weekly periods only (docs/analytics.md).",
        ],
    )
    areas = area_tables(
        prepared.area,
        prepared.points,
        prepared.events.area_code,
        last_scores[BEST],
        last_actual,
        COVERAGE,
        load_lsoa_population() if prepared.events.has_area_codes else None,
    )
    if areas.kind == "lsoa":
        card.notes.append(f"Population: {areas.population or 'none found'}; cells → LSOAs by majority of events.")
    return result, render_report(
        result, card, BEST, BASELINES, last_scores, last_actual, COVERAGE, areas, generated=generated
    )
