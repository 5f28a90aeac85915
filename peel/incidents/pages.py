"""Pages: the incident list, an incident, and the form to open one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from peel.core.capability import contributions
from peel.core.errors import InvalidInput
from peel.incidents import schemas, service
from peel.incidents.categories import CATEGORIES
from peel.incidents.presenters import incident_out
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(include_in_schema=False)


@router.get("/incidents", response_class=HTMLResponse)
def incidents_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("incident.list"))]
) -> HTMLResponse:
    incidents = service.list_incidents(ctx.uow, None, 200)
    timers: dict[str, Any] = {}
    for contribute in contributions("incident.list"):  # e.g. contact handling's SLA timers
        timers.update(contribute(ctx.uow, incidents, platform.settings))
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request,
        "incidents/list.html",
        {"principal": ctx.principal, "incidents": incidents, "categories": CATEGORIES, "timers": timers},
    )


@router.get("/incidents/new", response_class=HTMLResponse)
def new_incident_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("incident.create"))]
) -> HTMLResponse:
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request,
        "incidents/new.html",
        {"principal": ctx.principal, "categories": CATEGORIES, "form": {}, "error": ""},
    )


@router.post("/incidents/new", response_class=HTMLResponse)
def new_incident_submit(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("incident.create"))],
    channel: Annotated[str, Form(max_length=12)],
    category: Annotated[str, Form(max_length=48)],
    summary: Annotated[str, Form(max_length=4000)],
    address: Annotated[str, Form(max_length=255)] = "",
    postcode: Annotated[str, Form(max_length=10)] = "",
    lat: Annotated[str, Form(max_length=20)] = "",
    lon: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    form = {
        "channel": channel,
        "category": category,
        "summary": summary,
        "address": address,
        "postcode": postcode,
        "lat": lat,
        "lon": lon,
    }
    try:
        location = None
        if address or lat or lon:
            location = {"address": address, "postcode": postcode or None, "lat": lat, "lon": lon}
        data = schemas.IncidentIn.model_validate(
            {"channel": channel, "category": category, "summary": summary, "location": location}
        )
        incident = service.open_incident(ctx.uow, data)
    except (ValidationError, InvalidInput) as exc:
        ctx.uow.session.rollback()
        message = exc.detail if isinstance(exc, InvalidInput) else _first_error(exc)
        return platform.templates.TemplateResponse(
            request,
            "incidents/new.html",
            {"principal": ctx.principal, "categories": CATEGORIES, "form": form, "error": message},
            status_code=422,
        )
    ctx.uow.commit()
    return RedirectResponse(f"/incidents/{incident.ref}", status_code=303)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}"


@router.get("/incidents/{ref}", response_class=HTMLResponse)
def incident_page(
    ref: str,
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("incident.read"))],
) -> HTMLResponse:
    record = service.load_incident(ctx.uow, ref)
    incident = incident_out(ctx.uow, record)
    extra: dict[str, Any] = {}
    for contribute in contributions("incident.page"):  # e.g. contact handling's THRIVE, contacts, duplicates
        extra.update(contribute(ctx.uow, record, ctx.principal.role, platform.settings))
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request,
        "incidents/incident.html",
        {"principal": ctx.principal, "incident": incident, "categories": CATEGORIES, **extra},
    )
