"""What the incident page shows beyond the record: the SLA timer, THRIVE history, every contact and caller,
proposed duplicates and the updates the reporter sees. Each part appears only for roles the policy allows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from peel.contact import callers, grading, intake, thrive
from peel.contact.models import ReportUpdate
from peel.core.clock import utcnow
from peel.db.uow import UnitOfWork
from peel.identity import policy
from peel.incidents.models import Incident
from peel.settings import Settings


def timers(incidents: Sequence[Incident], settings: Settings) -> dict[str, thrive.SlaState]:
    """The visible SLA timer of each graded incident that is still live."""
    goals, now = grading.targets(settings), utcnow()
    return {
        i.ref: thrive.sla_state(i.grade, i.opened_at, now, i.attended_at, goals)
        for i in incidents
        if i.grade and i.status in ("open", "assigned")
    }


def gather(uow: UnitOfWork, incident: Incident, role: str, settings: Settings) -> dict[str, Any]:
    goals, now = grading.targets(settings), utcnow()
    out: dict[str, Any] = {
        "sla": thrive.sla_state(incident.grade, incident.opened_at, now, incident.attended_at, goals)
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
