"""One forecast for the workspace: the engine's method on a dataset's events, its hotspot cells and fairness checks.

Pure: events in, a :class:`ForecastOutcome` out. The scores are exactly what ``peel analytics forecast`` writes for
the same events (the same ``select → prepare → forecast_periods → forecast_rows`` path), so the export is the
engine's. Fairness is measured on the last period that has already happened (the one just before the forecast),
forecast the same way from the events before it: calibration by score decile and, per area, the share of flagged
cells beside the share of crime and of population. Areas are LSOAs with 2011 Census population for data.police.uk
events (which carry LSOA codes), ~2 km tiles without population otherwise (:mod:`peel.analytics.areas`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from pyproj import Transformer

from peel.analytics.areas import TILE_M, area_tables
from peel.analytics.events import EventSet, FloatArray
from peel.analytics.export import forecast_rows, to_csv
from peel.analytics.fairness import TRAINING_CHANNELS, AreaDisparity, calibration
from peel.analytics.grid import StudyArea
from peel.analytics.methods import BEST, make_method
from peel.analytics.periods import Period, make_periods
from peel.analytics.population import PopulationTable, load_lsoa_population
from peel.analytics.service import Prepared, forecast_periods, prepare, select
from peel.analytics.tuning import describe

AREA_TILE_M = TILE_M
KEEP_CELLS = 200  # cells kept beyond the flagged ones, so tasking can choose more


@dataclass(frozen=True)
class ForecastRequest:
    method: str = "best"
    start: date | None = None  # default: the day after the last event
    period: str = "7d"
    cell_size: float = 150.0
    coverage: float = 0.05
    crime_types: tuple[str, ...] = ()
    channels: tuple[str, ...] = TRAINING_CHANNELS


@dataclass(frozen=True)
class ForecastOutcome:
    method: str
    period: Period
    crs: str
    cell_size: float
    study_cells: int
    training_events: int
    flagged: int
    x0: list[float]
    y0: list[float]
    score: list[float]  # top cells, best first
    fairness: dict[str, Any]
    parameters: dict[str, str]
    export_csv: str


def first_period(start: date, spec: str) -> Period:
    periods = make_periods(start, start + timedelta(days=400), spec)
    if not periods:
        raise ValueError(f"period {spec!r} is longer than a year")
    return periods[0]


def default_start(events: EventSet) -> date:
    return datetime.fromtimestamp(int(events.time.max()), UTC).date() + timedelta(days=1)


def _top(area: StudyArea, scores: FloatArray, keep: int) -> tuple[list[float], list[float], list[float]]:
    grid = area.grid
    x0, y0 = grid.lower_left()
    ii, jj = np.nonzero(area.mask)
    s = np.asarray(scores, dtype=np.float64)[ii, jj]
    # Highest score first; ties by position so the order is reproducible.
    order = np.lexsort((x0[ii, jj], y0[ii, jj], -s))[:keep]
    return x0[ii, jj][order].tolist(), y0[ii, jj][order].tolist(), s[order].tolist()


def _rows(rows: list[AreaDisparity], names: dict[str, str], limit: int) -> list[dict[str, Any]]:
    return [
        {
            "area": r.area,
            "name": names.get(r.area, ""),
            "share_flagged": r.share_flagged,
            "share_crime": r.share_crime,
            "share_population": r.share_population,
        }
        for r in rows
        if r.share_flagged > 0 or r.share_crime > 0
    ][:limit]


def fairness_check(
    events: EventSet, req: ForecastRequest, period: Period, population: PopulationTable | None = None
) -> dict[str, Any]:
    """Calibration and disparity on the period just before ``period`` (which has happened).

    Areas are LSOAs when the events carry LSOA codes (data.police.uk), with census population from ``population``
    (default: the shipped ONS 2011 table); otherwise ~2 km tiles with no population (see ``areas``).
    """
    length = period.end - period.start
    check = Period(period.start - length, period.start)
    try:
        prepared = prepare(events, check.start, req.cell_size)
    except ValueError as exc:
        return {"available": False, "reason": str(exc)}
    [(_, scores)] = forecast_periods(prepared, make_method(req.method), [check])
    area = prepared.area
    flat = np.asarray(scores, dtype=np.float64)[area.mask]
    actual = area.grid.counts(prepared.points.between(check.start, check.end))[area.mask]
    if population is None and events.has_area_codes:
        population = load_lsoa_population()
    tables = area_tables(area, prepared.points, prepared.events.area_code, flat, actual, req.coverage, population)
    return {
        "available": True,
        "period_start": check.start_date.isoformat(),
        "period_end": check.end_date.isoformat(),
        "crimes": int(actual.sum()),
        "areas": tables.kind,
        "area_count": len(tables.areas),
        "tile_m": AREA_TILE_M,
        "population": tables.population is not None,
        "population_source": tables.population or "",
        "notes": tables.notes,
        "calibration": [
            {"lower": b.lower, "upper": b.upper, "cells": b.cells, "predicted": b.predicted, "observed": b.observed}
            for b in calibration(flat, actual)
        ],
        "disparity": _rows(tables.areas, tables.names, 20),
        "larger": _rows(tables.larger, {}, 50),
    }


def run_forecast(events: EventSet, req: ForecastRequest) -> ForecastOutcome:
    """The forecast for the first ``req.period`` from ``req.start``, using only events strictly before it."""
    if not 0 < req.coverage <= 0.5:
        raise ValueError("coverage must be between 0 and 50 % of the study area")
    if not 25 <= req.cell_size <= 5000:
        raise ValueError("cell size must be between 25 and 5000 metres")
    chosen = select(events, req.crime_types, req.channels)
    if len(chosen) == 0:
        raise ValueError("no events of the chosen crime types and channels")
    period = first_period(req.start or default_start(chosen), req.period)
    method = make_method(req.method)
    prepared: Prepared = prepare(chosen, period.start, req.cell_size)
    [(_, scores)] = forecast_periods(prepared, method, [period])
    area = prepared.area
    k = max(1, round(req.coverage * area.n_cells))
    x0, y0, top = _top(area, scores, k + KEEP_CELLS)
    return ForecastOutcome(
        method=method.name,
        period=period,
        crs=area.grid.crs,
        cell_size=area.grid.cell_size,
        study_cells=area.n_cells,
        training_events=len(prepared.points.before(period.start)),
        flagged=min(k, len(top)),
        x0=x0,
        y0=y0,
        score=top,
        fairness=fairness_check(chosen, req, period),
        parameters={"method": describe(method), "best": BEST, "channels": ",".join(req.channels) or "all"},
        export_csv=to_csv(forecast_rows(area, period, scores)),
    )


def cell_outlines(crs: str, size: float, x0: Sequence[float], y0: Sequence[float]) -> list[list[list[float]]]:
    """Each square cell's corners as [[lat, lon], …] (WGS84), for the map."""
    if not x0:
        return []
    to_wgs = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    xs = np.asarray(x0, dtype=np.float64)
    ys = np.asarray(y0, dtype=np.float64)
    cx = np.stack([xs, xs + size, xs + size, xs], axis=1)
    cy = np.stack([ys, ys, ys + size, ys + size], axis=1)
    lon, lat = to_wgs.transform(cx, cy)
    return [
        [[round(float(a), 7), round(float(o), 7)] for a, o in zip(la, lo, strict=True)]
        for la, lo in zip(lat, lon, strict=True)
    ]
