"""Public pages: report online, leave an anonymous tip, follow and add to a report. No login, rate-limited.

Errors never repeat what was typed (it may hold personal data); the form explains what to fix instead.
"""

from __future__ import annotations

import hashlib
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from peel.contact.intake import record_contact
from peel.contact.models import Contact, ReportUpdate
from peel.contact.sanitise import clean_text, coarsen_location, coarsen_time, honeypot_tripped
from peel.core.errors import InvalidInput, NotFound, RateLimited
from peel.core.geo import normalise_postcode
from peel.db.uow import Actor
from peel.incidents.categories import CATEGORIES
from peel.incidents.models import Incident
from peel.people.schemas import LocationIn
from peel.platform import Platform
from peel.web.deps import PlatformDep, Public, client_ip, request_id

router = APIRouter(include_in_schema=False)
PUBLIC_CATEGORIES = {
    k: v
    for k, v in CATEGORIES.items()
    if k in ("asb", "theft", "criminal_damage", "drugs", "fraud", "suspicious", "vehicle_crime", "burglary", "other")
}
STATUS_WORDS = {
    "open": "Received, waiting to be reviewed",
    "assigned": "An officer is dealing with it",
    "resolved": "Resolved",
    "closed": "Closed",
}


def rate_limited(request: Request, platform: PlatformDep) -> None:
    decision = platform.limiter.check(f"public:{client_ip(request)}", time.monotonic())
    if not decision.allowed:
        raise RateLimited(max(1, int(decision.retry_after_seconds + 0.999)))


def _render(platform: Platform, request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    return platform.templates.TemplateResponse(
        request, name, {"principal": None, "categories": PUBLIC_CATEGORIES, **context}, status_code=status
    )


def _actor(request: Request) -> Actor:
    return Actor(None, "public", "public", None, client_ip(request), request_id(request))


@router.get("/report", response_class=HTMLResponse, dependencies=[Depends(Public("public.report"))])
def report_form(request: Request, platform: PlatformDep) -> HTMLResponse:
    return _render(platform, request, "public/report.html", anonymous=False, error="")


@router.get("/tip", response_class=HTMLResponse, dependencies=[Depends(Public("public.report"))])
def tip_form(request: Request, platform: PlatformDep) -> HTMLResponse:
    return _render(platform, request, "public/report.html", anonymous=True, error="")


def _location(address: str, postcode: str, lat: str, lon: str) -> LocationIn | None:
    """A map point when coordinates were given; an address alone is kept in the report's text instead."""
    if not (lat.strip() or lon.strip()):
        return None
    try:
        return LocationIn.model_validate(
            {"address": address or "Location given on the map", "postcode": postcode or None, "lat": lat, "lon": lon}
        )
    except ValidationError as exc:
        raise InvalidInput(
            "Please give the place as an address and postcode, or a valid latitude and longitude."
        ) from exc


def _place_words(address: str, postcode: str) -> str:
    if postcode:
        try:
            postcode = normalise_postcode(postcode)
        except InvalidInput as exc:
            raise InvalidInput("That postcode does not look right; please check it or leave it empty.") from exc
    place = clean_text(", ".join(p for p in (address, postcode) if p), limit=300, single_line=True)
    return f"\n\nPlace given: {place}" if place else ""


@router.post(
    "/report", response_class=HTMLResponse, dependencies=[Depends(Public("public.report")), Depends(rate_limited)]
)
@router.post(
    "/tip", response_class=HTMLResponse, dependencies=[Depends(Public("public.report")), Depends(rate_limited)]
)
def submit(
    request: Request,
    platform: PlatformDep,
    category: Annotated[str, Form(max_length=48)],
    description: Annotated[str, Form(max_length=20000)],
    address: Annotated[str, Form(max_length=255)] = "",
    postcode: Annotated[str, Form(max_length=10)] = "",
    lat: Annotated[str, Form(max_length=20)] = "",
    lon: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=120)] = "",
    contact_details: Annotated[str, Form(max_length=200)] = "",
    coarsen: Annotated[str, Form(max_length=5)] = "",
    website: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    anonymous = request.url.path == "/tip"
    template = "public/report.html"
    if honeypot_tripped(website):
        # Look like success to a bot, store nothing.
        return _render(platform, request, "public/receipt.html", public_ref="RPT-RECEIVED", status_url="/report")
    try:
        if category not in PUBLIC_CATEGORIES:
            raise InvalidInput("Please choose what your report is about from the list.")
        text = clean_text(description)
        if not text:
            raise InvalidInput("Please describe what happened.")
        location = _location(address, postcode, lat, lon)
        if location is None:
            text += _place_words(address, postcode)
        now = platform.clock()
        if anonymous and coarsen and location is not None:
            point = coarsen_location(location.lat, location.lon, 500)
            location = LocationIn(address="Approximate area (coarsened on request)", lat=point.lat, lon=point.lon)
        received = coarsen_time(now, 1) if anonymous and coarsen else now
        caller_name = "" if anonymous else clean_text(name, limit=120)
        if not anonymous and contact_details:
            text = f"{text}\n\nContact details given: {clean_text(contact_details, limit=200)}"
        with platform.uow(_actor(request)) as uow:
            intake = record_contact(
                uow,
                "anonymous" if anonymous else "online",
                text,
                category,
                location,
                received,
                caller_name=caller_name,
                coarsened=bool(anonymous and coarsen),
                public=True,
            )
            uow.commit()
    except InvalidInput as exc:
        return _render(platform, request, template, status=422, anonymous=anonymous, error=exc.detail)
    return _render(
        platform,
        request,
        "public/receipt.html",
        public_ref=intake.contact.public_ref,
        status_url=f"/report/status/{intake.receipt_token}",
    )


def _contact_by_token(platform: Platform, token: str) -> tuple[Contact, Incident, list[ReportUpdate]]:
    digest = hashlib.sha256(token.encode()).hexdigest()
    with platform.read_sessions() as session:
        contact = session.execute(select(Contact).where(Contact.receipt_hash == digest)).scalar_one_or_none()
        if contact is None:
            raise NotFound("We could not find a report for that link. Check it was copied in full.")
        incident = session.get(Incident, contact.incident_id)
        assert incident is not None
        updates = list(
            session.execute(
                select(ReportUpdate).where(ReportUpdate.incident_id == incident.id).order_by(ReportUpdate.at)
            ).scalars()
        )
        return contact, incident, updates


@router.get("/report/status/{token}", response_class=HTMLResponse, dependencies=[Depends(Public("public.report"))])
def status_page(token: str, request: Request, platform: PlatformDep) -> HTMLResponse:
    contact, incident, updates = _contact_by_token(platform, token)
    return _render(
        platform,
        request,
        "public/status.html",
        contact=contact,
        state=STATUS_WORDS[incident.status],
        updates=updates,
        token=token,
        error="",
        category_label=CATEGORIES.get(contact.category, ""),
    )


@router.post(
    "/report/status/{token}",
    response_class=HTMLResponse,
    dependencies=[Depends(Public("public.report")), Depends(rate_limited)],
)
def add_to_report(
    token: str,
    request: Request,
    platform: PlatformDep,
    text: Annotated[str, Form(max_length=20000)],
    website: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    contact, incident, _ = _contact_by_token(platform, token)
    error = ""
    if not honeypot_tripped(website):
        try:
            cleaned = clean_text(text)
            if not cleaned:
                raise InvalidInput("Please write what you would like to add.")
            with platform.uow(_actor(request)) as uow:
                uow.session.add(ReportUpdate(incident_id=incident.id, at=uow.now(), author="public", text=cleaned))
                uow.audit("report.update", "incident", incident.ref, detail=f"from reporter of {contact.public_ref}")
                uow.commit()
        except InvalidInput as exc:
            error = exc.detail
    contact, incident, updates = _contact_by_token(platform, token)
    return _render(
        platform,
        request,
        "public/status.html",
        status=422 if error else 200,
        contact=contact,
        state=STATUS_WORDS[incident.status],
        updates=updates,
        token=token,
        error=error,
        category_label=CATEGORIES.get(contact.category, ""),
    )
