"""Case use cases. Sharing a case grants one named user (for example a CPS prosecutor) access to it."""

from __future__ import annotations

from sqlalchemy import or_, select

from peel.cases.models import Case
from peel.core.clock import utcnow
from peel.core.errors import InvalidInput, NotFound
from peel.db.references import next_reference
from peel.db.uow import UnitOfWork
from peel.events.domain import DomainEvent
from peel.identity import policy
from peel.identity.access import grant, granted_ids, require, user_named
from peel.incidents.models import Incident


def create_case(uow: UnitOfWork, title: str, summary: str, incident_ref: str | None, restricted: bool) -> Case:
    incident_id = None
    if incident_ref:
        incident_id = uow.session.execute(select(Incident.id).where(Incident.ref == incident_ref)).scalar_one_or_none()
        if incident_id is None:
            raise InvalidInput(f"no incident {incident_ref}")
    case = Case(
        ref=next_reference(uow.session, "CASE", utcnow()),
        title=title.strip(),
        summary=summary,
        team_id=uow.actor.team_id,
        incident_id=incident_id,
        restricted=restricted,
        created_by=uow.actor.user_id,
        created_at=utcnow(),
    )
    uow.session.add(case)
    uow.session.flush()
    if restricted and uow.actor.user_id is not None:
        grant(uow, "case", case.id, uow.actor.user_id)
    uow.audit("case.create", "case", case.ref)
    uow.emit(DomainEvent("CaseOpened", "case", case.ref, {"ref": case.ref, "title": case.title}, case.team_id))
    return case


def load_case(uow: UnitOfWork, ref: str, action: str = "case.read") -> Case:
    case = uow.session.execute(select(Case).where(Case.ref == ref)).scalar_one_or_none()
    if case is None:
        raise NotFound(f"no case {ref}")
    require(uow, action, "case", case.id, case.ref, team_id=case.team_id, restricted=case.restricted)
    return case


def list_cases(uow: UnitOfWork, limit: int = 200) -> list[Case]:
    stmt = select(Case).order_by(Case.created_at.desc()).limit(limit)
    scope = policy.scope_for(uow.actor.role, "case.list")
    granted = Case.id.in_(granted_ids(uow, "case"))
    if scope is policy.Scope.ALL:
        stmt = stmt.where(or_(Case.restricted.is_(False), granted))
    elif scope is policy.Scope.TEAM:
        stmt = stmt.where(or_((Case.team_id == uow.actor.team_id) & Case.restricted.is_(False), granted))
    else:
        stmt = stmt.where(granted)
    cases = list(uow.session.execute(stmt).scalars())
    uow.audit_list("case.list", "case", [c.ref for c in cases])
    return cases


def share_case(uow: UnitOfWork, ref: str, username: str) -> None:
    case = load_case(uow, ref, "case.share")
    user = user_named(uow, username)
    grant(uow, "case", case.id, user.id)
    uow.audit("case.share", "case", case.ref, detail=f"to={user.username}")
    uow.emit(DomainEvent("CaseShared", "case", case.ref, {"ref": case.ref, "with": user.username}, case.team_id))
