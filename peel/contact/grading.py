"""THRIVE assessments with their history, overrides with reasons, resolution without deployment, merging duplicates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from peel.contact import thrive
from peel.contact.models import Contact, ReportUpdate, ThriveRecord
from peel.contact.schemas import MergeIn, ProposalOut, ResolveIn, ThriveIn, ThriveOut
from peel.core.errors import Conflict, InvalidInput
from peel.db.uow import UnitOfWork
from peel.identity.models import User
from peel.incidents.models import Incident, IncidentPerson
from peel.incidents.service import incident_event, load_incident
from peel.settings import Settings

DIMENSIONS = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")


def targets(settings: Settings) -> thrive.GradeTargets:
    return thrive.GradeTargets.from_settings(
        settings.g1_urban_minutes, settings.g1_rural_minutes, settings.g2_minutes, settings.g3_hours
    )


def _proposal(data: ThriveIn, goals: thrive.GradeTargets) -> thrive.Proposal:
    assessment = thrive.Assessment(
        **{name: thrive.Dimension(getattr(data, name).score, getattr(data, name).reason.strip()) for name in DIMENSIONS}
    )
    return thrive.propose_grade(assessment, urban=data.urban, in_progress=data.in_progress, targets=goals)


def preview(data: ThriveIn, goals: thrive.GradeTargets) -> ProposalOut:
    p = _proposal(data, goals)
    minutes = p.deadline.total_seconds() / 60 if p.deadline is not None else None
    return ProposalOut(grade=p.grade, reasons=list(p.reasons), resolution=p.resolution, deadline_minutes=minutes)


def assess(uow: UnitOfWork, ref: str, data: ThriveIn, goals: thrive.GradeTargets, now: datetime) -> ThriveOut:
    incident = load_incident(uow, ref, "incident.update")
    proposal = _proposal(data, goals)
    chosen = data.grade or proposal.grade
    if chosen != proposal.grade:
        thrive.override(proposal, chosen, data.override_reason)  # raises InvalidInput without a reason
    version = (
        uow.session.execute(
            select(func.max(ThriveRecord.version)).where(ThriveRecord.incident_id == incident.id)
        ).scalar()
        or 0
    ) + 1
    record = ThriveRecord(
        incident_id=incident.id,
        version=version,
        scores={n: {"score": getattr(data, n).score, "reason": getattr(data, n).reason.strip()} for n in DIMENSIONS},
        urban=data.urban,
        in_progress=data.in_progress,
        proposed_grade=proposal.grade,
        proposal_reasons=list(proposal.reasons),
        chosen_grade=chosen,
        override_reason=data.override_reason.strip() if chosen != proposal.grade else "",
        assessed_by=uow.actor.user_id,
        assessed_at=now,
    )
    uow.session.add(record)
    previous = incident.grade
    incident.grade = chosen
    uow.session.flush()
    detail = f"v{version} proposed {proposal.grade} chose {chosen}" + (
        f" override: {record.override_reason}" if record.override_reason else ""
    )
    uow.audit("thrive.assess", "incident", incident.ref, detail=detail)
    uow.emit(
        incident_event(
            uow,
            "IncidentGraded",
            incident,
            {"ref": incident.ref, "grade": chosen, "previous": previous, "proposed": proposal.grade},
        )
    )
    return thrive_out(uow, incident, record, goals)


def history(uow: UnitOfWork, ref: str, goals: thrive.GradeTargets) -> list[ThriveOut]:
    incident = load_incident(uow, ref)
    records = (
        uow.session.execute(
            select(ThriveRecord).where(ThriveRecord.incident_id == incident.id).order_by(ThriveRecord.version)
        )
        .scalars()
        .all()
    )
    return [thrive_out(uow, incident, r, goals) for r in records]


def thrive_out(uow: UnitOfWork, incident: Incident, r: ThriveRecord, goals: thrive.GradeTargets) -> ThriveOut:
    who = uow.session.get(User, r.assessed_by) if r.assessed_by else None
    return ThriveOut(
        version=r.version,
        proposed_grade=r.proposed_grade,
        proposal_reasons=list(r.proposal_reasons),
        chosen_grade=r.chosen_grade,
        override_reason=r.override_reason,
        scores=r.scores,
        assessed_at=r.assessed_at,
        assessed_by=who.username if who else None,
        deadline=thrive.deadline_at(r.chosen_grade, incident.opened_at, r.urban, goals),
    )


def resolve_without_deployment(uow: UnitOfWork, ref: str, data: ResolveIn, now: datetime) -> Incident:
    incident = load_incident(uow, ref, "incident.update")
    if incident.status in ("resolved", "closed"):
        raise Conflict(f"{ref} is already {incident.status}")
    if incident.attended_at is not None:
        raise Conflict(f"{ref} was attended; it was not resolved without deployment")
    incident.status, incident.resolution, incident.closed_at = "resolved", data.resolution, now
    # A matter that needed no police action at all is what marks a nuisance caller; advice, referral and
    # telephone or online investigation are police work done without sending anyone.
    outcome = "no_police_action" if data.resolution == "no_police_matter" else "resolved_without_deployment"
    uow.session.execute(
        update(Contact)
        .where(Contact.incident_id == incident.id, Contact.outcome == "pending")
        .values(outcome=outcome, resolution=data.resolution)
    )
    uow.session.add(ReportUpdate(incident_id=incident.id, at=now, author="police", text=data.note.strip()))
    uow.audit("incident.resolve", "incident", incident.ref, detail=f"without deployment: {data.resolution}")
    uow.emit(
        incident_event(
            uow, "IncidentResolved", incident, {"ref": incident.ref, "resolution": data.resolution, "deployed": False}
        )
    )
    return incident


def merge(uow: UnitOfWork, ref: str, data: MergeIn) -> Incident:
    """Fold a duplicate into the incident it repeats; every caller and contact moves with it."""
    if data.into == ref:
        raise InvalidInput("an incident cannot be merged into itself")
    source = load_incident(uow, ref, "incident.update")
    target = load_incident(uow, data.into, "incident.update")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise Conflict("one of these incidents has already been merged")
    uow.session.execute(update(Contact).where(Contact.incident_id == source.id).values(incident_id=target.id))
    have = {(p.person_id, p.role) for p in target.people}
    for link in source.people:
        if (link.person_id, link.role) not in have:
            target.people.append(IncidentPerson(person_id=link.person_id, role=link.role))
    uow.session.execute(update(ReportUpdate).where(ReportUpdate.incident_id == source.id).values(incident_id=target.id))
    source.merged_into_id, source.status = target.id, "closed"
    uow.session.flush()
    uow.audit("incident.merge", "incident", source.ref, detail=f"into {target.ref}")
    uow.audit("incident.merge", "incident", target.ref, detail=f"absorbed {source.ref}")
    uow.emit(incident_event(uow, "IncidentMerged", target, {"ref": target.ref, "absorbed": source.ref}))
    return target
