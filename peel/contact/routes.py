"""Contact handling over the API: take a call, look up a caller, THRIVE, resolve, merge duplicates, updates."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from peel.contact import callers, dashboard, grading, intake, lookup, thrive
from peel.contact.models import ReportUpdate
from peel.contact.sanitise import clean_text
from peel.contact.schemas import (
    ContactIn,
    ContactOut,
    DuplicateOut,
    LookupOut,
    MergeIn,
    ProposalOut,
    ResolveIn,
    ThriveIn,
    ThriveOut,
    UpdateIn,
)
from peel.incidents.presenters import incident_out
from peel.incidents.schemas import IncidentOut
from peel.incidents.service import load_incident
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(prefix="/api/v1", tags=["contact"])


def contact_out(ctx: Ctx, result: intake.Intake) -> ContactOut:
    c = result.contact
    return ContactOut(
        ref=c.ref,
        incident_ref=result.incident.ref,
        channel=c.channel,
        received_at=c.received_at,
        category=c.category,
        text=c.text,
        caller_ref=result.caller.ref if result.caller else None,
        warnings=result.warnings,
        entities=[{"kind": e.kind, "value": e.value, "start": e.start, "end": e.end} for e in result.entities],
        duplicates=result.duplicates,
        links=result.links,
        thrive_suggestion=thrive.suggest_dimensions(c.category, result.entities).as_dict(),
    )


@router.post("/contacts", response_model=ContactOut, status_code=201)
def take_call(body: ContactIn, ctx: Annotated[Ctx, Depends(Authorize("contact.create"))]) -> ContactOut:
    """Record a 999/101 call: it opens an incident (or joins one) and returns warnings and possible duplicates."""
    result = intake.take_call(ctx.uow, body)
    out = contact_out(ctx, result)
    ctx.uow.commit()
    return out


@router.get("/contacts/lookup", response_model=LookupOut)
def caller_lookup(
    ctx: Annotated[Ctx, Depends(Authorize("contact.lookup"))],
    phone: Annotated[str | None, Query(max_length=32)] = None,
    forenames: Annotated[str | None, Query(max_length=120)] = None,
    surname: Annotated[str | None, Query(max_length=120)] = None,
    date_of_birth: date | None = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
) -> LookupOut:
    """Who is calling: matches with their basis, previous contacts and outcomes, and flags with reasons."""
    out = lookup.lookup(ctx.uow, ctx.uow.now(), phone, forenames, surname, date_of_birth, lat, lon)
    ctx.uow.commit()
    return out


@router.post("/incidents/{ref}/thrive", response_model=ThriveOut, status_code=201)
def assess(
    ref: str, body: ThriveIn, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("thrive.assess"))]
) -> ThriveOut:
    """Record a THRIVE assessment; it proposes a grade. Choosing another grade needs a reason."""
    out = grading.assess(ctx.uow, ref, body, grading.targets(platform.settings), ctx.uow.now())
    ctx.uow.commit()
    return out


@router.post("/thrive/proposal", response_model=ProposalOut)
def propose(
    body: ThriveIn, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("thrive.assess"))]
) -> ProposalOut:
    """What grade THRIVE proposes for these scores, with its reasons (nothing is recorded)."""
    out = grading.preview(body, grading.targets(platform.settings))
    ctx.uow.commit()
    return out


@router.get("/incidents/{ref}/thrive", response_model=list[ThriveOut])
def thrive_history(
    ref: str, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("incident.read"))]
) -> list[ThriveOut]:
    out = grading.history(ctx.uow, ref, grading.targets(platform.settings))
    ctx.uow.commit()
    return out


@router.post("/incidents/{ref}/resolve", response_model=IncidentOut)
def resolve(ref: str, body: ResolveIn, ctx: Annotated[Ctx, Depends(Authorize("incident.resolve"))]) -> IncidentOut:
    """Resolve without deployment (advice, referral, telephone or online investigation)."""
    incident = grading.resolve_without_deployment(ctx.uow, ref, body, ctx.uow.now())
    out = incident_out(ctx.uow, incident)
    ctx.uow.commit()
    return out


@router.post("/incidents/{ref}/merge", response_model=IncidentOut)
def merge(ref: str, body: MergeIn, ctx: Annotated[Ctx, Depends(Authorize("incident.merge"))]) -> IncidentOut:
    """Confirm a duplicate: this incident is folded into another, keeping every caller."""
    out = incident_out(ctx.uow, grading.merge(ctx.uow, ref, body))
    ctx.uow.commit()
    return out


@router.get("/incidents/{ref}/duplicates", response_model=list[DuplicateOut])
def duplicates(ref: str, ctx: Annotated[Ctx, Depends(Authorize("incident.read"))]) -> list[DuplicateOut]:
    incident = load_incident(ctx.uow, ref)
    out = intake.find_duplicates(ctx.uow, incident, incident.summary, ctx.uow.now())
    ctx.uow.commit()
    return out


@router.get("/incidents/{ref}/contacts", response_model=list[ContactOut])
def contacts_of(ref: str, ctx: Annotated[Ctx, Depends(Authorize("contact.read"))]) -> list[ContactOut]:
    incident = load_incident(ctx.uow, ref)
    out = [
        ContactOut(
            ref=c.ref,
            incident_ref=incident.ref,
            channel=c.channel,
            received_at=c.received_at,
            category=c.category,
            text=c.text,
            caller_ref=caller.ref,
            warnings=[],
            entities=list(c.entities),
            duplicates=[],
        )
        for c, caller in callers.contacts_with_callers(ctx.uow, incident)
    ]
    ctx.uow.commit()
    return out


@router.post("/incidents/{ref}/updates", status_code=204)
def add_update(ref: str, body: UpdateIn, ctx: Annotated[Ctx, Depends(Authorize("incident.update"))]) -> None:
    """An update the reporting member of the public will see on their status page."""
    incident = load_incident(ctx.uow, ref, "incident.update")
    ctx.uow.session.add(
        ReportUpdate(incident_id=incident.id, at=ctx.uow.now(), author="police", text=clean_text(body.text))
    )
    ctx.uow.audit("report.update", "incident", incident.ref, detail="police update to reporter")
    ctx.uow.commit()


@router.get("/contact/dashboard", response_model=dashboard.DashboardOut)
def contact_dashboard(
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("contact.dashboard"))],
    days: Annotated[int, Query(ge=1, le=365)] = 28,
) -> dashboard.DashboardOut:
    out = dashboard.summary(ctx.uow, grading.targets(platform.settings), ctx.uow.now(), days)
    ctx.uow.commit()
    return out
