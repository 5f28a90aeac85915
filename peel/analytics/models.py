"""Persistence for the analyst's workspace: crime datasets and their events, imports, forecasts and back-tests.

A dataset holds events from one source kind; every file imported into it is recorded with its SHA-256, so giving
the same file twice changes nothing, and events are keyed by (dataset, source id) so overlapping files replace
rather than duplicate. Forecasts keep the flagged cells (for the map and for patrol tasking) and the full export in
the interchange format; back-tests keep their status and, once done, the HTML report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from peel.db.base import Base

OWN_RECORDS = "own-records"


class CrimeDataset(Base):
    __tablename__ = "crime_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(16))  # police-uk, stl, toronto, csv, own-records
    created_at: Mapped[datetime]
    imported_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    crs: Mapped[str | None] = mapped_column(String(16), nullable=True)  # the metric CRS chosen for the events
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_summary: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # reason -> rows
    first_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_at: Mapped[datetime | None] = mapped_column(nullable=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # generic CSV column mapping


class CrimeImport(Base):
    """One file (or one pull of the platform's own records) folded into a dataset."""

    __tablename__ = "crime_imports"
    __table_args__ = (UniqueConstraint("dataset_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("crime_datasets.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120))  # display only, never used as a path
    imported_at: Mapped[datetime]
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    accepted: Mapped[int] = mapped_column(Integer)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    rejected_total: Mapped[int] = mapped_column(Integer, default=0)
    rejected_reasons: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # reason -> rows
    rejected_sample: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # first rows: line, reason


class CrimeEvent(Base):
    __tablename__ = "crime_events"
    __table_args__ = (
        UniqueConstraint("dataset_id", "source_id"),
        Index("ix_crime_events_dataset_id_occurred_at", "dataset_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("crime_datasets.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(String(128))
    occurred_at: Mapped[datetime]
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    crime_type: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(20))  # reported, officer-initiated, found-on-patrol, unknown
    victim_reported: Mapped[bool] = mapped_column(Boolean)
    # The source's statistical area (the LSOA code of data.police.uk rows), for population shares; null if none.
    area_code: Mapped[str | None] = mapped_column(String(16), nullable=True)


class HotspotForecast(Base):
    __tablename__ = "hotspot_forecasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("crime_datasets.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    method: Mapped[str] = mapped_column(String(24))  # the method actually run (``best`` resolved)
    requested_method: Mapped[str] = mapped_column(String(24))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    cell_size: Mapped[float] = mapped_column(Float)
    crs: Mapped[str] = mapped_column(String(16))
    coverage: Mapped[float] = mapped_column(Float)
    study_cells: Mapped[int] = mapped_column(Integer)
    training_events: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Top cells by score: {"x0": [...], "y0": [...], "score": [...]}, the first ``flagged`` of them flagged.
    cells: Mapped[dict[str, list[float]]] = mapped_column(JSON)
    flagged: Mapped[int] = mapped_column(Integer)
    fairness: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    export_csv: Mapped[str] = deferred(mapped_column(Text))


class BacktestRun(Base):
    __tablename__ = "backtest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("crime_datasets.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(12))  # queued, running, done, failed
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total_steps: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(String(500), default="")
    report_html: Mapped[str | None] = deferred(mapped_column(Text, nullable=True))
