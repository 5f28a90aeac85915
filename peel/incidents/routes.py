"""Incidents over the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from peel.db.uow import UnitOfWork
from peel.incidents import schemas, service
from peel.incidents.models import Incident
from peel.people.routes import location_out
from peel.web.deps import Authorize, Ctx
from peel.workforce.models import Team

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


def incident_out(uow: UnitOfWork, incident: Incident, teams: dict[int, str] | None = None) -> schemas.IncidentOut:
    if teams is None:
        teams = dict(uow.session.execute(select(Team.id, Team.name)).all())
    refs = service.people_refs(uow, incident)
    return schemas.IncidentOut(
        ref=incident.ref,
        opened_at=incident.opened_at,
        channel=incident.channel,
        category=incident.category,
        summary=incident.summary,
        grade=incident.grade,
        status=incident.status,
        location=location_out(incident.location) if incident.location else None,
        team=teams.get(incident.team_id) if incident.team_id else None,
        people=[
            schemas.LinkOut(person_ref=refs[link.person_id], role=link.role)
            for link in incident.people
            if link.person_id in refs
        ],
        restricted=incident.restricted,
        synthetic=incident.synthetic,
        attended_at=incident.attended_at,
        resolution=incident.resolution,
        merged_into=_ref_of(uow, incident.merged_into_id),
    )


def _ref_of(uow: UnitOfWork, incident_id: int | None) -> str | None:
    if incident_id is None:
        return None
    return uow.session.execute(select(Incident.ref).where(Incident.id == incident_id)).scalar_one_or_none()


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
