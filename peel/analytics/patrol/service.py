"""Patrol tasking use cases: a plan from a forecast, a team's tasks, logging visits, exposure by arm.

Officers see only their team's treated cells; control cells are never shown to them as tasks. A visit can be
logged against a task, or against a position (as a phone would report it), which may fall in a control cell:
that is how exposure in control cells is measured. Task creation and every visit are audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pyproj import Transformer
from sqlalchemy import func, select

from peel.analytics.models import HotspotForecast
from peel.analytics.patrol.models import CONTROL, TREATED, PatrolCell, PatrolPlan, PatrolVisit
from peel.analytics.patrol.tasking import assign_arms
from peel.analytics.workspace.forecasting import cell_outlines
from peel.core.errors import Forbidden, InvalidInput, NotFound
from peel.db.uow import UnitOfWork
from peel.events.domain import DomainEvent
from peel.identity import access
from peel.workforce.models import Team


@dataclass(frozen=True)
class PlanRequest:
    team: str
    eligible: int = 20
    control_share: float = 0.25
    seed: int | None = None
    minutes_per_task: int = 15


def find_team(uow: UnitOfWork, team: str) -> Team:
    found = uow.session.execute(select(Team).where(Team.name == team.strip())).scalars().first()
    if found is None:
        raise InvalidInput(f"no team called {team!r}")
    return found


def create_plan(uow: UnitOfWork, forecast: HotspotForecast, req: PlanRequest) -> PatrolPlan:
    """Top ``eligible`` cells of the forecast; a seeded random share become controls (recorded, not tasked)."""
    team = find_team(uow, req.team)
    available = len(forecast.cells["score"])
    if not 1 <= req.eligible <= available:
        raise InvalidInput(f"choose between 1 and {available} eligible cells")
    if not 5 <= req.minutes_per_task <= 240:
        raise InvalidInput("minutes per task must be between 5 and 240")
    seed = req.seed if req.seed is not None else secrets.randbelow(2**31)
    if not 0 <= seed < 2**31:
        raise InvalidInput("the seed must be between 0 and 2147483647")
    try:
        arms = assign_arms(req.eligible, req.control_share, seed)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    plan = PatrolPlan(
        forecast_id=forecast.id,
        team_id=team.id,
        created_at=uow.now(),
        created_by=uow.actor.user_id,
        eligible_cells=req.eligible,
        control_share=req.control_share,
        seed=seed,
        period_start=forecast.period_start,
        period_end=forecast.period_end,
        minutes_per_task=req.minutes_per_task,
    )
    uow.session.add(plan)
    uow.session.flush()
    c = forecast.cells
    outlines = cell_outlines(forecast.crs, forecast.cell_size, c["x0"][: req.eligible], c["y0"][: req.eligible])
    for i, (arm, ring) in enumerate(zip(arms, outlines, strict=True)):
        lat = sum(p[0] for p in ring) / 4
        lon = sum(p[1] for p in ring) / 4
        uow.session.add(
            PatrolCell(plan_id=plan.id, rank=i + 1, arm=arm, x0=c["x0"][i], y0=c["y0"][i], score=c["score"][i],
                       lat=lat, lon=lon, outline=ring)
        )  # fmt: skip
    treated = arms.count(TREATED)
    uow.audit(
        "patrol.plan",
        "patrol_plan",
        plan.id,
        f"forecast {forecast.id} → team {team.name}: {treated} tasks, {req.eligible - treated} control cells, "
        f"seed {seed}",
    )
    uow.emit(DomainEvent("PatrolTasksIssued", "patrol", str(plan.id), {"tasks": treated}, team_id=team.id))
    return plan


def get_plan(uow: UnitOfWork, plan_id: int) -> PatrolPlan:
    plan = uow.session.get(PatrolPlan, plan_id)
    if plan is None:
        raise NotFound(f"no patrol plan {plan_id}")
    return plan


def check_team(uow: UnitOfWork, action: str, plan: PatrolPlan) -> None:
    """Officers act on their own team's plans only; a refusal is audited durably (the caller audits success)."""
    if not access.decide(uow, action, access.Subject("patrol_plan", plan.id, str(plan.id), plan.team_id)):
        uow.record_outcome(action, "patrol_plan", plan.id, "denied", "not this team's patrol plan")
        raise Forbidden("this patrol plan belongs to another team")


def _minutes_by_cell(uow: UnitOfWork, cell_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not cell_ids:
        return {}
    stmt = (
        select(PatrolVisit.cell_id, func.coalesce(func.sum(PatrolVisit.minutes), 0), func.count())
        .where(PatrolVisit.cell_id.in_(cell_ids))
        .group_by(PatrolVisit.cell_id)
    )
    return {int(cid): (int(m), int(n)) for cid, m, n in uow.session.execute(stmt).all()}


def team_tasks(uow: UnitOfWork, now: datetime) -> list[dict[str, Any]]:
    """The caller's tasks: treated cells of current plans (own team only, unless the role sees every team)."""
    stmt = select(PatrolPlan, Team.name).join(Team, Team.id == PatrolPlan.team_id).where(PatrolPlan.period_end > now)
    stmt = stmt.where(access.where_visible(uow, "patrol.read", "patrol_plan", PatrolPlan))
    plans = uow.session.execute(stmt.order_by(PatrolPlan.id.desc())).all()
    out: list[dict[str, Any]] = []
    for plan, team_name in plans:
        stmt_cells = select(PatrolCell).where(PatrolCell.plan_id == plan.id, PatrolCell.arm == TREATED)
        cells = list(uow.session.execute(stmt_cells.order_by(PatrolCell.rank)).scalars())
        done = _minutes_by_cell(uow, [c.id for c in cells])
        for n, cell in enumerate(cells, start=1):
            minutes, visits = done.get(cell.id, (0, 0))
            out.append({"id": cell.id, "plan_id": plan.id, "team": team_name, "number": n, "lat": cell.lat,
                        "lon": cell.lon, "outline": cell.outline, "period_start": plan.period_start,
                        "period_end": plan.period_end, "minutes_target": plan.minutes_per_task,
                        "minutes_logged": minutes, "visits": visits})  # fmt: skip
    uow.audit("patrol.read", "patrol_task", "*", f"{len(out)} tasks listed")
    return out


def log_visit(uow: UnitOfWork, cell_id: int, minutes: int, visited_at: datetime | None) -> PatrolVisit:
    """A visit to a task (a treated cell); control cells are not tasks, so they are not found here."""
    cell = uow.session.get(PatrolCell, cell_id)
    if cell is None or cell.arm != TREATED:
        raise NotFound(f"no patrol task {cell_id}")
    return _record(uow, get_plan(uow, cell.plan_id), cell, minutes, visited_at, "task")


def log_position(
    uow: UnitOfWork, plan: PatrolPlan, lat: float, lon: float, minutes: int, visited_at: datetime | None
) -> PatrolVisit:
    """A visit reported by position: credited to whichever plan cell (treated or control) contains it."""
    forecast = uow.session.get(HotspotForecast, plan.forecast_id)
    assert forecast is not None  # a plan cannot outlive its forecast (cascade)
    x, y = Transformer.from_crs("EPSG:4326", forecast.crs, always_xy=True).transform(lon, lat)
    size = forecast.cell_size
    for cell in uow.session.execute(select(PatrolCell).where(PatrolCell.plan_id == plan.id)).scalars():
        if cell.x0 <= x < cell.x0 + size and cell.y0 <= y < cell.y0 + size:
            return _record(uow, plan, cell, minutes, visited_at, "position")
    raise InvalidInput("that position is not in any cell of this patrol plan")


def _record(
    uow: UnitOfWork, plan: PatrolPlan, cell: PatrolCell, minutes: int, visited_at: datetime | None, how: str
) -> PatrolVisit:
    check_team(uow, "patrol.log", plan)
    if not 1 <= minutes <= 720:
        raise InvalidInput("minutes in the cell must be between 1 and 720")
    now = uow.now()
    when = visited_at or now
    if when.tzinfo is None or when > now:
        raise InvalidInput("the visit time must be a past time with a time zone")
    visit = PatrolVisit(cell_id=cell.id, logged_by=uow.actor.user_id, minutes=minutes, visited_at=when,
                        logged_at=now, how=how)  # fmt: skip
    uow.session.add(visit)
    uow.session.flush()
    uow.audit("patrol.log", "patrol_cell", cell.id, f"plan {plan.id}: {minutes} min ({how})")
    return visit


def exposure(uow: UnitOfWork, plan: PatrolPlan) -> dict[str, Any]:
    """Minutes and visits per cell, and per arm: the dose that the impact comparison needs."""
    cells = list(
        uow.session.execute(select(PatrolCell).where(PatrolCell.plan_id == plan.id).order_by(PatrolCell.rank)).scalars()
    )
    done = _minutes_by_cell(uow, [c.id for c in cells])
    rows: list[dict[str, Any]] = []
    for c in cells:
        minutes, visits = done.get(c.id, (0, 0))
        rows.append({"cell_id": c.id, "rank": c.rank, "arm": c.arm, "score": c.score, "x0": c.x0, "y0": c.y0,
                     "lat": c.lat, "lon": c.lon, "outline": c.outline, "minutes": minutes,
                     "visits": visits})  # fmt: skip
    arms = {}
    for arm in (TREATED, CONTROL):
        sel = [r for r in rows if r["arm"] == arm]
        total = sum(r["minutes"] for r in sel)
        arms[arm] = {
            "cells": len(sel),
            "minutes": total,
            "mean_minutes": total / len(sel) if sel else 0.0,
            "cells_visited": sum(1 for r in sel if r["visits"]),
            "mean_score": sum(r["score"] for r in sel) / len(sel) if sel else 0.0,
        }
    uow.audit("patrol.exposure", "patrol_plan", plan.id, "exposure read")
    return {"cells": rows, "arms": arms}


def plans(uow: UnitOfWork) -> list[tuple[PatrolPlan, str]]:
    stmt = select(PatrolPlan, Team.name).join(Team, Team.id == PatrolPlan.team_id).order_by(PatrolPlan.id.desc())
    return [(p, n) for p, n in uow.session.execute(stmt.limit(50)).all()]
