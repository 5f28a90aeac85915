"""The Open311 GeoReport v2 server at ``/open311/v2/``, so existing Open311 clients can report non-emergency
matters to the force. Paths, field names, form-encoded POST, XML and JSON follow the specification.

Privacy: request listings are public in GeoReport v2, but reports to the police can hold personal data. Listings
therefore carry no description, no address and no reporter details, and their coordinates are coarsened to the
centre of a 500 m grid square. The reporter keeps the full detail through the private status link.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from peel.contact.intake import record_contact
from peel.contact.models import Contact
from peel.contact.open311 import (
    DEFAULT_SERVICES,
    Discovery,
    Endpoint,
    ErrorList,
    Open311Error,
    PostResponse,
    Problem,
    RequestList,
    ServiceDefinition,
    ServiceList,
    ServiceRequest,
    parse_request_form,
    parse_request_query,
    service_by_code,
    to_json,
    to_xml,
)
from peel.contact.open311.format import Document
from peel.contact.sanitise import coarsen_location
from peel.core.errors import InvalidInput
from peel.db.uow import Actor
from peel.incidents.models import Incident
from peel.people.schemas import LocationIn
from peel.people.service import phone_record
from peel.web.deps import PlatformDep, Public, client_ip, request_id

router = APIRouter(prefix="/open311/v2", tags=["open311"], dependencies=[Depends(Public("public.open311"))])
Fmt = Annotated[str, Path(pattern="^(json|xml)$", description="response format: json or xml")]
CHANGESET = datetime(2026, 11, 22, tzinfo=UTC)
STATUS_NOTES = {
    "open": "Received by the force.",
    "assigned": "An officer is dealing with it.",
    "resolved": "Resolved.",
    "closed": "Closed.",
}
DOC: dict[str, Any] = {"content": {"application/json": {}, "text/xml": {}}}


def render(doc: Document, fmt: str, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(doc), status_code=status, media_type="text/xml; charset=utf-8")
    return JSONResponse(to_json(doc), status_code=status)


def failure(exc: Open311Error, fmt: str) -> Response:
    return render(exc, fmt, exc.status)


def rate_limited(request: Request, platform: PlatformDep) -> None:
    decision = platform.limiter.check(f"public:{client_ip(request)}", time.monotonic())
    if not decision.allowed:
        raise _TooMany(decision.retry_after_seconds)


class _TooMany(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)


@router.get("/discovery.{fmt}", responses={200: DOC})
def discovery(request: Request, platform: PlatformDep, fmt: Fmt) -> Response:
    base = f"{request.url.scheme}://{request.url.netloc}/open311/v2/"
    doc = Discovery(
        changeset=CHANGESET,
        contact=f"{platform.settings.force_name}, non-emergency reporting",
        key_service="No API key is needed; submissions are rate-limited.",
        endpoints=(Endpoint(url=base, changeset=CHANGESET),),
    )
    return render(doc, fmt)


@router.get("/services.{fmt}", responses={200: DOC})
def services(fmt: Fmt) -> Response:
    return render(ServiceList(DEFAULT_SERVICES), fmt)


@router.get("/services/{service_code}.{fmt}", responses={200: DOC, 404: DOC})
def service_definition(service_code: Annotated[str, Path(max_length=64)], fmt: Fmt) -> Response:
    service = service_by_code(service_code)
    if service is None or not service.attributes:
        return failure(Open311Error([Problem(404, "no service definition for that service_code")]), fmt)
    return render(ServiceDefinition(service), fmt)


@router.post("/requests.{fmt}", responses={200: DOC, 400: DOC, 404: DOC, 429: DOC})
async def create_request(request: Request, platform: PlatformDep, fmt: Fmt) -> Response:
    """Form-encoded, as the specification says: service_code, lat/long or address_string or address_id,
    attribute[CODE], description, and optional reporter details."""
    try:
        rate_limited(request, platform)
    except _TooMany as exc:
        response = render(ErrorList((Problem(429, "too many requests; try again later"),)), fmt, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = items if len(items) > 1 or key.endswith("[]") else (items[0] if items else "")
    try:
        valid = parse_request_form(values, DEFAULT_SERVICES)
    except Open311Error as exc:
        return failure(exc, fmt)
    import anyio.to_thread

    try:
        contact = await anyio.to_thread.run_sync(_store, platform, valid, client_ip(request), request_id(request))
    except InvalidInput:
        return failure(Open311Error([Problem(400, "the request could not be accepted as given")]), fmt)
    return render(PostResponse(service_request_id=contact.public_ref, service_notice=valid.service.service_notice), fmt)


def _store(platform: Any, valid: Any, ip: str, rid: str) -> Contact:
    lines = [valid.description]
    lines += [f"{code}: {', '.join(answers)}" for code, answers in valid.attributes.items()]
    if valid.address_string:
        lines.append(f"Address given: {valid.address_string}")
    location = None
    if valid.lat is not None and valid.long is not None:
        location = LocationIn(
            address=valid.address_string or "Location given by the reporter", lat=valid.lat, lon=valid.long
        )
    name = " ".join(p for p in (valid.first_name, valid.last_name) if p)
    if valid.email:
        lines.append(f"Email given: {valid.email}")
    with platform.uow(Actor(None, "open311", "public", None, ip, rid)) as uow:
        phone = phone_record(uow, valid.phone) if valid.phone else None
        intake = record_contact(
            uow,
            "open311",
            "\n".join(lines)[:4000],
            valid.service.category,
            location,
            platform.clock(),
            phone=phone,
            caller_name=name,
            service_code=valid.service.service_code,
            public=True,
        )
        uow.commit()
    return intake.contact


def _public_request(contact: Contact, incident: Incident) -> ServiceRequest:
    service = service_by_code(contact.service_code or "")
    point = (
        coarsen_location(contact.lat, contact.lon, 500) if contact.lat is not None and contact.lon is not None else None
    )
    return ServiceRequest(
        service_request_id=contact.public_ref or contact.ref,
        status="closed" if incident.status in ("resolved", "closed") else "open",
        service_code=contact.service_code or "",
        service_name=service.service_name if service else "",
        requested_datetime=contact.received_at,
        updated_datetime=incident.closed_at or contact.received_at,
        status_notes=STATUS_NOTES[incident.status],
        agency_responsible="Police",
        lat=point.lat if point else None,
        long=point.lon if point else None,
    )


@router.get("/requests.{fmt}", responses={200: DOC, 400: DOC})
def list_requests(request: Request, platform: PlatformDep, fmt: Fmt) -> Response:
    try:
        query = parse_request_query(dict(request.query_params), platform.clock())
    except Open311Error as exc:
        return failure(exc, fmt)
    stmt = (
        select(Contact, Incident).join(Incident, Incident.id == Contact.incident_id).where(Contact.channel == "open311")
    )
    if query.service_request_ids:
        stmt = stmt.where(Contact.public_ref.in_(query.service_request_ids))
    else:
        if query.service_codes:
            stmt = stmt.where(Contact.service_code.in_(query.service_codes))
        if query.start:
            stmt = stmt.where(Contact.received_at >= query.start)
        if query.end:
            stmt = stmt.where(Contact.received_at <= query.end)
    with platform.read_sessions() as session:
        rows = session.execute(stmt.order_by(Contact.received_at.desc()).limit(query.limit)).all()
        found = [_public_request(c, i) for c, i in rows]
    if query.statuses:
        found = [r for r in found if r.status in query.statuses]
    return render(RequestList(tuple(found)), fmt)


@router.get("/requests/{service_request_id}.{fmt}", responses={200: DOC, 404: DOC})
def one_request(service_request_id: Annotated[str, Path(max_length=24)], platform: PlatformDep, fmt: Fmt) -> Response:
    with platform.read_sessions() as session:
        row = session.execute(
            select(Contact, Incident)
            .join(Incident, Incident.id == Contact.incident_id)
            .where(Contact.channel == "open311", Contact.public_ref == service_request_id)
        ).first()
        if row is None:
            return failure(Open311Error([Problem(404, "no request with that service_request_id")]), fmt)
        return render(RequestList((_public_request(*row),)), fmt)


@router.get("/tokens/{token}.{fmt}", responses={200: DOC, 404: DOC})
def token(token: Annotated[str, Path(max_length=64)], fmt: Fmt) -> Response:
    """Every Peel service is realtime: POST returns the service_request_id at once and issues no token, so no
    token can be looked up (the endpoint exists so clients that probe it get the specified error)."""
    return failure(Open311Error([Problem(404, "no request is waiting under that token")]), fmt)
