"""How an incident is shown over the API and on pages (the record to its response schema)."""

from __future__ import annotations

from sqlalchemy import select

from peel.db.uow import UnitOfWork
from peel.identity.access import where_visible
from peel.incidents import schemas, service
from peel.incidents.models import Incident
from peel.people.presenters import location_out
from peel.workforce.models import Team


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
    # The incident merged into may be restricted: its ref is shown only to those who may read it.
    seen = where_visible(uow, "incident.read", "incident", Incident)
    return uow.session.execute(select(Incident.ref).where(Incident.id == incident_id, seen)).scalar_one_or_none()
