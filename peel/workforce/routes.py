"""Stations, teams, officers and units over the API, plus the units page and status changes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from peel.core.clock import utcnow
from peel.core.errors import NotFound
from peel.db.uow import UnitOfWork
from peel.events.domain import DomainEvent
from peel.identity import policy
from peel.web.deps import Authorize, Ctx, PlatformDep
from peel.workforce.models import Officer, Station, Team, Unit

router = APIRouter(tags=["workforce"])

UnitStatus = Literal["available", "assigned", "en_route", "on_scene", "committed", "off_duty"]


class StationOut(BaseModel):
    code: str
    name: str
    address: str
    postcode: str
    lat: float
    lon: float


class TeamOut(BaseModel):
    name: str
    kind: str
    station: str | None
    shift_pattern: str


class OfficerOut(BaseModel):
    collar_number: str
    rank: str
    name: str
    team: str | None
    skills: list[str]


class UnitOut(BaseModel):
    callsign: str
    kind: str
    status: str
    team: str | None
    skills: list[str]
    lat: float | None
    lon: float | None


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: UnitStatus
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


def _teams(uow: UnitOfWork) -> dict[int, str]:
    return dict(uow.session.execute(select(Team.id, Team.name)).all())


def _unit_out(unit: Unit, teams: dict[int, str]) -> UnitOut:
    return UnitOut(
        callsign=unit.callsign,
        kind=unit.kind,
        status=unit.status,
        team=teams.get(unit.team_id) if unit.team_id else None,
        skills=list(unit.skills),
        lat=unit.lat,
        lon=unit.lon,
    )


@router.get("/api/v1/stations", response_model=list[StationOut])
def stations(ctx: Annotated[Ctx, Depends(Authorize("workforce.read"))]) -> list[StationOut]:
    rows = ctx.uow.session.execute(select(Station).order_by(Station.code)).scalars()
    out = [
        StationOut(code=s.code, name=s.name, address=s.address, postcode=s.postcode, lat=s.lat, lon=s.lon) for s in rows
    ]
    ctx.uow.commit()
    return out


@router.get("/api/v1/teams", response_model=list[TeamOut])
def teams(ctx: Annotated[Ctx, Depends(Authorize("workforce.read"))]) -> list[TeamOut]:
    stations = dict(ctx.uow.session.execute(select(Station.id, Station.name)).all())
    rows = ctx.uow.session.execute(select(Team).order_by(Team.name)).scalars()
    out = [
        TeamOut(
            name=t.name,
            kind=t.kind,
            station=stations.get(t.station_id) if t.station_id else None,
            shift_pattern=t.shift_pattern,
        )
        for t in rows
    ]
    ctx.uow.commit()
    return out


@router.get("/api/v1/officers", response_model=list[OfficerOut])
def officers(ctx: Annotated[Ctx, Depends(Authorize("workforce.read"))]) -> list[OfficerOut]:
    names = _teams(ctx.uow)
    rows = ctx.uow.session.execute(select(Officer).order_by(Officer.collar_number)).scalars()
    out = [
        OfficerOut(
            collar_number=o.collar_number,
            rank=o.rank,
            name=f"{o.forenames} {o.surname}",
            team=names.get(o.team_id) if o.team_id else None,
            skills=list(o.skills),
        )
        for o in rows
    ]
    ctx.uow.commit()
    return out


@router.get("/api/v1/units", response_model=list[UnitOut])
def units(ctx: Annotated[Ctx, Depends(Authorize("unit.read"))]) -> list[UnitOut]:
    names = _teams(ctx.uow)
    out = [_unit_out(u, names) for u in ctx.uow.session.execute(select(Unit).order_by(Unit.callsign)).scalars()]
    ctx.uow.commit()
    return out


@router.post("/api/v1/units/{callsign}/status", response_model=UnitOut)
def set_unit_status(
    callsign: str, body: StatusIn, ctx: Annotated[Ctx, Depends(Authorize("unit.update_status"))]
) -> UnitOut:
    unit = ctx.uow.session.execute(select(Unit).where(Unit.callsign == callsign.upper())).scalar_one_or_none()
    if unit is None:
        raise NotFound(f"no unit {callsign}")
    relation = policy.Relation(same_team=unit.team_id is not None and unit.team_id == ctx.principal.team_id)
    if not policy.may(ctx.principal.role, "unit.update_status", relation):
        from peel.core.errors import Forbidden

        ctx.uow.record_outcome("unit.update_status", "unit", unit.callsign, "denied", "not your team's unit")
        raise Forbidden("you may only change the status of your own team's units")
    previous = unit.status
    unit.status = body.status
    unit.status_changed_at = utcnow()
    if body.lat is not None and body.lon is not None:
        unit.lat, unit.lon = body.lat, body.lon
    ctx.uow.audit("unit.update_status", "unit", unit.callsign, detail=f"{previous}→{body.status}")
    ctx.uow.emit(
        DomainEvent(
            name="UnitStatusChanged",
            object_type="unit",
            object_id=unit.callsign,
            team_id=unit.team_id,
            payload={
                "callsign": unit.callsign,
                "from": previous,
                "to": body.status,
                "lat": unit.lat,
                "lon": unit.lon,
            },
        )
    )
    out = _unit_out(unit, _teams(ctx.uow))
    ctx.uow.commit()
    return out


@router.get("/units", response_class=HTMLResponse, include_in_schema=False)
def units_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("unit.read"))]
) -> HTMLResponse:
    names = _teams(ctx.uow)
    rows = [_unit_out(u, names) for u in ctx.uow.session.execute(select(Unit).order_by(Unit.callsign)).scalars()]
    ctx.uow.commit()
    can_update = policy.may_attempt(ctx.principal.role, "unit.update_status")
    return platform.templates.TemplateResponse(
        request, "units.html", {"principal": ctx.principal, "units": rows, "can_update": can_update}
    )
