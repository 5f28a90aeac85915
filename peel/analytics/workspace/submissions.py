"""What the workspace's requests do for long work: check the input, then submit a job (see ``jobs.py``).

Used alike by the API and the pages, so a bad form and a bad API call are refused the same way, before any job
exists. An upload is streamed to a server-named file under ``PEEL_DATA_DIR/uploads``; the job reads it from there.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import BinaryIO

from peel.analytics.models import CrimeDataset
from peel.analytics.workspace import jobs, runs, uploads
from peel.analytics.workspace.forecasting import ForecastRequest
from peel.analytics.workspace.knox import KnoxRequest
from peel.core.errors import InvalidInput
from peel.db.uow import UnitOfWork
from peel.jobs import JobView
from peel.platform import Platform


def submit_import(
    platform: Platform,
    uow: UnitOfWork,
    dataset: CrimeDataset | None,
    name: str,
    source: str,
    columns: str,
    filename: str | None,
    stream: BinaryIO,
) -> JobView:
    source = dataset.source if dataset is not None else uploads.check_source(source)
    if dataset is not None and source not in uploads.FILE_SOURCES:
        raise InvalidInput(f"dataset {dataset.id} is built from {source}, not from files")
    if dataset is None and not 1 <= len(name.strip()) <= 120:
        raise InvalidInput("give the dataset a name of 1–120 characters")
    mapping_text = columns or (str(dataset.mapping.get("columns", "")) if dataset is not None else "")
    if source == "csv":
        uploads.parse_mapping(mapping_text)
    target = jobs.upload_folder(platform) / f"{uuid.uuid4().hex}.upload"
    uploads.save_capped(iter(lambda: stream.read(uploads.CHUNK), b""), target, uploads.MAX_UPLOAD_BYTES)
    try:
        uploads.sniff_upload(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    params = {
        "file": target.name,
        "label": uploads.display_label(filename),
        "dataset_id": dataset.id if dataset is not None else None,
        "name": name.strip(),
        "source": source,
        "columns": mapping_text,
        "mapping": {"columns": columns} if columns and dataset is None else None,
    }
    return platform.jobs.submit(uow, jobs.IMPORT, params, "analytics.import")


def submit_aggregate(
    platform: Platform, uow: UnitOfWork, dataset: CrimeDataset, kind: str, resolution: int, cell_size: float
) -> JobView:
    params = {"dataset_id": dataset.id, "kind": kind, "resolution": resolution, "cell_size": cell_size}
    return platform.jobs.submit(uow, jobs.AGGREGATE, params, "analytics.read")


def submit_forecast(platform: Platform, uow: UnitOfWork, dataset: CrimeDataset, req: ForecastRequest) -> JobView:
    runs.check_forecast(req)
    body = {**asdict(req), "start": req.start.isoformat() if req.start else None}
    body["crime_types"], body["channels"] = list(req.crime_types), list(req.channels)
    return platform.jobs.submit(uow, jobs.FORECAST, {"dataset_id": dataset.id, "request": body}, "analytics.run")


def submit_backtest(platform: Platform, uow: UnitOfWork, dataset: CrimeDataset, req: runs.BacktestRequest) -> JobView:
    run = runs.create_backtest(uow, dataset, req)
    job = platform.jobs.submit(uow, jobs.BACKTEST, {"run_id": run.id}, "analytics.run")
    run.parameters = {**run.parameters, "job_id": job.id}
    return job


def submit_near_repeat(platform: Platform, uow: UnitOfWork, dataset: CrimeDataset, req: KnoxRequest) -> JobView:
    body = {
        "crime_type": req.crime_type,
        "start": req.start.isoformat() if req.start else None,
        "end": req.end.isoformat() if req.end else None,
        "distance_bands": list(req.distance_bands),
        "time_bands": list(req.time_bands),
        "permutations": req.permutations,
        "fdr": req.fdr,
    }
    return platform.jobs.submit(uow, jobs.NEAR_REPEAT, {"dataset_id": dataset.id, "request": body}, "analytics.run")
