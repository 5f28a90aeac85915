"""The sample capability's one page and its contribution to the incident page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter()


@router.get("/sample", response_class=HTMLResponse)
def sample_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("sample.read"))]
) -> HTMLResponse:
    ctx.uow.audit("sample.read", "sample", "page")
    ctx.uow.commit()
    return platform.templates.TemplateResponse(request, "sample.html", {"principal": ctx.principal})


def panel(*_args: Any) -> dict[str, Any]:
    return {"sample_panel": "contributed by the sample capability"}
