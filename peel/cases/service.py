"""Case use cases. Sharing a case grants one named user (for example a CPS prosecutor) access to it."""

from __future__ import annotations

from sqlalchemy import select

from peel.cases.models import Case
from peel.core.errors import InvalidInput
from peel.db.references import next_reference
from peel.db.uow import UnitOfWork
from peel.events.domain import DomainEvent
from peel.identity.access import Subject, grant, not_found, require, stamp, user_named, where_visible
from peel.incidents.models import Incident


def create_case(uow: UnitOfWork, title: str, summary: str, incident_ref: str | None, restricted: bool) -> Case:
    incident_id = None
    if incident_ref:
        incident_id = uow.session.execute(select(Incident.id).where(Incident.ref == incident_ref)).scalar_one_or_none()
        if incident_id is None:
            raise InvalidInput(f"no incident {incident_ref}")
    case = Case(
        ref=next_reference(uow.session, "CASE", uow.now()),
        title=title.strip(),
        summary=summary,
        team_id=uow.actor.team_id,
        incident_id=incident_id,
        restricted=restricted,
        created_by=uow.actor.user_id,
        created_at=uow.now(),
    )
    uow.session.add(case)
    uow.session.flush()
    if restricted and uow.actor.user_id is not None:
        grant(uow, "case", case.id, uow.actor.user_id)
    uow.audit("case.create", "case", case.ref)
    opened = DomainEvent("CaseOpened", "case", case.ref, {"ref": case.ref, "title": case.title})
    uow.emit(stamp(uow, subject(case), opened))
    return case


def load_case(uow: UnitOfWork, ref: str, action: str = "case.read") -> Case:
    case = uow.session.execute(select(Case).where(Case.ref == ref)).scalar_one_or_none()
    if case is None:
        raise not_found("case", ref)
    require(uow, action, subject(case))
    return case


def subject(case: Case) -> Subject:
    """The case as the access API sees it."""
    return Subject("case", case.id, case.ref, case.team_id, case.restricted)


def list_cases(uow: UnitOfWork, limit: int = 200) -> list[Case]:
    stmt = select(Case).order_by(Case.created_at.desc()).limit(limit)
    stmt = stmt.where(where_visible(uow, "case.list", "case", Case))
    cases = list(uow.session.execute(stmt).scalars())
    uow.audit_list("case.list", "case", [c.ref for c in cases])
    return cases


def share_case(uow: UnitOfWork, ref: str, username: str) -> None:
    case = load_case(uow, ref, "case.share")
    user = user_named(uow, username)
    grant(uow, "case", case.id, user.id)
    uow.audit("case.share", "case", case.ref, detail=f"to={user.username}")
    shared = DomainEvent("CaseShared", "case", case.ref, {"ref": case.ref, "with": user.username})
    uow.emit(stamp(uow, subject(case), shared))
