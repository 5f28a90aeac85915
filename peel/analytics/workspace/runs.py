"""Stored forecasts and back-tests: run the engine on a dataset, keep the result, audit it.

Forecasts and back-tests can take seconds to minutes, so the web never runs one inside a request: the request
checks the input and submits a job (:mod:`peel.analytics.workspace.jobs`); the job worker loads the events, computes
outside any transaction and stores the result in a new unit of work. A back-test also keeps its own row
(``BacktestRun``) with progress, summary and report. The number of periods is capped for the web; the CLI has none.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update

from peel.analytics.methods import BASELINES, BEST, METHODS
from peel.analytics.models import BacktestRun, CrimeDataset, HotspotForecast
from peel.analytics.periods import make_periods
from peel.analytics.service import backtest_report, prepare
from peel.analytics.service import select as select_events
from peel.analytics.workspace.datasets import get_dataset, load_events
from peel.analytics.workspace.forecasting import ForecastOutcome, ForecastRequest, cell_outlines
from peel.core.errors import InvalidInput, NotFound
from peel.db.uow import Actor, UnitOfWork
from peel.jobs import JobCancelled, JobContext, JobFailed
from peel.platform import Platform

log = logging.getLogger(__name__)
MAX_BACKTEST_PERIODS = 26
METHOD_CHOICES: tuple[str, ...] = ("best", *METHODS)


def _when(moment: int) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


def check_forecast(req: ForecastRequest) -> None:
    """What a request can check before it submits the forecast job."""
    if req.method not in METHOD_CHOICES:
        raise InvalidInput(f"unknown method {req.method!r}; choose one of {', '.join(METHOD_CHOICES)}")


def store_forecast(
    uow: UnitOfWork, dataset: CrimeDataset, req: ForecastRequest, out: ForecastOutcome
) -> HotspotForecast:
    forecast = HotspotForecast(
        dataset_id=dataset.id,
        created_at=uow.now(),
        created_by=uow.actor.user_id,
        method=out.method,
        requested_method=req.method,
        period_start=_when(out.period.start),
        period_end=_when(out.period.end),
        cell_size=out.cell_size,
        crs=out.crs,
        coverage=req.coverage,
        study_cells=out.study_cells,
        training_events=out.training_events,
        parameters={**out.parameters, "crime_types": list(req.crime_types)},
        cells={"x0": out.x0, "y0": out.y0, "score": out.score},
        flagged=out.flagged,
        fairness=out.fairness,
        export_csv=out.export_csv,
    )
    uow.session.add(forecast)
    uow.session.flush()
    uow.audit(
        "analytics.forecast",
        "hotspot_forecast",
        forecast.id,
        f"dataset {dataset.id}, {out.method}, {out.period.start_date}..{out.period.end_date}, "
        f"{out.cell_size:g} m, {out.flagged} of {out.study_cells} cells flagged",
    )
    return forecast


def get_forecast(uow: UnitOfWork, forecast_id: int) -> HotspotForecast:
    forecast = uow.session.get(HotspotForecast, forecast_id)
    if forecast is None:
        raise NotFound(f"no forecast {forecast_id}")
    return forecast


def forecasts_of(uow: UnitOfWork, dataset_id: int) -> list[HotspotForecast]:
    stmt = select(HotspotForecast).where(HotspotForecast.dataset_id == dataset_id).order_by(HotspotForecast.id.desc())
    return list(uow.session.execute(stmt).scalars())


def cells_geojson(forecast: HotspotForecast, flagged_only: bool = False) -> dict[str, Any]:
    c = forecast.cells
    n = forecast.flagged if flagged_only else len(c["score"])
    outlines = cell_outlines(forecast.crs, forecast.cell_size, c["x0"][:n], c["y0"][:n])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[lon, lat] for lat, lon in [*ring, ring[0]]]]},
            "properties": {"rank": i + 1, "score": c["score"][i], "flagged": i < forecast.flagged,
                           "x0": c["x0"][i], "y0": c["y0"][i]},
        }
        for i, ring in enumerate(outlines)
    ]  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class BacktestRequest:
    start: date
    end: date
    period: str = "7d"
    cell_size: float = 150.0
    methods: tuple[str, ...] = ()


def create_backtest(uow: UnitOfWork, dataset: CrimeDataset, req: BacktestRequest) -> BacktestRun:
    try:
        periods = make_periods(req.start, req.end, req.period)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    if not periods:
        raise InvalidInput("no whole period fits between the start and end dates")
    if len(periods) > MAX_BACKTEST_PERIODS:
        raise InvalidInput(f"at most {MAX_BACKTEST_PERIODS} periods on the web (use `peel analytics backtest`)")
    unknown = [m for m in req.methods if m not in METHOD_CHOICES]
    if unknown:
        raise InvalidInput(f"unknown method(s) {', '.join(unknown)}")
    if not 25 <= req.cell_size <= 5000:
        raise InvalidInput("cell size must be between 25 and 5000 metres")
    names = list(dict.fromkeys([*BASELINES, *(BEST if m == "best" else m for m in req.methods), BEST]))
    run = BacktestRun(
        dataset_id=dataset.id,
        created_at=uow.now(),
        created_by=uow.actor.user_id,
        status="queued",
        parameters={"start": req.start.isoformat(), "end": req.end.isoformat(), "period": req.period,
                    "cell_size": req.cell_size, "methods": names},
        progress=0,
        total_steps=len(periods) * len(names),
        summary={},
        error="",
    )  # fmt: skip
    uow.session.add(run)
    uow.session.flush()
    uow.audit("analytics.backtest", "backtest_run", run.id, f"dataset {dataset.id}: {run.parameters}")
    return run


def get_backtest(uow: UnitOfWork, run_id: int) -> BacktestRun:
    run = uow.session.get(BacktestRun, run_id)
    if run is None:
        raise NotFound(f"no back-test {run_id}")
    return run


def backtests_of(uow: UnitOfWork, dataset_id: int) -> list[BacktestRun]:
    stmt = select(BacktestRun).where(BacktestRun.dataset_id == dataset_id).order_by(BacktestRun.id.desc())
    return list(uow.session.execute(stmt).scalars())


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def execute_backtest(platform: Platform, run_id: int, job: JobContext) -> None:
    """The back-test job: load and commit, compute with progress, write the outcome in a new unit of work."""
    actor = Actor.system("analytics-backtest")
    try:
        with platform.uow(actor) as uow:
            run = get_backtest(uow, run_id)
            dataset = get_dataset(uow, run.dataset_id)
            params = dict(run.parameters)
            run.status = "running"
            events = load_events(uow, dataset)
            title = f"Back-test: {dataset.name}"
            sources = [f"{dataset.name} ({dataset.source}, {dataset.event_count} events)"]
            uow.commit()
        periods = make_periods(date.fromisoformat(params["start"]), date.fromisoformat(params["end"]), params["period"])
        prepared = prepare(select_events(events), periods[0].start, float(params["cell_size"]))
        done = 0
        total = max(1, len(periods) * len(params["methods"]))

        def step() -> None:
            nonlocal done
            done += 1
            with platform.sessions() as s, s.begin():
                s.execute(update(BacktestRun).where(BacktestRun.id == run_id).values(progress=done))
            job.progress(done / total, f"{done} of {total} forecasts")

        result, html = backtest_report(
            prepared, params["methods"], periods, title, sources, on_step=step, generated=platform.clock()
        )
        summary: dict[str, Any] = {"methods": {}, "versus": {}, "coverage": 0.05, "study_cells": prepared.area.n_cells}
        for name, interval in result.summary("pai", 0.05).items():
            hit = result.summary("hit_rate", 0.05)[name]
            summary["methods"][name] = {
                "pai": [_finite(interval.mean), _finite(interval.low), _finite(interval.high)],
                "hit_rate": [_finite(hit.mean), _finite(hit.low), _finite(hit.high)],
            }
        for base in BASELINES:
            d = result.paired_difference(BEST, base, "pai", 0.05)
            summary["versus"][base] = [_finite(d.mean), _finite(d.low), _finite(d.high)]
        _finish(platform, actor, run_id, "done", summary=summary, html=html)
    except JobCancelled:
        _finish(platform, actor, run_id, "cancelled", error="cancelled")
        raise
    except Exception as exc:  # the run must end in a visible state whatever went wrong
        log.exception("back-test %s failed", run_id)
        error = f"{type(exc).__name__}: {exc}"[:500]
        _finish(platform, actor, run_id, "failed", error=error)
        raise JobFailed(error) from exc


def _finish(
    platform: Platform,
    actor: Actor,
    run_id: int,
    status: str,
    summary: dict[str, Any] | None = None,
    html: str | None = None,
    error: str = "",
) -> None:
    with platform.uow(actor) as uow:
        run = uow.session.get(BacktestRun, run_id)
        if run is None:
            return
        run.status, run.finished_at, run.error = status, uow.now(), error
        if summary is not None:
            run.summary = summary
        if html is not None:
            run.report_html = html
        uow.audit(
            "analytics.backtest",
            "backtest_run",
            run_id,
            f"{status} {error}".strip(),
            outcome="allowed" if status == "done" else "failed",
        )
        uow.commit()
