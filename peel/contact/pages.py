"""Staff pages: the call-handler console and the contact dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from peel.contact import dashboard, grading
from peel.contact.models import RESOLUTIONS
from peel.incidents.categories import CATEGORIES
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(include_in_schema=False)
DIMENSIONS = (
    ("threat", "Threat", "Is anyone in danger now? Weapons, threats, violence in progress."),
    ("harm", "Harm", "What harm has been or could be done, physical, psychological, financial?"),
    ("risk", "Risk", "How likely is further harm, and how soon?"),
    ("investigation", "Investigation", "Evidence or suspects that need attendance to be secured?"),
    ("vulnerability", "Vulnerability", "Is the caller or victim vulnerable (age, mental health, domestic abuse)?"),
    ("engagement", "Engagement", "What does the caller need from us; what would keep their confidence?"),
)


@router.get("/contact/console", response_class=HTMLResponse)
def console(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("contact.create"))]
) -> HTMLResponse:
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request,
        "contact/console.html",
        {"principal": ctx.principal, "categories": CATEGORIES, "dimensions": DIMENSIONS, "resolutions": RESOLUTIONS},
    )


@router.get("/contact/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("contact.dashboard"))]
) -> HTMLResponse:
    summary = dashboard.summary(ctx.uow, grading.targets(platform.settings), ctx.uow.now(), 28)
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request, "contact/dashboard.html", {"principal": ctx.principal, "s": summary}
    )
