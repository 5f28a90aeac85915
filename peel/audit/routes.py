"""Audit over the API and the audit page: verify the chain, read recent entries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy import select

from peel.audit.models import AuditEvent
from peel.audit.store import chain_head, verify_store
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(tags=["audit"])


class VerifyOut(BaseModel):
    ok: bool
    entries_checked: int
    checkpoints_checked: int
    head_seq: int
    head_hash: str
    problems: list[str]


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
    detail: str


def _verify(ctx: Ctx, platform: PlatformDep) -> VerifyOut:
    with platform.read_sessions() as session, session.begin():
        verdict = verify_store(session, platform.audit_key)
        seq, digest = chain_head(session)
    ctx.uow.audit("audit.verify", "audit", "chain", detail="ok" if verdict.ok else f"{len(verdict.problems)} problems")
    ctx.uow.commit()
    return VerifyOut(
        ok=verdict.ok,
        entries_checked=verdict.entries_checked,
        checkpoints_checked=verdict.checkpoints_checked,
        head_seq=seq,
        head_hash=digest,
        problems=verdict.problems[:100],
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
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if username:
        stmt = stmt.where(AuditEvent.username == username.lower())
    rows = [AuditEventOut.model_validate(r, from_attributes=True) for r in ctx.uow.session.execute(stmt).scalars()]
    ctx.uow.audit("audit.read", "audit", object_id or "*", detail=f"type={object_type} user={username}")
    ctx.uow.commit()
    return rows


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("audit.verify"))]
) -> HTMLResponse:
    ctx.uow.commit()
    result = _verify(ctx, platform)
    recent_rows: list[AuditEvent] = []
    if ctx.principal.role == "auditor":
        with platform.read_sessions() as session, session.begin():
            recent_rows = list(session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(50)).scalars())
    return platform.templates.TemplateResponse(
        request, "audit.html", {"principal": ctx.principal, "result": result, "recent": recent_rows}
    )
