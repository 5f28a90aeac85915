"""Open311 GeoReport v2: the documents, in JSON and XML, exactly as the specification names them, and the
validation of a form-encoded ``POST requests``.

JSON bodies are plain lists and dicts (the caller serialises them); XML is a UTF-8 string built with
``xml.etree`` (so text is escaped) after removing characters XML 1.0 cannot carry. Datetimes are ISO 8601 with
their offset (naive ones are taken as UTC). Missing values are ``null`` in JSON and empty elements in XML.

Which document is which is said by its type: ``ServiceList``, ``ServiceDefinition``, ``RequestList``,
``PostResponse``, ``TokenResponse``, ``ErrorList`` (or an ``Open311Error``) and ``Discovery``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from peel.core.errors import InvalidInput

SPEC = "http://wiki.open311.org/GeoReport_v2"
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
SERVICE_TYPES = ("realtime", "batch", "blackbox")
STATUSES = ("open", "closed")
DESCRIPTION_LIMIT = 4000  # the specification's limit on a request's description
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Characters XML 1.0 forbids (C0 controls other than tab, newline, carriage return; lone surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class AttributeValue:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    """A question a service asks. ``variable=False`` attributes only inform the person and take no answer."""

    code: str
    description: str
    datatype: str = "string"
    required: bool = False
    variable: bool = True
    order: int = 1
    datatype_description: str | None = None
    values: tuple[AttributeValue, ...] = ()

    def __post_init__(self) -> None:
        if self.datatype not in DATATYPES or not _CODE.match(self.code):
            raise InvalidInput(f"attribute {self.code!r} has an unknown datatype or an unusable code")
        if self.datatype.endswith("valuelist") and not self.values:
            raise InvalidInput(f"attribute {self.code} is a list and needs values")


@dataclass(frozen=True)
class Service:
    service_code: str
    service_name: str
    description: str
    group: str
    keywords: tuple[str, ...] = ()
    type: str = "realtime"
    attributes: tuple[Attribute, ...] = ()
    category: str = "other"  # Peel's incident category for requests to this service (not published)
    service_notice: str | None = None  # returned after a request is made

    def __post_init__(self) -> None:
        if not _CODE.match(self.service_code) or self.type not in SERVICE_TYPES:
            raise InvalidInput(f"service {self.service_code!r} has an unusable code or type")
        orders = [a.order for a in self.attributes]
        codes = [a.code for a in self.attributes]
        # The specification: "any positive integer not used for other attributes in the same service_code".
        if min(orders, default=1) < 1 or len(set(orders)) != len(orders) or len(set(codes)) != len(codes):
            raise InvalidInput(f"service {self.service_code} needs distinct attribute codes and positive orders")

    @property
    def metadata(self) -> bool:
        """True when the service has a definition (attributes) to fetch from ``services/{code}``."""
        return bool(self.attributes)


@dataclass(frozen=True)
class ServiceRequest:
    service_request_id: str
    status: str  # "open" or "closed"
    service_code: str
    service_name: str
    requested_datetime: datetime
    updated_datetime: datetime | None = None
    expected_datetime: datetime | None = None
    status_notes: str | None = None
    description: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InvalidInput("an Open311 request's status is open or closed")


@dataclass(frozen=True)
class ServiceList:
    services: tuple[Service, ...]


@dataclass(frozen=True)
class ServiceDefinition:
    service: Service


@dataclass(frozen=True)
class RequestList:
    requests: tuple[ServiceRequest, ...]


@dataclass(frozen=True)
class PostResponse:
    """The answer to ``POST requests``: an id (realtime services) or a token to look one up later (batch)."""

    service_request_id: str | None = None
    token: str | None = None
    service_notice: str | None = None
    account_id: str | None = None


@dataclass(frozen=True)
class TokenResponse:
    token: str
    service_request_id: str | None = None  # None until the request has been created


@dataclass(frozen=True)
class Problem:
    code: int  # an HTTP status: 400 missing or bad parameters, 403 bad api_key, 404 unknown code, id or token
    description: str


@dataclass(frozen=True)
class ErrorList:
    errors: tuple[Problem, ...]


@dataclass(frozen=True)
class Endpoint:
    url: str
    changeset: datetime
    type: str = "production"  # "production" or "test"
    formats: tuple[str, ...] = ("text/xml", "application/json")
    specification: str = SPEC


@dataclass(frozen=True)
class Discovery:
    changeset: datetime
    contact: str
    key_service: str
    endpoints: tuple[Endpoint, ...]


class Open311Error(InvalidInput):
    """Every problem with a request at once, each with its Open311 error code; rendered as ``<errors>``."""

    status = 400
    title = "Bad request"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.description for p in self.problems))
        self.status = max((p.code for p in self.problems), default=400)


Document = (
    ServiceList | ServiceDefinition | RequestList | PostResponse | TokenResponse | ErrorList | Open311Error | Discovery
)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, to the second: ``2026-11-22T14:05:00+00:00``."""
    if moment is None:
        return None
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.isoformat(timespec="seconds")


def _service(s: Service) -> dict[str, Any]:
    return {
        "service_code": s.service_code,
        "service_name": s.service_name,
        "description": s.description,
        "metadata": s.metadata,
        "type": s.type,
        "keywords": ", ".join(s.keywords),
        "group": s.group,
    }


def _attribute(a: Attribute) -> dict[str, Any]:
    out: dict[str, Any] = {
        "variable": a.variable,
        "code": a.code,
        "datatype": a.datatype,
        "required": a.required,
        "datatype_description": a.datatype_description,
        "order": a.order,
        "description": a.description,
    }
    if a.datatype.endswith("valuelist"):
        out["values"] = [{"key": v.key, "name": v.name} for v in a.values]
    return out


def _definition(s: Service) -> dict[str, Any]:
    ordered = sorted(s.attributes, key=lambda a: a.order)
    return {"service_code": s.service_code, "attributes": [_attribute(a) for a in ordered]}


_REQUEST_FIELDS = (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
)  # fmt: skip


def _request(r: ServiceRequest) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _REQUEST_FIELDS:
        value = getattr(r, name)
        out[name] = iso(value) if isinstance(value, datetime) else value
    return out


def _post(p: PostResponse) -> dict[str, Any]:
    if p.token is not None and p.service_request_id is None:
        return {"token": p.token}
    return {"service_request_id": p.service_request_id, "service_notice": p.service_notice, "account_id": p.account_id}


def _discovery(d: Discovery) -> dict[str, Any]:
    endpoints = [
        {"specification": e.specification, "url": e.url, "changeset": iso(e.changeset), "type": e.type,
         "formats": list(e.formats)}
        for e in d.endpoints
    ]  # fmt: skip
    return {"changeset": iso(d.changeset), "contact": d.contact, "key_service": d.key_service, "endpoints": endpoints}


def to_json(doc: Document) -> list[Any] | dict[str, Any]:
    """The document as the specification's JSON: lists at the top level, except a definition and discovery."""
    if isinstance(doc, ServiceList):
        return [_service(s) for s in doc.services]
    if isinstance(doc, ServiceDefinition):
        return _definition(doc.service)
    if isinstance(doc, RequestList):
        return [_request(r) for r in doc.requests]
    if isinstance(doc, PostResponse):
        return [_post(doc)]
    if isinstance(doc, TokenResponse):
        return [{"service_request_id": doc.service_request_id, "token": doc.token}]
    if isinstance(doc, ErrorList | Open311Error):
        problems = doc.errors if isinstance(doc, ErrorList) else doc.problems
        return [{"code": p.code, "description": p.description} for p in problems]
    if isinstance(doc, Discovery):
        return _discovery(doc)
    raise TypeError(f"not an Open311 document: {type(doc).__name__}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, tag: str, value: Any) -> None:
    """One child per key; a list becomes repeated children of a container (``values``/``value``)."""
    child = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(child, key, item)
    elif isinstance(value, list):
        singular = {"values": "value", "attributes": "attribute", "endpoints": "endpoint", "formats": "format"}[tag]
        for item in value:
            _fill(child, singular, item)
    else:
        child.text = _text(value)


def _xml(root: str, item: str | None, body: list[Any] | dict[str, Any]) -> str:
    top = ET.Element(root)
    if item is None:
        assert isinstance(body, dict)
        for key, value in body.items():
            _fill(top, key, value)
    else:
        for entry in body:
            _fill(top, item, entry)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="unicode")


def to_xml(doc: Document) -> str:
    """The document as the specification's XML (``<services><service>…``, ``<errors><error>…`` and so on)."""
    body = to_json(doc)
    if isinstance(doc, ServiceList):
        return _xml("services", "service", body)
    if isinstance(doc, ServiceDefinition):
        return _xml("service_definition", None, body)
    if isinstance(doc, RequestList | PostResponse | TokenResponse):
        return _xml("service_requests", "request", body)
    if isinstance(doc, Discovery):
        return _xml("discovery", None, body)
    return _xml("errors", "error", body)


# --- GET requests: the query --------------------------------------------------------------------------------------

QUERY_DAYS = 90  # the specification's default and maximum span
QUERY_LIMIT = 1000  # "or first 1000 requests returned, whichever is smallest"


@dataclass(frozen=True)
class RequestQuery:
    """Filters for ``GET requests``. With ``service_request_ids`` every other filter is ignored (as specified)."""

    service_request_ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()  # empty: every service
    statuses: tuple[str, ...] = ()  # empty: open and closed
    start: datetime | None = None
    end: datetime | None = None
    limit: int = QUERY_LIMIT


def _listed(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in (params.get(name) or "").split(",") if v.strip()))


def _when(params: Mapping[str, str], name: str, problems: list[Problem]) -> datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem(400, f"{name} must be a W3C date and time, for example 2026-11-01T00:00:00Z"))
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse_request_query(params: Mapping[str, str], now: datetime) -> RequestQuery:
    """The ``GET requests`` query: comma-separated ids, codes and statuses; a date range of at most 90 days,
    defaulting to the 90 days up to ``now`` (or 90 days from ``start_date`` / before ``end_date``)."""
    problems: list[Problem] = []
    ids = _listed(params, "service_request_id")
    if ids:
        return RequestQuery(service_request_ids=ids[:QUERY_LIMIT])
    statuses = _listed(params, "status")
    if any(s not in STATUSES for s in statuses):
        problems.append(Problem(400, "status must be open, closed or both (comma separated)"))
    start, end = _when(params, "start_date", problems), _when(params, "end_date", problems)
    span = timedelta(days=QUERY_DAYS)
    if start is None and end is None:
        start, end = now - span, now
    elif start is None and end is not None:
        start = end - span
    elif end is None and start is not None:
        end = start + span
    if start is not None and end is not None:
        if start > end:
            problems.append(Problem(400, "start_date must not be after end_date"))
        elif end - start > span:
            problems.append(Problem(400, f"start_date and end_date may not span more than {QUERY_DAYS} days"))
    if problems:
        raise Open311Error(problems)
    return RequestQuery((), _listed(params, "service_code"), statuses, start, end)
