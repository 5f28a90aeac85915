"""The analyst's workspace pages: datasets and imports, a dataset's map, forecasts, back-tests and near-repeat.

Pages are thin: they call the same use cases as the API (``datasets``, ``runs``, ``knox``) and render templates;
the maps draw from the API's GeoJSON with ``/static/analytics-map.js``. Errors are raised and rendered by the
platform's error pages, so a bad form gets a clear 4xx page and changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from peel.analytics.methods import BEST, METHODS
from peel.analytics.models import CrimeEvent
from peel.analytics.patrol import service as patrol
from peel.analytics.workspace import datasets, runs, submissions, uploads
from peel.analytics.workspace.forecasting import ForecastRequest
from peel.analytics.workspace.knox import KnoxRequest
from peel.core.errors import InvalidInput, NotFound
from peel.web.deps import Authorize, Ctx, PlatformDep, RecordId
from peel.workforce.models import Team

router = APIRouter(include_in_schema=False)
PERIODS = ("1d", "7d", "14d", "1m")


def _render(request: Request, platform: PlatformDep, ctx: Ctx, template: str, **context: Any) -> HTMLResponse:
    ctx.uow.commit()
    return platform.templates.TemplateResponse(request, template, {"principal": ctx.principal, **context})


def _optional_date(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(f"{what} must be a date like 2026-01-31") from exc


@router.get("/analytics", response_class=HTMLResponse)
def workspace(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))]
) -> HTMLResponse:
    items = datasets.list_datasets(ctx.uow)
    ctx.uow.audit("analytics.read", "crime_dataset", "*", f"{len(items)} datasets listed")
    return _render(
        request, platform, ctx, "analytics/index.html", datasets=items, sources=uploads.FILE_SOURCES,
        plans=patrol.plans(ctx.uow), max_mb=uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
    )  # fmt: skip


@router.post("/analytics/import")
def import_page(
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.import"))],
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form(max_length=120)] = "",
    source: Annotated[str, Form(max_length=16)] = "",
    columns: Annotated[str, Form(max_length=400)] = "",
    dataset_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    existing = datasets.get_dataset(ctx.uow, int(dataset_id)) if dataset_id.strip().isdigit() else None
    if existing is None and not name.strip():
        raise InvalidInput("give the new dataset a name, or choose a dataset to add the file to")
    job = submissions.submit_import(platform, ctx.uow, existing, name, source, columns, file.filename, file.file)
    ctx.uow.commit()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/analytics/own-records")
def own_records_page(
    ctx: Annotated[Ctx, Depends(Authorize("analytics.import"))],
    name: Annotated[str, Form(min_length=1, max_length=120)] = "Peel's own records",
) -> Response:
    dataset = datasets.own_records_dataset(ctx.uow, name)
    result, digest = datasets.own_records_result(ctx.uow)
    outcome = datasets.fold_import(ctx.uow, dataset, "Peel records", digest, result)
    ctx.uow.commit()
    flag = "already" if outcome.already_imported else "imported"
    return RedirectResponse(f"/analytics/datasets/{dataset.id}?{flag}=1", status_code=303)


@router.get("/analytics/datasets/{dataset_id}", response_class=HTMLResponse)
def dataset_page(
    dataset_id: RecordId,
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))],
) -> HTMLResponse:
    d = datasets.get_dataset(ctx.uow, dataset_id)
    ctx.uow.audit("analytics.read", "crime_dataset", d.id)
    return _render(
        request, platform, ctx, "analytics/dataset.html", dataset=d,
        by_type=datasets.counts_by(ctx.uow, d, CrimeEvent.crime_type),
        by_channel=datasets.counts_by(ctx.uow, d, CrimeEvent.channel),
        imports=datasets.imports_of(ctx.uow, d), forecasts=runs.forecasts_of(ctx.uow, d.id),
        backtests=runs.backtests_of(ctx.uow, d.id), methods=("best", *METHODS), best=BEST, periods=PERIODS,
        imported="imported" in request.query_params, already="already" in request.query_params,
    )  # fmt: skip


@router.post("/analytics/datasets/{dataset_id}/forecast")
def forecast_page(
    dataset_id: RecordId,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))],
    method: Annotated[str, Form(max_length=24)] = "best",
    start: Annotated[str, Form(max_length=10)] = "",
    period: Annotated[str, Form(max_length=8)] = "7d",
    cell_size: Annotated[float, Form(ge=25, le=5000)] = 150.0,
    coverage_percent: Annotated[float, Form(gt=0, le=50)] = 5.0,
    crime_type: Annotated[str, Form(max_length=80)] = "",
    channels: Annotated[str, Form(pattern="^(reported|all)$")] = "reported",
) -> Response:
    d = datasets.get_dataset(ctx.uow, dataset_id)
    req = ForecastRequest(
        method=method,
        start=_optional_date(start, "the start"),
        period=period,
        cell_size=cell_size,
        coverage=coverage_percent / 100,
        crime_types=(crime_type,) if crime_type else (),
        channels=("reported",) if channels == "reported" else (),
    )
    job = submissions.submit_forecast(platform, ctx.uow, d, req)
    ctx.uow.commit()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/analytics/forecasts/{forecast_id}", response_class=HTMLResponse)
def forecast_view(
    forecast_id: RecordId,
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))],
) -> HTMLResponse:
    f = runs.get_forecast(ctx.uow, forecast_id)
    d = datasets.get_dataset(ctx.uow, f.dataset_id)
    teams = ctx.uow.session.execute(select(Team.name, Team.kind).order_by(Team.kind != "neighbourhood", Team.name))
    ctx.uow.audit("analytics.read", "hotspot_forecast", f.id)
    c = f.cells
    top = [(i + 1, c["x0"][i], c["y0"][i], c["score"][i]) for i in range(min(f.flagged, 25))]
    return _render(
        request, platform, ctx, "analytics/forecast.html", forecast=f, dataset=d, top=top,
        teams=[t for t, _ in teams.all()], default_eligible=min(max(f.flagged, 4), len(c["score"])),
    )  # fmt: skip


@router.post("/analytics/forecasts/{forecast_id}/patrol")
def patrol_plan_page(
    forecast_id: RecordId,
    ctx: Annotated[Ctx, Depends(Authorize("patrol.plan"))],
    team: Annotated[str, Form(min_length=1, max_length=80)],
    eligible: Annotated[int, Form(ge=1, le=500)] = 20,
    control_percent: Annotated[float, Form(ge=0, lt=100)] = 25.0,
    seed: Annotated[str, Form(max_length=10)] = "",
    minutes_per_task: Annotated[int, Form(ge=5, le=240)] = 15,
) -> Response:
    if seed.strip() and not seed.strip().isdigit():
        raise InvalidInput("the seed must be a whole number (or left blank for a random one)")
    forecast = runs.get_forecast(ctx.uow, forecast_id)
    req = patrol.PlanRequest(
        team, eligible, control_percent / 100, int(seed) if seed.strip() else None, minutes_per_task
    )
    plan = patrol.create_plan(ctx.uow, forecast, req)
    ctx.uow.commit()
    return RedirectResponse(f"/patrol/plans/{plan.id}", status_code=303)


@router.post("/analytics/datasets/{dataset_id}/backtest")
def backtest_page(
    dataset_id: RecordId,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))],
    start: Annotated[str, Form(max_length=10)],
    end: Annotated[str, Form(max_length=10)],
    period: Annotated[str, Form(max_length=8)] = "7d",
    cell_size: Annotated[float, Form(ge=25, le=5000)] = 150.0,
    method: Annotated[str, Form(max_length=24)] = "best",
) -> Response:
    d = datasets.get_dataset(ctx.uow, dataset_id)
    first, last = _optional_date(start, "the start"), _optional_date(end, "the end")
    if first is None or last is None:
        raise InvalidInput("give a start and an end date")
    job = submissions.submit_backtest(
        platform, ctx.uow, d, runs.BacktestRequest(first, last, period, cell_size, (method,))
    )
    ctx.uow.commit()
    return RedirectResponse(f"/analytics/backtests/{job.params['run_id']}", status_code=303)


@router.get("/analytics/backtests/{run_id}", response_class=HTMLResponse)
def backtest_view(
    run_id: RecordId,
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))],
) -> HTMLResponse:
    run = runs.get_backtest(ctx.uow, run_id)
    d = datasets.get_dataset(ctx.uow, run.dataset_id)
    return _render(request, platform, ctx, "analytics/backtest.html", run=run, dataset=d, best=BEST)


def _near_repeat_form(
    crime_type: str, start: str, end: str, distance: str, days: str, permutations: int
) -> KnoxRequest:
    return KnoxRequest(crime_type or None, _optional_date(start, "the start"), _optional_date(end, "the end"),
                       _edges(distance), _edges(days), permutations)  # fmt: skip


@router.get("/analytics/datasets/{dataset_id}/near-repeat", response_class=HTMLResponse)
def near_repeat_page(
    dataset_id: RecordId,
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))],
    job: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> HTMLResponse:
    """The form, and (``?job=N``) the result of a near-repeat job once it has succeeded."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    result, form = None, {"crime_type": "", "start": "", "end": "", "distance": "0,100,200,300,400",
                          "days": "0,7,14,21,28", "permutations": 199}  # fmt: skip
    if job is not None:
        found = platform.jobs.visible(ctx.uow, job)
        if found.kind != "analytics.nearrepeat" or found.params.get("dataset_id") != d.id:
            raise NotFound(f"no job {job}")
        result = found.result if found.status == "succeeded" else None
        ctx.uow.audit("analytics.nearrepeat", "crime_dataset", d.id, f"result of job {job} read")
    types = [t for t, _ in datasets.counts_by(ctx.uow, d, CrimeEvent.crime_type)]
    return _render(
        request, platform, ctx, "analytics/near_repeat.html", dataset=d, form=form, result=result, types=types
    )


@router.post("/analytics/datasets/{dataset_id}/near-repeat")
def near_repeat_run(
    dataset_id: RecordId,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))],
    crime_type: Annotated[str, Form(max_length=80)] = "",
    start: Annotated[str, Form(max_length=10)] = "",
    end: Annotated[str, Form(max_length=10)] = "",
    distance: Annotated[str, Form(max_length=80)] = "0,100,200,300,400",
    days: Annotated[str, Form(max_length=80)] = "0,7,14,21,28",
    permutations: Annotated[int, Form(ge=19, le=999)] = 199,
) -> Response:
    d = datasets.get_dataset(ctx.uow, dataset_id)
    req = _near_repeat_form(crime_type, start, end, distance, days, permutations)
    job = submissions.submit_near_repeat(platform, ctx.uow, d, req)
    ctx.uow.commit()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _edges(text: str) -> tuple[float, ...]:
    try:
        edges = tuple(float(p) for p in text.split(",") if p.strip())
    except ValueError as exc:
        raise InvalidInput("band edges are numbers separated by commas, starting at 0") from exc
    if len(edges) < 2 or edges[0] != 0 or list(edges) != sorted(set(edges)) or len(edges) > 12:
        raise InvalidInput("band edges must start at 0 and increase, at most 12 of them")
    return edges
