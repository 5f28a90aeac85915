"""The analyst's workspace over the API: datasets and imports, maps, forecasts, back-tests and near-repeat."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from peel.analytics.models import CrimeEvent
from peel.analytics.workspace import datasets, maps, runs, submissions
from peel.analytics.workspace.forecasting import ForecastRequest
from peel.analytics.workspace.knox import KnoxRequest
from peel.analytics.workspace.schemas import (
    BacktestIn,
    BacktestOut,
    DatasetDetailOut,
    DatasetOut,
    ForecastIn,
    ForecastOut,
    ImportOut,
    ImportRecordOut,
    KnoxIn,
    OwnRecordsIn,
)
from peel.core.errors import Conflict
from peel.jobs.schemas import JobOut
from peel.web import security
from peel.web.deps import Authorize, Ctx, PlatformDep, RecordId

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


@router.get("/datasets", response_model=list[DatasetOut])
def list_datasets(ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))]) -> list[DatasetOut]:
    out = [DatasetOut.of(d) for d in datasets.list_datasets(ctx.uow)]
    ctx.uow.audit("analytics.read", "crime_dataset", "*", f"{len(out)} datasets listed")
    ctx.uow.commit()
    return out


@router.post("/datasets", response_model=JobOut, status_code=202)
def create_dataset(
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.import"))],
    name: Annotated[str, Form(min_length=1, max_length=120)],
    source: Annotated[str, Form(max_length=16)],
    file: Annotated[UploadFile, File(description="A crime CSV (optionally gzipped), at most 50 MB.")],
    columns: Annotated[str, Form(max_length=400)] = "",
) -> JobOut:
    """Start importing a new dataset from one file: data.police.uk (``police-uk``), ``stl``, ``toronto`` or ``csv``
    with a column mapping ``time=COL,type=COL,lon=COL,lat=COL[,id=COL,channel=COL]``. Answers 202 with the import
    job; its result (``GET /api/v1/jobs/{id}``) is the import summary, rejected rows listed with reasons."""
    job = submissions.submit_import(platform, ctx.uow, None, name, source, columns, file.filename, file.file)
    ctx.uow.commit()
    return JobOut.of(job)


@router.post("/datasets/own-records", response_model=ImportOut, status_code=201)
def own_records(body: OwnRecordsIn, ctx: Annotated[Ctx, Depends(Authorize("analytics.import"))]) -> ImportOut:
    """A dataset from Peel's own incidents (created, or refreshed if one of this name exists)."""
    dataset = datasets.own_records_dataset(ctx.uow, body.name)
    result, digest = datasets.own_records_result(ctx.uow)
    stamp = ctx.uow.now().strftime("%Y-%m-%d %H:%M")
    out = ImportOut.of(datasets.fold_import(ctx.uow, dataset, f"Peel records at {stamp} UTC", digest, result))
    ctx.uow.commit()
    return out


@router.get("/datasets/{dataset_id}", response_model=DatasetDetailOut)
def dataset_detail(dataset_id: RecordId, ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))]) -> DatasetDetailOut:
    d = datasets.get_dataset(ctx.uow, dataset_id)
    out = DatasetDetailOut(
        **DatasetOut.of(d).model_dump(),
        by_type=dict(datasets.counts_by(ctx.uow, d, CrimeEvent.crime_type)),
        by_channel=dict(datasets.counts_by(ctx.uow, d, CrimeEvent.channel)),
        imports=[ImportRecordOut.of(i) for i in datasets.imports_of(ctx.uow, d)],
    )
    ctx.uow.audit("analytics.read", "crime_dataset", d.id)
    ctx.uow.commit()
    return out


@router.post("/datasets/{dataset_id}/imports", response_model=JobOut, status_code=202)
def import_more(
    dataset_id: RecordId,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.import"))],
    file: Annotated[UploadFile, File(description="Another file of the dataset's source kind.")],
) -> JobOut:
    """Start folding another file into a dataset (202 with the job): the same file again changes nothing;
    overlapping rows are replaced."""
    dataset = datasets.get_dataset(ctx.uow, dataset_id)
    job = submissions.submit_import(
        platform, ctx.uow, dataset, dataset.name, dataset.source, "", file.filename, file.file
    )
    ctx.uow.commit()
    return JobOut.of(job)


@router.get("/datasets/{dataset_id}/events.geojson")
def events_geojson(
    dataset_id: RecordId,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))],
    limit: Annotated[int, Query(ge=1, le=20_000)] = 5000,
) -> dict[str, Any]:
    """The dataset's most recent events as points (at most ``limit``)."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    stmt = (
        select(CrimeEvent.lat, CrimeEvent.lon, CrimeEvent.crime_type, CrimeEvent.occurred_at)
        .where(CrimeEvent.dataset_id == d.id)
        .order_by(CrimeEvent.occurred_at.desc())
        .limit(limit)
    )
    out = maps.points_geojson(ctx.uow.session.execute(stmt).all())
    ctx.uow.audit("analytics.read", "crime_dataset", d.id, f"{len(out['features'])} events mapped")
    ctx.uow.commit()
    return out


@router.post("/datasets/{dataset_id}/aggregates", response_model=JobOut, status_code=202)
def aggregate(
    dataset_id: RecordId,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))],
    kind: Annotated[str, Query(pattern="^(h3|grid)$")] = "h3",
    resolution: Annotated[int, Query(ge=5, le=11)] = 8,
    cell_size: Annotated[float, Query(ge=50, le=5000)] = 500.0,
) -> JobOut:
    """Start counting events per H3 hexagon (``kind=h3``, ``resolution``) or per square cell (``kind=grid``,
    ``cell_size`` m); the job's result is the GeoJSON."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    job = submissions.submit_aggregate(platform, ctx.uow, d, kind, resolution, cell_size)
    ctx.uow.audit("analytics.read", "crime_dataset", d.id, f"aggregate {kind} (job {job.id})")
    ctx.uow.commit()
    return JobOut.of(job)


def forecast_request(body: ForecastIn) -> ForecastRequest:
    return ForecastRequest(
        method=body.method,
        start=body.start,
        period=body.period,
        cell_size=body.cell_size,
        coverage=body.coverage,
        crime_types=tuple(body.crime_types),
        channels=tuple(body.channels),
    )


@router.post("/datasets/{dataset_id}/forecasts", response_model=JobOut, status_code=202)
def forecast(
    dataset_id: RecordId,
    body: ForecastIn,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))],
) -> JobOut:
    """Start a forecast of one period from events strictly before it (202 with the job); the job's result has the
    forecast (``forecast_id``; cells best first, the top ``coverage`` flagged)."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    job = submissions.submit_forecast(platform, ctx.uow, d, forecast_request(body))
    ctx.uow.commit()
    return JobOut.of(job)


@router.get("/forecasts/{forecast_id}", response_model=ForecastOut)
def get_forecast(forecast_id: RecordId, ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))]) -> ForecastOut:
    out = ForecastOut.of(runs.get_forecast(ctx.uow, forecast_id))
    ctx.uow.audit("analytics.read", "hotspot_forecast", forecast_id)
    ctx.uow.commit()
    return out


@router.get("/forecasts/{forecast_id}/cells.geojson")
def forecast_cells(
    forecast_id: RecordId,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))],
    flagged_only: bool = True,
) -> dict[str, Any]:
    out = runs.cells_geojson(runs.get_forecast(ctx.uow, forecast_id), flagged_only)
    ctx.uow.audit("analytics.read", "hotspot_forecast", forecast_id, "cells mapped")
    ctx.uow.commit()
    return out


@router.get("/forecasts/{forecast_id}/export.csv", response_class=Response)
def export_forecast(forecast_id: RecordId, ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))]) -> Response:
    """Every study-area cell in the interchange format (``period_start,period_end,crs,cell_size_m,x0,y0,score``)."""
    f = runs.get_forecast(ctx.uow, forecast_id)
    body = f.export_csv
    ctx.uow.audit("analytics.export", "hotspot_forecast", forecast_id)
    ctx.uow.commit()
    name = f"forecast-{forecast_id}-{f.method}-{f.period_start.date().isoformat()}.csv"
    return Response(body, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/datasets/{dataset_id}/backtests", response_model=BacktestOut, status_code=202)
def start_backtest(
    dataset_id: RecordId,
    body: BacktestIn,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))],
) -> BacktestOut:
    """Queue a rolling-origin back-test (at most 26 periods); poll it until ``status`` is done or failed."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    req = runs.BacktestRequest(body.start, body.end, body.period, body.cell_size, tuple(body.methods))
    job = submissions.submit_backtest(platform, ctx.uow, d, req)
    out = BacktestOut.of(runs.get_backtest(ctx.uow, int(job.params["run_id"])))
    ctx.uow.commit()
    return out


@router.get("/backtests/{run_id}", response_model=BacktestOut)
def backtest_status(run_id: RecordId, ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))]) -> BacktestOut:
    out = BacktestOut.of(runs.get_backtest(ctx.uow, run_id))
    ctx.uow.commit()
    return out


@router.get("/backtests/{run_id}/report", response_class=HTMLResponse)
def backtest_report(run_id: RecordId, ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))]) -> HTMLResponse:
    """The engine's self-contained HTML report (plots, model card, fairness tables)."""
    run = runs.get_backtest(ctx.uow, run_id)
    if run.status != "done" or not run.report_html:
        raise Conflict(f"back-test {run_id} is {run.status}; the report is written when it is done")
    html = run.report_html
    ctx.uow.audit("analytics.read", "backtest_run", run_id, "report")
    ctx.uow.commit()
    return HTMLResponse(html, headers={"Content-Security-Policy": security.document_policy(html)})


def knox_request(body: KnoxIn) -> KnoxRequest:
    return KnoxRequest(
        crime_type=body.crime_type or None,
        start=body.start,
        end=body.end,
        distance_bands=tuple(body.distance_bands),
        time_bands=tuple(body.time_bands),
        permutations=body.permutations,
        fdr=body.fdr,
    )


@router.post("/datasets/{dataset_id}/near-repeat", response_model=JobOut, status_code=202)
def near_repeat(
    dataset_id: RecordId,
    body: KnoxIn,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))],
) -> JobOut:
    """Start a Knox test with Monte-Carlo permutations and Benjamini–Hochberg control (bounded for the web);
    202 with the job, whose result is the test's table."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    job = submissions.submit_near_repeat(platform, ctx.uow, d, knox_request(body))
    ctx.uow.commit()
    return JobOut.of(job)
