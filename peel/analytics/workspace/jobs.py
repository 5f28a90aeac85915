"""The workspace's long work as jobs: imports, aggregates, forecasts, back-tests and near-repeat runs.

Each handler follows the jobs pattern (see :mod:`peel.jobs`): load in a short unit of work, compute outside any
transaction, write in new units of work. An import parses the whole saved file before it writes anything, so a
file the parser refuses (a field over the CSV limit, a wrong format) fails the job and leaves nothing behind;
then events are written in chunks of ``IMPORT_CHUNK`` rows, each its own short transaction, and the import's
record (which makes the same file a no-op next time) is written last.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from peel.analytics.workspace import datasets, maps, runs, uploads
from peel.analytics.workspace.forecasting import ForecastRequest, run_forecast
from peel.analytics.workspace.knox import KnoxRequest, run_knox
from peel.analytics.workspace.schemas import ForecastOut, ImportOut
from peel.db.uow import Actor
from peel.jobs import JobContext, JobFailed, JobHandlers
from peel.platform import Platform

IMPORT, AGGREGATE, FORECAST, BACKTEST, NEAR_REPEAT = (
    "analytics.import",
    "analytics.aggregate",
    "analytics.forecast",
    "analytics.backtest",
    "analytics.nearrepeat",
)
IMPORT_CHUNK = 2000


def _actor(ctx: JobContext) -> Actor:
    return Actor(ctx.job.owner_id, f"job-{ctx.job.id}", "system", request_id=f"job-{ctx.job.id}")


def upload_folder(platform: Platform) -> Path:
    folder = platform.settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_import(platform: Platform, ctx: JobContext) -> dict[str, Any]:
    p = ctx.job.params
    path = upload_folder(platform) / Path(str(p["file"])).name  # a server-chosen name; never a client path
    if not path.is_file():
        raise JobFailed("the uploaded file is no longer on the server; upload it again")
    ctx.progress(0.02, "reading the file")
    upload = uploads.decode_upload(str(p["label"]), path.read_bytes())
    mapping = uploads.parse_mapping(str(p["columns"])) if p["source"] == "csv" else None
    ctx.progress(0.05, "parsing rows")
    result = uploads.parse_upload(upload, str(p["source"]), mapping)
    datasets.check_importable(upload.label, str(p["source"]), result)
    with platform.uow(_actor(ctx)) as uow:
        if p.get("dataset_id"):
            dataset = datasets.get_dataset(uow, int(p["dataset_id"]))
        else:
            dataset = datasets.new_dataset(uow, str(p["name"]), str(p["source"]), p.get("mapping") or None)
        if datasets.already_imported(uow, dataset, upload.sha256):
            uow.audit("analytics.import", "crime_dataset", dataset.id, f"{upload.label}: already imported")
            uow.commit()
            path.unlink(missing_ok=True)
            return _import_result(datasets.ImportOutcome(dataset, already_imported=True))
        uow.commit()
    dataset_id = dataset.id
    rows = datasets.event_rows(dataset_id, result)
    gone = datasets.withdrawn_ids(result)
    withdrawn = 0
    steps = max(1, (len(rows) + len(gone)) // IMPORT_CHUNK + 1)
    for i in range(0, len(gone), IMPORT_CHUNK):
        with platform.uow(_actor(ctx)) as uow:
            withdrawn += datasets.delete_events(uow, datasets.get_dataset(uow, dataset_id), gone[i : i + IMPORT_CHUNK])
            uow.commit()
        ctx.progress(0.1 + 0.85 * (i // IMPORT_CHUNK + 1) / steps, "removing withdrawn rows")
    for n, i in enumerate(range(0, len(rows), IMPORT_CHUNK), start=1):
        with platform.uow(_actor(ctx)) as uow:
            datasets.write_events(uow, datasets.get_dataset(uow, dataset_id), rows[i : i + IMPORT_CHUNK])
            uow.commit()
        ctx.progress(0.1 + 0.85 * n / steps, f"{min(i + IMPORT_CHUNK, len(rows)):,} of {len(rows):,} rows written")
    with platform.uow(_actor(ctx)) as uow:
        outcome = datasets.record_import(
            uow, datasets.get_dataset(uow, dataset_id), upload.label, upload.sha256, result, withdrawn
        )
        out = _import_result(outcome)
        uow.commit()
    path.unlink(missing_ok=True)
    return out


def _import_result(outcome: datasets.ImportOutcome) -> dict[str, Any]:
    body = ImportOut.of(outcome).model_dump(mode="json")
    flag = "already" if outcome.already_imported else "imported"
    return {**body, "url": f"/analytics/datasets/{outcome.dataset.id}?{flag}=1"}


def run_aggregate(platform: Platform, ctx: JobContext) -> dict[str, Any]:
    p = ctx.job.params
    with platform.uow(_actor(ctx)) as uow:
        events = datasets.load_events(uow, datasets.get_dataset(uow, int(p["dataset_id"])))
        uow.commit()
    ctx.progress(0.3, f"counting {len(events):,} events")
    try:
        if p["kind"] == "h3":
            return maps.h3_geojson(events, int(p["resolution"]))
        return maps.grid_geojson(events, float(p["cell_size"]))
    except ValueError as exc:
        raise JobFailed(str(exc)) from exc


def run_forecast_job(platform: Platform, ctx: JobContext) -> dict[str, Any]:
    p = ctx.job.params
    req = forecast_request(p["request"])
    with platform.uow(_actor(ctx)) as uow:
        events = datasets.load_events(uow, datasets.get_dataset(uow, int(p["dataset_id"])))
        uow.commit()
    ctx.progress(0.2, f"forecasting from {len(events):,} events")
    try:
        out = run_forecast(events, req)
    except ValueError as exc:
        raise JobFailed(str(exc)) from exc
    ctx.progress(0.9, "saving the forecast")
    with platform.uow(_actor(ctx)) as uow:
        forecast = runs.store_forecast(uow, datasets.get_dataset(uow, int(p["dataset_id"])), req, out)
        body = ForecastOut.of(forecast).model_dump(mode="json")
        uow.commit()
    return {"forecast": body, "forecast_id": forecast.id, "url": f"/analytics/forecasts/{forecast.id}"}


def forecast_request(p: dict[str, Any]) -> ForecastRequest:
    from datetime import date

    return ForecastRequest(
        method=str(p["method"]),
        start=date.fromisoformat(p["start"]) if p.get("start") else None,
        period=str(p["period"]),
        cell_size=float(p["cell_size"]),
        coverage=float(p["coverage"]),
        crime_types=tuple(p.get("crime_types") or ()),
        channels=tuple(p.get("channels") or ()),
    )


def run_near_repeat(platform: Platform, ctx: JobContext) -> dict[str, Any]:
    from datetime import date

    p = ctx.job.params
    r = p["request"]
    req = KnoxRequest(
        crime_type=r.get("crime_type") or None,
        start=date.fromisoformat(r["start"]) if r.get("start") else None,
        end=date.fromisoformat(r["end"]) if r.get("end") else None,
        distance_bands=tuple(float(x) for x in r["distance_bands"]),
        time_bands=tuple(float(x) for x in r["time_bands"]),
        permutations=int(r["permutations"]),
        fdr=float(r.get("fdr", 0.05)),
    )
    dataset_id = int(p["dataset_id"])
    with platform.uow(_actor(ctx)) as uow:
        events = datasets.load_events(uow, datasets.get_dataset(uow, dataset_id))
        uow.commit()
    ctx.progress(0.1, f"{req.permutations} permutations")
    try:
        out = run_knox(events, req)
    except ValueError as exc:
        raise JobFailed(str(exc)) from exc
    with platform.uow(_actor(ctx)) as uow:
        uow.audit("analytics.nearrepeat", "crime_dataset", dataset_id, f"{out['n_events']} events")
        uow.commit()
    return {**out, "url": f"/analytics/datasets/{dataset_id}/near-repeat?job={ctx.job.id}"}


def run_backtest(platform: Platform, ctx: JobContext) -> dict[str, Any]:
    run_id = int(ctx.job.params["run_id"])
    runs.execute_backtest(platform, run_id, ctx)
    return {"run_id": run_id, "url": f"/analytics/backtests/{run_id}"}


def register_jobs(handlers: JobHandlers, platform: Platform) -> None:
    """Called by create_app: the workspace's job kinds and their handlers."""
    handlers.register(IMPORT, lambda ctx: run_import(platform, ctx))
    handlers.register(AGGREGATE, lambda ctx: run_aggregate(platform, ctx))
    handlers.register(FORECAST, lambda ctx: run_forecast_job(platform, ctx))
    handlers.register(BACKTEST, lambda ctx: run_backtest(platform, ctx))
    handlers.register(NEAR_REPEAT, lambda ctx: run_near_repeat(platform, ctx))
