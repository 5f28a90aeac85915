"""What the incident page shows beyond the record: the SLA timer, THRIVE history, every contact and caller,
proposed duplicates and the updates the reporter sees. Each part appears only for roles the policy allows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peel.contact import callers, grading, intake, thrive
from peel.contact.models import ReportUpdate, ThriveRecord
from peel.db.uow import UnitOfWork
from peel.identity import policy
from peel.incidents.models import Incident
from peel.settings import Settings


def urban_flags(session: Session, incident_ids: Sequence[int]) -> dict[int, bool]:
    """Whether each incident is urban, as its latest THRIVE assessment says (the handler decides it per call).

    An incident with no assessment is absent; callers treat it as urban, the stricter G1 target.
    """
    if not incident_ids:
        return {}
    latest = (
        select(ThriveRecord.incident_id, func.max(ThriveRecord.version).label("version"))
        .where(ThriveRecord.incident_id.in_(incident_ids))
        .group_by(ThriveRecord.incident_id)
        .subquery()
    )
    rows = session.execute(
        select(ThriveRecord.incident_id, ThriveRecord.urban).join(
            latest,
            (ThriveRecord.incident_id == latest.c.incident_id) & (ThriveRecord.version == latest.c.version),
        )
    ).all()
    return {incident_id: bool(urban) for incident_id, urban in rows}


def timers(uow: UnitOfWork, incidents: Sequence[Incident], settings: Settings) -> dict[str, thrive.SlaState]:
    """The visible SLA timer of each graded incident that is still live, against its urban or rural target."""
    goals, now = grading.targets(settings), uow.now()
    live = [i for i in incidents if i.grade and i.status in ("open", "assigned")]
    urban = urban_flags(uow.session, [i.id for i in live])
    return {
        i.ref: thrive.sla_state(i.grade, i.opened_at, now, i.attended_at, goals, urban=urban.get(i.id, True))
        for i in live
        if i.grade
    }


def gather(uow: UnitOfWork, incident: Incident, role: str, settings: Settings) -> dict[str, Any]:
    goals, now = grading.targets(settings), uow.now()
    urban = urban_flags(uow.session, [incident.id]).get(incident.id, True)
    out: dict[str, Any] = {
        "sla": thrive.sla_state(incident.grade, incident.opened_at, now, incident.attended_at, goals, urban=urban)
        if incident.grade
        else None,
        "thrive": grading.history(uow, incident.ref, goals),
        "contacts": [],
        "duplicates": [],
        "updates": list(
            uow.session.execute(
                select(ReportUpdate).where(ReportUpdate.incident_id == incident.id).order_by(ReportUpdate.at)
            ).scalars()
        ),
        "can_grade": policy.may_attempt(role, "thrive.assess") and incident.status in ("open", "assigned"),
    }
    if policy.may_attempt(role, "contact.read"):
        out["contacts"] = callers.contacts_with_callers(uow, incident)
    live = incident.status in ("open", "assigned") and incident.merged_into_id is None
    if live and policy.may_attempt(role, "incident.merge"):
        out["duplicates"] = intake.find_duplicates(uow, incident, incident.summary, now)
    return out
