"""Case records over the API: create, list what the user may see, read, share (e.g. with the CPS)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from peel.cases import service
from peel.cases.models import Case
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(tags=["cases"])


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field("", max_length=4000)
    incident_ref: str | None = Field(None, max_length=24)
    restricted: bool = False


class CaseOut(BaseModel):
    ref: str
    title: str
    summary: str
    status: str
    restricted: bool
    created_at: datetime


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)


def case_out(case: Case) -> CaseOut:
    return CaseOut(
        ref=case.ref,
        title=case.title,
        summary=case.summary,
        status=case.status,
        restricted=case.restricted,
        created_at=case.created_at,
    )


@router.get("/api/v1/cases", response_model=list[CaseOut])
def list_cases(ctx: Annotated[Ctx, Depends(Authorize("case.list"))]) -> list[CaseOut]:
    out = [case_out(c) for c in service.list_cases(ctx.uow)]
    ctx.uow.commit()
    return out


@router.post("/api/v1/cases", response_model=CaseOut, status_code=201)
def create_case(body: CaseIn, ctx: Annotated[Ctx, Depends(Authorize("case.create"))]) -> CaseOut:
    case = service.create_case(ctx.uow, body.title, body.summary, body.incident_ref, body.restricted)
    out = case_out(case)
    ctx.uow.commit()
    return out


@router.get("/api/v1/cases/{ref}", response_model=CaseOut)
def read_case(ref: str, ctx: Annotated[Ctx, Depends(Authorize("case.read"))]) -> CaseOut:
    out = case_out(service.load_case(ctx.uow, ref))
    ctx.uow.commit()
    return out


@router.post("/api/v1/cases/{ref}/shares", status_code=204)
def share_case(ref: str, body: ShareIn, ctx: Annotated[Ctx, Depends(Authorize("case.share"))]) -> None:
    service.share_case(ctx.uow, ref, body.username)
    ctx.uow.commit()


@router.get("/cases", response_class=HTMLResponse, include_in_schema=False)
def cases_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("case.list"))]
) -> HTMLResponse:
    cases = service.list_cases(ctx.uow)
    ctx.uow.commit()
    return platform.templates.TemplateResponse(request, "cases.html", {"principal": ctx.principal, "cases": cases})
