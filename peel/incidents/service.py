"""Incident use cases: open, read, list (scoped to what the user may see), update. Each raises an event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from peel.core.errors import InvalidInput
from peel.db.references import next_reference
from peel.db.uow import UnitOfWork
from peel.events.domain import DomainEvent
from peel.identity.access import Subject, grant, not_found, require, stamp, where_visible
from peel.incidents import schemas
from peel.incidents.models import Incident, IncidentPerson
from peel.people.models import Person
from peel.people.service import create_location
from peel.workforce.models import Team


def _team_id(uow: UnitOfWork, name: str | None) -> int | None:
    if not name:
        return None
    team_id = uow.session.execute(select(Team.id).where(Team.name == name)).scalar_one_or_none()
    if team_id is None:
        raise InvalidInput(f"no team called {name!r}")
    return team_id


def open_incident(uow: UnitOfWork, data: schemas.IncidentIn, synthetic: bool = False) -> Incident:
    now = uow.now()
    team_id = _team_id(uow, data.team)
    links: list[IncidentPerson] = []
    for link in data.people:
        person_id = uow.session.execute(select(Person.id).where(Person.ref == link.person_ref)).scalar_one_or_none()
        if person_id is None:
            raise InvalidInput(f"no person {link.person_ref}")
        if all((x.person_id, x.role) != (person_id, link.role) for x in links):
            links.append(IncidentPerson(person_id=person_id, role=link.role))
    location = create_location(uow, data.location) if data.location else None
    incident = Incident(
        ref=next_reference(uow.session, "INC", now),
        opened_at=now,
        channel=data.channel,
        category=data.category,
        summary=data.summary,
        grade=data.grade,
        status="open",
        location_id=location.id if location else None,
        location=location,
        team_id=team_id,
        restricted=data.restricted,
        synthetic=synthetic,
        created_by=uow.actor.user_id,
    )
    incident.people = links
    uow.session.add(incident)
    uow.session.flush()
    if data.restricted and uow.actor.user_id is not None:
        grant(uow, "incident", incident.id, uow.actor.user_id)  # as for people and cases: the author may see it
    uow.audit("incident.create", "incident", incident.ref)
    uow.emit(incident_event(uow, "IncidentCreated", incident))
    return incident


def subject(incident: Incident) -> Subject:
    """The incident as the access API sees it."""
    return Subject("incident", incident.id, incident.ref, incident.team_id, incident.restricted)


def incident_event(
    uow: UnitOfWork, name: str, incident: Incident, payload: dict[str, Any] | None = None
) -> DomainEvent:
    """An event about an incident, carrying what deciding who may see it needs."""
    return stamp(uow, subject(incident), DomainEvent(name, "incident", incident.ref, payload or _payload(incident)))


def _payload(incident: Incident) -> dict[str, Any]:
    return {
        "ref": incident.ref,
        "category": incident.category,
        "grade": incident.grade,
        "status": incident.status,
        "lat": incident.location.lat if incident.location else None,
        "lon": incident.location.lon if incident.location else None,
    }


def load_incident(uow: UnitOfWork, ref: str, action: str = "incident.read") -> Incident:
    incident = uow.session.execute(select(Incident).where(Incident.ref == ref)).scalar_one_or_none()
    if incident is None:
        raise not_found("incident", ref)
    require(uow, action, subject(incident))
    return incident


def update_incident(uow: UnitOfWork, ref: str, patch: schemas.IncidentPatch) -> Incident:
    incident = load_incident(uow, ref, "incident.update")
    changes = []
    if patch.grade is not None and patch.grade != incident.grade:
        changes.append(f"grade {incident.grade}→{patch.grade}")
        incident.grade = patch.grade
    if patch.status is not None and patch.status != incident.status:
        changes.append(f"status {incident.status}→{patch.status}")
        incident.status = patch.status
        incident.closed_at = uow.now() if patch.status in ("resolved", "closed") else None
    if patch.attended and incident.attended_at is None:
        incident.attended_at = uow.now()
        changes.append("attended")
    if patch.team is not None:
        incident.team_id = _team_id(uow, patch.team)
        changes.append(f"team→{patch.team}")
    uow.session.flush()
    uow.audit("incident.update", "incident", incident.ref, detail="; ".join(changes))
    if changes:
        uow.emit(incident_event(uow, "IncidentUpdated", incident))
    return incident


def list_incidents(uow: UnitOfWork, status: str | None = None, limit: int = 100) -> list[Incident]:
    stmt = select(Incident).order_by(Incident.opened_at.desc(), Incident.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Incident.status == status)
    stmt = stmt.where(where_visible(uow, "incident.list", "incident", Incident))
    incidents = list(uow.session.execute(stmt).scalars().unique())
    uow.audit_list("incident.list", "incident", [i.ref for i in incidents], detail=f"status={status}" if status else "")
    return incidents


def people_refs(uow: UnitOfWork, incident: Incident) -> dict[int, str]:
    """The refs of the people linked to the incident whom the user may see."""
    ids = [link.person_id for link in incident.people]
    if not ids:
        return {}
    seen = where_visible(uow, "person.read", "person", Person)  # a restricted person is not named on the incident
    rows = uow.session.execute(select(Person.id, Person.ref).where(Person.id.in_(ids), seen))
    return {person_id: ref for person_id, ref in rows}
