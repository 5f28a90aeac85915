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
    result = service.verify(ctx.uow, platform.sessions, platform.audit_key)
    ctx.uow.commit()
    return VerifyOut(
        ok=result.verdict.ok,
        entries_checked=result.verdict.entries_checked,
        checkpoints_checked=result.verdict.checkpoints_checked,
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        problems=result.verdict.problems[:100],
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
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("audit.verify"))]
) -> HTMLResponse:
    ctx.uow.commit()
    result = _verify(ctx, platform)
    recent_rows: list[AuditEvent] = []
    if policy.may_attempt(ctx.principal.role, "audit.read"):  # an admin may verify but not read entries
        recent_rows = service.recent_entries(ctx.uow, service.EntryFilter(limit=50))
        ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request, "audit.html", {"principal": ctx.principal, "result": result, "recent": recent_rows}
    )
