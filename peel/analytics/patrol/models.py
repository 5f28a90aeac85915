"""Persistence for patrol tasking: a plan made from a forecast, its cells (tasked or control) and logged visits.

Place-based only: cells and minutes spent in them, never scores for people. A visit records which account logged
it (for the audit trail and to stop anonymous edits), not a judgement about the officer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from peel.db.base import Base

TREATED = "treated"
CONTROL = "control"


class PatrolPlan(Base):
    __tablename__ = "patrol_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    forecast_id: Mapped[int] = mapped_column(ForeignKey("hotspot_forecasts.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    eligible_cells: Mapped[int] = mapped_column(Integer)
    control_share: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    minutes_per_task: Mapped[int] = mapped_column(Integer, default=15)


class PatrolCell(Base):
    __tablename__ = "patrol_cells"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plans.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)  # 1 = highest forecast score
    arm: Mapped[str] = mapped_column(String(8))  # treated (tasked) or control (recorded, not tasked)
    x0: Mapped[float] = mapped_column(Float)
    y0: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)  # centre, WGS84
    lon: Mapped[float] = mapped_column(Float)
    outline: Mapped[list[list[float]]] = mapped_column(JSON)  # [[lat, lon], ...] corners for the map


class PatrolVisit(Base):
    __tablename__ = "patrol_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("patrol_cells.id", ondelete="CASCADE"), index=True)
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    minutes: Mapped[int] = mapped_column(Integer)
    visited_at: Mapped[datetime]
    logged_at: Mapped[datetime]
    how: Mapped[str] = mapped_column(String(10))  # "task" (from the task list) or "position" (from a location)
