"""Patrol tasking over the API: make a plan from a forecast, list a team's tasks, log visits, read exposure."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from peel.analytics.patrol import service
from peel.analytics.patrol.models import PatrolPlan, PatrolVisit
from peel.analytics.workspace.runs import get_forecast
from peel.web.deps import Authorize, Ctx, RecordId

router = APIRouter(prefix="/api/v1/patrol", tags=["patrol"])


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    forecast_id: RecordId
    team: str = Field(min_length=1, max_length=80)
    eligible: int = Field(20, ge=1, le=500, description="Top cells of the forecast taking part (tasked + control).")
    control_share: float = Field(0.25, ge=0, lt=1, description="Share of the eligible cells held back as controls.")
    seed: int | None = Field(None, ge=0, lt=2**31, description="Randomisation seed; recorded (random if omitted).")
    minutes_per_task: int = Field(15, ge=5, le=240)


class PlanCellOut(BaseModel):
    cell_id: int
    rank: int
    arm: str
    score: float
    x0: float
    y0: float


class PlanOut(BaseModel):
    id: int
    forecast_id: RecordId
    team_id: int
    seed: int
    eligible_cells: int
    control_share: float
    period_start: datetime
    period_end: datetime
    cells: list[PlanCellOut]


class VisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minutes: int = Field(ge=1, le=720, description="Minutes spent in the cell.")
    visited_at: datetime | None = None


class PositionVisitIn(VisitIn):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class VisitOut(BaseModel):
    id: int
    cell_id: int
    minutes: int
    visited_at: datetime


def _visit_out(v: PatrolVisit) -> VisitOut:
    return VisitOut(id=v.id, cell_id=v.cell_id, minutes=v.minutes, visited_at=v.visited_at)


def plan_out(ctx: Ctx, plan: PatrolPlan) -> PlanOut:
    cells = service.exposure(ctx.uow, plan)["cells"]
    return PlanOut(
        id=plan.id,
        forecast_id=plan.forecast_id,
        team_id=plan.team_id,
        seed=plan.seed,
        eligible_cells=plan.eligible_cells,
        control_share=plan.control_share,
        period_start=plan.period_start,
        period_end=plan.period_end,
        cells=[PlanCellOut(**{k: c[k] for k in ("cell_id", "rank", "arm", "score", "x0", "y0")}) for c in cells],
    )


@router.post("/plans", response_model=PlanOut, status_code=201)
def create_plan(body: PlanIn, ctx: Annotated[Ctx, Depends(Authorize("patrol.plan"))]) -> PlanOut:
    """Top ``eligible`` forecast cells; a seeded random ``control_share`` of them are recorded as controls and not
    tasked; the rest become the team's patrol tasks."""
    forecast = get_forecast(ctx.uow, body.forecast_id)
    req = service.PlanRequest(body.team, body.eligible, body.control_share, body.seed, body.minutes_per_task)
    plan = service.create_plan(ctx.uow, forecast, req)
    out = plan_out(ctx, plan)
    ctx.uow.commit()
    return out


@router.get("/tasks")
def my_tasks(ctx: Annotated[Ctx, Depends(Authorize("patrol.read"))]) -> list[dict[str, Any]]:
    """Current patrol tasks for the caller's team (control cells are never listed)."""
    out = service.team_tasks(ctx.uow, ctx.uow.now())
    ctx.uow.commit()
    return out


@router.post("/tasks/{task_id}/visits", response_model=VisitOut, status_code=201)
def log_task_visit(task_id: RecordId, body: VisitIn, ctx: Annotated[Ctx, Depends(Authorize("patrol.log"))]) -> VisitOut:
    visit = service.log_visit(ctx.uow, task_id, body.minutes, body.visited_at)
    out = _visit_out(visit)
    ctx.uow.commit()
    return out


@router.post("/plans/{plan_id}/visits", response_model=VisitOut, status_code=201)
def log_position_visit(
    plan_id: RecordId, body: PositionVisitIn, ctx: Annotated[Ctx, Depends(Authorize("patrol.log"))]
) -> VisitOut:
    """Time spent at a position, credited to the plan cell containing it (treated or control)."""
    plan = service.get_plan(ctx.uow, plan_id)
    visit = service.log_position(ctx.uow, plan, body.lat, body.lon, body.minutes, body.visited_at)
    out = _visit_out(visit)
    ctx.uow.commit()
    return out


@router.get("/plans/{plan_id}/exposure")
def plan_exposure(plan_id: RecordId, ctx: Annotated[Ctx, Depends(Authorize("patrol.exposure"))]) -> dict[str, Any]:
    """Patrol minutes per cell, and per arm (treated vs control)."""
    plan = service.get_plan(ctx.uow, plan_id)
    out = {
        "plan_id": plan.id,
        "seed": plan.seed,
        "control_share": plan.control_share,
        **service.exposure(ctx.uow, plan),
    }
    ctx.uow.commit()
    return out
