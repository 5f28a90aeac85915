"""Audit over the API and the audit page: verify the chain, read recent entries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from peel.audit import service
from peel.audit.models import AuditEvent
from peel.identity import policy
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(tags=["audit"])


class WitnessOut(BaseModel):
    """What the witness outside the database holds, and whether the database agrees with it."""

    where: str
    checkpoints: int
    head_seq: int
    agrees: bool
    problems: list[str]


class VerifyOut(BaseModel):
    ok: bool
    entries_checked: int
    checkpoints_checked: int
    head_seq: int
    head_hash: str
    problems: list[str]
    notes: list[str]
    witness: WitnessOut | None


class AuditEventOut(BaseModel):
    seq: int
    at: datetime
    username: str
    role: str
    action: str
    object_type: str
    object_id: str
    outcome: str
    source_ip: str
    request_id: str
    client_request_id: str
    purpose: str
    detail: str


def _verify(ctx: Ctx, platform: PlatformDep) -> VerifyOut:
    checked = service.verify(ctx.uow, platform.read_sessions, platform.audit_key, platform.witness)
    ctx.uow.commit()
    result, seq, digest = checked.result, checked.head_seq, checked.head_hash
    verdict, report = result.verdict, result.witness
    witness = None
    if report is not None:
        witness = WitnessOut(
            where=result.witness_where,
            checkpoints=report.checkpoints,
            head_seq=report.head_seq,
            agrees=not report.problems,
            problems=report.problems[:100],
        )
    return VerifyOut(
        ok=verdict.ok,
        entries_checked=verdict.entries_checked,
        checkpoints_checked=verdict.checkpoints_checked,
        head_seq=seq,
        head_hash=digest,
        problems=verdict.problems[:100],
        notes=verdict.notes[:20],
        witness=witness,
    )


@router.post("/api/v1/audit/verify", response_model=VerifyOut)
def verify(ctx: Annotated[Ctx, Depends(Authorize("audit.verify"))], platform: PlatformDep) -> VerifyOut:
    # Verification reads the chain in a transaction of its own, after the caller's own one has committed.
    ctx.uow.commit()
    return _verify(ctx, platform)


@router.get("/api/v1/audit/events", response_model=list[AuditEventOut])
def recent(
    ctx: Annotated[Ctx, Depends(Authorize("audit.read"))],
    object_type: Annotated[str | None, Query(max_length=32)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    username: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEventOut]:
    where = service.EntryFilter(object_type, object_id, username, limit)
    rows = [AuditEventOut.model_validate(r, from_attributes=True) for r in service.recent_entries(ctx.uow, where)]
    ctx.uow.commit()
    return rows


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("audit.verify"))],
    record: Annotated[str, Query(max_length=64, pattern=r"^[A-Za-z0-9._-]*$")] = "",
) -> HTMLResponse:
    ctx.uow.commit()
    result = _verify(ctx, platform)
    recent_rows: list[AuditEvent] = []
    can_read = policy.may_attempt(ctx.principal.role, "audit.read")  # an admin may verify but not read entries
    if can_read:
        asked = service.EntryFilter(object_id=record.strip() or None, limit=200 if record else 50)
        recent_rows = service.recent_entries(ctx.uow, asked)
        ctx.uow.commit()
    context = {"principal": ctx.principal, "result": result, "recent": recent_rows}
    return platform.templates.TemplateResponse(
        request, "audit.html", {**context, "can_read": can_read, "record": record.strip()}
    )
