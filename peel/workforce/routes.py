"""Stations, teams, officers and units over the API, plus the units page and status changes (parse, call, render)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from peel.identity import policy
from peel.web.deps import Authorize, Ctx, PlatformDep
from peel.workforce import service
from peel.workforce.models import Unit

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
    out = [
        StationOut(code=s.code, name=s.name, address=s.address, postcode=s.postcode, lat=s.lat, lon=s.lon)
        for s in service.list_stations(ctx.uow)
    ]
    ctx.uow.commit()
    return out


@router.get("/api/v1/teams", response_model=list[TeamOut])
def teams(ctx: Annotated[Ctx, Depends(Authorize("workforce.read"))]) -> list[TeamOut]:
    stations = service.station_names(ctx.uow)
    out = [
        TeamOut(
            name=t.name,
            kind=t.kind,
            station=stations.get(t.station_id) if t.station_id else None,
            shift_pattern=t.shift_pattern,
        )
        for t in service.list_teams(ctx.uow)
    ]
    ctx.uow.commit()
    return out


@router.get("/api/v1/officers", response_model=list[OfficerOut])
def officers(ctx: Annotated[Ctx, Depends(Authorize("workforce.read"))]) -> list[OfficerOut]:
    names = service.team_names(ctx.uow)
    out = [
        OfficerOut(
            collar_number=o.collar_number,
            rank=o.rank,
            name=f"{o.forenames} {o.surname}",
            team=names.get(o.team_id) if o.team_id else None,
            skills=list(o.skills),
        )
        for o in service.list_officers(ctx.uow)
    ]
    ctx.uow.commit()
    return out


@router.get("/api/v1/units", response_model=list[UnitOut])
def units(ctx: Annotated[Ctx, Depends(Authorize("unit.read"))]) -> list[UnitOut]:
    names = service.team_names(ctx.uow)
    out = [_unit_out(u, names) for u in service.list_units(ctx.uow)]
    ctx.uow.commit()
    return out


@router.post("/api/v1/units/{callsign}/status", response_model=UnitOut)
def set_unit_status(
    callsign: str, body: StatusIn, ctx: Annotated[Ctx, Depends(Authorize("unit.update_status"))]
) -> UnitOut:
    unit = service.set_unit_status(ctx.uow, callsign, body.status, body.lat, body.lon, ctx.uow.now())
    out = _unit_out(unit, service.team_names(ctx.uow))
    ctx.uow.commit()
    return out


@router.get("/units", response_class=HTMLResponse, include_in_schema=False)
def units_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("unit.read"))]
) -> HTMLResponse:
    names = service.team_names(ctx.uow)
    rows = [_unit_out(u, names) for u in service.list_units(ctx.uow)]
    ctx.uow.commit()
    can_update = policy.may_attempt(ctx.principal.role, "unit.update_status")
    return platform.templates.TemplateResponse(
        request, "units.html", {"principal": ctx.principal, "units": rows, "can_update": can_update}
    )
