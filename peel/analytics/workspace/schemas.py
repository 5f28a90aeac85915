"""API shapes for the analyst's workspace and patrol tasking."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from peel.analytics.models import BacktestRun, CrimeDataset, CrimeImport, HotspotForecast
from peel.analytics.workspace.datasets import ImportOutcome


class RejectedRow(BaseModel):
    file: str
    line: int
    reason: str


class DatasetOut(BaseModel):
    id: int
    name: str
    source: str
    imported_at: datetime
    crs: str | None
    event_count: int
    rejected_count: int
    rejected_summary: dict[str, int]
    first_at: datetime | None
    last_at: datetime | None

    @classmethod
    def of(cls, d: CrimeDataset) -> DatasetOut:
        return cls(
            id=d.id,
            name=d.name,
            source=d.source,
            imported_at=d.imported_at,
            crs=d.crs,
            event_count=d.event_count,
            rejected_count=d.rejected_count,
            rejected_summary=d.rejected_summary or {},
            first_at=d.first_at,
            last_at=d.last_at,
        )


class ImportOut(BaseModel):
    dataset: DatasetOut
    already_imported: bool
    accepted: int
    withdrawn: int
    rejected: int
    rejected_reasons: dict[str, int]
    rejected_rows: list[RejectedRow]

    @classmethod
    def of(cls, o: ImportOutcome) -> ImportOut:
        return cls(
            dataset=DatasetOut.of(o.dataset),
            already_imported=o.already_imported,
            accepted=o.accepted,
            withdrawn=o.withdrawn,
            rejected=o.rejected_total,
            rejected_reasons=o.rejected_reasons,
            rejected_rows=[RejectedRow(**r) for r in o.rejected_sample],
        )


class ImportRecordOut(BaseModel):
    label: str
    imported_at: datetime
    accepted: int
    withdrawn: int
    rejected: int
    rejected_reasons: dict[str, int]
    rejected_rows: list[RejectedRow]

    @classmethod
    def of(cls, i: CrimeImport) -> ImportRecordOut:
        return cls(
            label=i.label,
            imported_at=i.imported_at,
            accepted=i.accepted,
            withdrawn=i.withdrawn,
            rejected=i.rejected_total,
            rejected_reasons=i.rejected_reasons or {},
            rejected_rows=[RejectedRow(**r) for r in i.rejected_sample or []],
        )


class DatasetDetailOut(DatasetOut):
    by_type: dict[str, int]
    by_channel: dict[str, int]
    imports: list[ImportRecordOut]


class OwnRecordsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field("Peel's own records", min_length=1, max_length=120)


class ForecastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str = Field("best", max_length=24)
    start: date | None = None
    period: str = Field("7d", max_length=8)
    cell_size: float = Field(150.0, ge=25, le=5000)
    coverage: float = Field(0.05, gt=0, le=0.5)
    crime_types: list[str] = Field(default_factory=list, max_length=50)
    channels: list[str] = Field(default_factory=lambda: ["reported"], max_length=4)


class CellOut(BaseModel):
    rank: int
    x0: float
    y0: float
    score: float
    flagged: bool


class ForecastOut(BaseModel):
    id: int
    dataset_id: int
    method: str
    requested_method: str
    period_start: date
    period_end: date
    crs: str
    cell_size: float
    coverage: float
    study_cells: int
    training_events: int
    flagged: int
    cells: list[CellOut]
    fairness: dict[str, Any]
    export_url: str

    @classmethod
    def of(cls, f: HotspotForecast) -> ForecastOut:
        c = f.cells
        return cls(
            id=f.id,
            dataset_id=f.dataset_id,
            method=f.method,
            requested_method=f.requested_method,
            period_start=f.period_start.date(),
            period_end=f.period_end.date(),
            crs=f.crs,
            cell_size=f.cell_size,
            coverage=f.coverage,
            study_cells=f.study_cells,
            training_events=f.training_events,
            flagged=f.flagged,
            cells=[
                CellOut(rank=i + 1, x0=x, y0=y, score=s, flagged=i < f.flagged)
                for i, (x, y, s) in enumerate(zip(c["x0"], c["y0"], c["score"], strict=True))
            ],
            fairness=f.fairness,
            export_url=f"/api/v1/analytics/forecasts/{f.id}/export.csv",
        )


class BacktestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: date
    end: date
    period: str = Field("7d", max_length=8)
    cell_size: float = Field(150.0, ge=25, le=5000)
    methods: list[str] = Field(default_factory=list, max_length=8)


class BacktestOut(BaseModel):
    id: int
    dataset_id: int
    status: str
    progress: int
    total_steps: int
    parameters: dict[str, Any]
    summary: dict[str, Any]
    error: str
    report_url: str | None
    job_url: str | None = None  # the job that runs it: /api/v1/jobs/{id}

    @classmethod
    def of(cls, r: BacktestRun) -> BacktestOut:
        return cls(
            id=r.id,
            dataset_id=r.dataset_id,
            status=r.status,
            progress=r.progress,
            total_steps=r.total_steps,
            parameters=r.parameters,
            summary=r.summary,
            error=r.error,
            report_url=f"/api/v1/analytics/backtests/{r.id}/report" if r.status == "done" else None,
            job_url=f"/api/v1/jobs/{r.parameters['job_id']}" if r.parameters.get("job_id") else None,
        )


class KnoxIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    crime_type: str | None = Field(None, max_length=80)
    start: date | None = None
    end: date | None = None
    distance_bands: list[float] = Field(
        default_factory=lambda: [0.0, 100.0, 200.0, 300.0, 400.0], min_length=2, max_length=12
    )
    time_bands: list[float] = Field(default_factory=lambda: [0.0, 7.0, 14.0, 21.0, 28.0], min_length=2, max_length=12)
    permutations: int = Field(199, ge=19, le=999)
    fdr: float = Field(0.05, gt=0, lt=1)
