"""The analyst's workspace over the API: datasets and imports, maps, forecasts, back-tests and near-repeat."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from peel.analytics.models import CrimeDataset, CrimeEvent
from peel.analytics.workspace import datasets, maps, runs, uploads
from peel.analytics.workspace.forecasting import ForecastRequest
from peel.analytics.workspace.knox import KnoxRequest, run_knox
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
from peel.core.errors import Conflict, InvalidInput
from peel.web import security
from peel.web.deps import Authorize, Ctx, PlatformDep, RecordId

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


def read_upload(file: UploadFile) -> uploads.Upload:
    """The uploaded file's bytes, refused past the size cap, checked to be CSV text."""
    raw = uploads.read_capped(iter(lambda: file.file.read(uploads.CHUNK), b""), uploads.MAX_UPLOAD_BYTES)
    return uploads.decode_upload(file.filename, raw)


def import_file(
    ctx: Ctx, dataset: CrimeDataset | None, name: str, source: str, columns: str, file: UploadFile
) -> datasets.ImportOutcome:
    """Check everything before anything is written: a bad upload leaves no dataset behind."""
    source = dataset.source if dataset is not None else uploads.check_source(source)
    if dataset is not None and source not in uploads.FILE_SOURCES:
        raise InvalidInput(f"dataset {dataset.id} is built from {source}, not from files")
    mapping_text = columns or (str(dataset.mapping.get("columns", "")) if dataset is not None else "")
    mapping = uploads.parse_mapping(mapping_text) if source == "csv" else None
    upload = read_upload(file)
    result = uploads.parse_upload(upload, source, mapping)
    target = dataset or datasets.new_dataset(ctx.uow, name, source, {"columns": columns} if columns else None)
    return datasets.fold_import(ctx.uow, target, upload.label, upload.sha256, result)


@router.get("/datasets", response_model=list[DatasetOut])
def list_datasets(ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))]) -> list[DatasetOut]:
    out = [DatasetOut.of(d) for d in datasets.list_datasets(ctx.uow)]
    ctx.uow.audit("analytics.read", "crime_dataset", "*", f"{len(out)} datasets listed")
    ctx.uow.commit()
    return out


@router.post("/datasets", response_model=ImportOut, status_code=201)
def create_dataset(
    ctx: Annotated[Ctx, Depends(Authorize("analytics.import"))],
    name: Annotated[str, Form(min_length=1, max_length=120)],
    source: Annotated[str, Form(max_length=16)],
    file: Annotated[UploadFile, File(description="A crime CSV (optionally gzipped), at most 50 MB.")],
    columns: Annotated[str, Form(max_length=400)] = "",
) -> ImportOut:
    """A new dataset from one file: data.police.uk (``police-uk``), ``stl``, ``toronto`` or ``csv`` with a column
    mapping ``time=COL,type=COL,lon=COL,lat=COL[,id=COL,channel=COL]``. Rejected rows are listed with reasons."""
    out = ImportOut.of(import_file(ctx, None, name, source, columns, file))
    ctx.uow.commit()
    return out


@router.post("/datasets/own-records", response_model=ImportOut, status_code=201)
def own_records(body: OwnRecordsIn, ctx: Annotated[Ctx, Depends(Authorize("analytics.import"))]) -> ImportOut:
    """A dataset from Peel's own incidents (created, or refreshed if one of this name exists)."""
    dataset = datasets.own_records_dataset(ctx.uow, body.name)
    result, digest = datasets.own_records_result(ctx.uow)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
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


@router.post("/datasets/{dataset_id}/imports", response_model=ImportOut, status_code=201)
def import_more(
    dataset_id: RecordId,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.import"))],
    file: Annotated[UploadFile, File(description="Another file of the dataset's source kind.")],
) -> ImportOut:
    """Fold another file into a dataset: the same file again changes nothing; overlapping rows are replaced."""
    dataset = datasets.get_dataset(ctx.uow, dataset_id)
    out = ImportOut.of(import_file(ctx, dataset, dataset.name, dataset.source, "", file))
    ctx.uow.commit()
    return out


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


@router.get("/datasets/{dataset_id}/aggregate")
def aggregate(
    dataset_id: RecordId,
    ctx: Annotated[Ctx, Depends(Authorize("analytics.read"))],
    kind: Annotated[str, Query(pattern="^(h3|grid)$")] = "h3",
    resolution: Annotated[int, Query(ge=5, le=11)] = 8,
    cell_size: Annotated[float, Query(ge=50, le=5000)] = 500.0,
) -> dict[str, Any]:
    """Counts per H3 hexagon (``kind=h3``, ``resolution``) or per square cell (``kind=grid``, ``cell_size`` m)."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    events = datasets.load_events(ctx.uow, d)
    try:
        out = maps.h3_geojson(events, resolution) if kind == "h3" else maps.grid_geojson(events, cell_size)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    ctx.uow.audit("analytics.read", "crime_dataset", d.id, f"aggregate {kind}")
    ctx.uow.commit()
    return out


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


@router.post("/datasets/{dataset_id}/forecasts", response_model=ForecastOut, status_code=201)
def forecast(
    dataset_id: RecordId, body: ForecastIn, ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))]
) -> ForecastOut:
    """Forecast one period from events strictly before it; cells best first, the top ``coverage`` flagged."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    out = ForecastOut.of(runs.create_forecast(ctx.uow, d, forecast_request(body)))
    ctx.uow.commit()
    return out


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
    run = runs.create_backtest(ctx.uow, d, req)
    out = BacktestOut.of(run)
    ctx.uow.commit()
    runs.submit_backtest(platform, run.id)
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


@router.post("/datasets/{dataset_id}/near-repeat")
def near_repeat(
    dataset_id: RecordId, body: KnoxIn, ctx: Annotated[Ctx, Depends(Authorize("analytics.run"))]
) -> dict[str, Any]:
    """Knox test with Monte-Carlo permutations and Benjamini–Hochberg control (bounded for the web)."""
    d = datasets.get_dataset(ctx.uow, dataset_id)
    try:
        out = run_knox(datasets.load_events(ctx.uow, d), knox_request(body))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    ctx.uow.audit("analytics.nearrepeat", "crime_dataset", d.id, f"{out['n_events']} events")
    ctx.uow.commit()
    return out
