"""Patrol pages: an officer's tasks on the phone (log a visit in two taps) and a plan's exposure by arm."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from peel.analytics.patrol import service
from peel.web.deps import Authorize, Ctx, PlatformDep, RecordId
from peel.workforce.models import Team

router = APIRouter(include_in_schema=False)


@router.get("/patrol", response_class=HTMLResponse)
def patrol_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("patrol.read"))]
) -> HTMLResponse:
    tasks = service.team_tasks(ctx.uow, ctx.uow.now())
    ctx.uow.commit()
    logged = request.query_params.get("logged", "")
    return platform.templates.TemplateResponse(
        request, "patrol/tasks.html", {"principal": ctx.principal, "tasks": tasks, "logged": logged}
    )


@router.post("/patrol/tasks/{task_id}/visits")
def log_visit_page(
    task_id: RecordId,
    ctx: Annotated[Ctx, Depends(Authorize("patrol.log"))],
    minutes: Annotated[int, Form(ge=1, le=720)],
) -> Response:
    service.log_visit(ctx.uow, task_id, minutes, None)
    ctx.uow.commit()
    return RedirectResponse(f"/patrol?logged={task_id}#task-{task_id}", status_code=303)


@router.get("/patrol/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    plan_id: RecordId,
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("patrol.exposure"))],
) -> HTMLResponse:
    plan = service.get_plan(ctx.uow, plan_id)
    team = ctx.uow.session.execute(select(Team.name).where(Team.id == plan.team_id)).scalar_one()
    exposure = service.exposure(ctx.uow, plan)
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request,
        "patrol/plan.html",
        {"principal": ctx.principal, "plan": plan, "team": team, "exposure": exposure},
    )
