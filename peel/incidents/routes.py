"""Incidents over the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from peel.incidents import schemas, service
from peel.incidents.presenters import incident_out
from peel.web.deps import Authorize, Ctx
from peel.workforce.models import Team

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


@router.get("", response_model=list[schemas.IncidentOut])
def list_incidents(
    ctx: Annotated[Ctx, Depends(Authorize("incident.list"))],
    status: schemas.Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[schemas.IncidentOut]:
    incidents = service.list_incidents(ctx.uow, status, limit)
    teams = dict(ctx.uow.session.execute(select(Team.id, Team.name)).all())
    out = [incident_out(ctx.uow, i, teams) for i in incidents]
    ctx.uow.commit()
    return out


@router.post("", response_model=schemas.IncidentOut, status_code=201)
def open_incident(
    body: schemas.IncidentIn, ctx: Annotated[Ctx, Depends(Authorize("incident.create"))]
) -> schemas.IncidentOut:
    incident = service.open_incident(ctx.uow, body)
    out = incident_out(ctx.uow, incident)
    ctx.uow.commit()
    return out


@router.get("/{ref}", response_model=schemas.IncidentOut)
def read_incident(ref: str, ctx: Annotated[Ctx, Depends(Authorize("incident.read"))]) -> schemas.IncidentOut:
    out = incident_out(ctx.uow, service.load_incident(ctx.uow, ref))
    ctx.uow.commit()
    return out


@router.patch("/{ref}", response_model=schemas.IncidentOut)
def update_incident(
    ref: str, body: schemas.IncidentPatch, ctx: Annotated[Ctx, Depends(Authorize("incident.update"))]
) -> schemas.IncidentOut:
    out = incident_out(ctx.uow, service.update_incident(ctx.uow, ref, body))
    ctx.uow.commit()
    return out
