"""Workforce use cases: stations, teams, officers and units as staff may see them, and unit status changes.

Each read is audited (who looked at the force's deployment and when); a status change is checked against the
unit's team through the access API and raises an event carrying that team.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from peel.db.uow import UnitOfWork
from peel.events.domain import DomainEvent
from peel.identity.access import Subject, not_found, require, stamp, where_visible
from peel.workforce.models import Officer, Station, Team, Unit


def team_names(uow: UnitOfWork) -> dict[int, str]:
    return {team_id: name for team_id, name in uow.session.execute(select(Team.id, Team.name))}


def station_names(uow: UnitOfWork) -> dict[int, str]:
    return {station_id: name for station_id, name in uow.session.execute(select(Station.id, Station.name))}


def list_stations(uow: UnitOfWork) -> list[Station]:
    rows = list(uow.session.execute(select(Station).order_by(Station.code)).scalars())
    uow.audit("workforce.read", "station", "*", detail=",".join(s.code for s in rows)[:2000])
    return rows


def list_teams(uow: UnitOfWork) -> list[Team]:
    rows = list(uow.session.execute(select(Team).order_by(Team.name)).scalars())
    uow.audit("workforce.read", "team", "*", detail=",".join(t.name for t in rows)[:2000])
    return rows


def list_officers(uow: UnitOfWork) -> list[Officer]:
    rows = list(uow.session.execute(select(Officer).order_by(Officer.collar_number)).scalars())
    uow.audit("workforce.read", "officer", "*", detail=",".join(o.collar_number for o in rows)[:2000])
    return rows


def list_units(uow: UnitOfWork, *, located_only: bool = False) -> list[Unit]:
    stmt = select(Unit).where(where_visible(uow, "unit.read", "unit", Unit)).order_by(Unit.callsign)
    if located_only:
        stmt = stmt.where(Unit.lat.is_not(None), Unit.lon.is_not(None))
    rows = list(uow.session.execute(stmt).scalars())
    uow.audit("unit.read", "unit", "*", detail=",".join(u.callsign for u in rows)[:2000])
    return rows


def unit_subject(unit: Unit) -> Subject:
    return Subject("unit", unit.id, unit.callsign, unit.team_id)


def set_unit_status(
    uow: UnitOfWork, callsign: str, status: str, lat: float | None, lon: float | None, now: datetime
) -> Unit:
    unit = uow.session.execute(select(Unit).where(Unit.callsign == callsign.upper())).scalar_one_or_none()
    if unit is None:
        raise not_found("unit", callsign)
    previous = unit.status
    require(uow, "unit.update_status", unit_subject(unit), detail=f"{previous}→{status}")
    unit.status = status
    unit.status_changed_at = now
    if lat is not None and lon is not None:
        unit.lat, unit.lon = lat, lon
    payload = {"callsign": unit.callsign, "from": previous, "to": status, "lat": unit.lat, "lon": unit.lon}
    uow.emit(stamp(uow, unit_subject(unit), DomainEvent("UnitStatusChanged", "unit", unit.callsign, payload)))
    return unit
