"""Open311 GeoReport v2 for a police force: the default catalogue of non-emergency services, the validation of
a form-encoded ``POST requests``, and (re-exported from ``format``) the documents in JSON and XML and the
``GET requests`` query.

Import from ``peel.contact.open311``; the module layout behind it is an implementation detail.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from peel.contact.open311.format import (
    DATATYPES,
    DESCRIPTION_LIMIT,
    SERVICE_TYPES,
    SPEC,
    STATUSES,
    Attribute,
    AttributeValue,
    Discovery,
    Document,
    Endpoint,
    ErrorList,
    Open311Error,
    PostResponse,
    Problem,
    RequestList,
    RequestQuery,
    Service,
    ServiceDefinition,
    ServiceList,
    ServiceRequest,
    TokenResponse,
    iso,
    parse_request_query,
    to_json,
    to_xml,
)
from peel.contact.sanitise import clean_text
from peel.core.errors import InvalidInput
from peel.core.phone import to_e164

__all__ = [
    "DATATYPES",
    "DEFAULT_SERVICES",
    "DESCRIPTION_LIMIT",
    "SERVICE_TYPES",
    "SPEC",
    "STATUSES",
    "Attribute",
    "AttributeValue",
    "Discovery",
    "Document",
    "Endpoint",
    "ErrorList",
    "Open311Error",
    "PostResponse",
    "Problem",
    "RequestList",
    "RequestQuery",
    "Service",
    "ServiceDefinition",
    "ServiceList",
    "ServiceRequest",
    "TokenResponse",
    "ValidatedRequest",
    "iso",
    "parse_request_form",
    "parse_request_query",
    "service_by_code",
    "to_json",
    "to_xml",
]


_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]{1,64})\](?:\[\])?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
Form = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class ValidatedRequest:
    service: Service
    description: str
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # each answer as a tuple of values
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None  # E.164
    media_url: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    jurisdiction_id: str | None = None

    @property
    def service_code(self) -> str:
        return self.service.service_code


def _values(form: Form, key: str) -> list[str]:
    raw = form.get(key)
    if raw is None:
        return []
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def _one(form: Form, key: str) -> str | None:
    """The field's value, stripped; None when absent or blank (a repeated field counts by its first value)."""
    values = _values(form, key)
    value = values[0].strip() if values else ""
    return value or None


def _clean(value: str | None, name: str, limit: int, problems: list[Problem], single_line: bool = True) -> str | None:
    if value is None:
        return None
    try:
        return clean_text(value, limit, single_line=single_line) or None
    except InvalidInput:
        problems.append(Problem(400, f"{name} is longer than {limit} characters or is not plain text"))
        return None


def _coordinate(form: Form, name: str, bound: float, problems: list[Problem]) -> float | None:
    value = _one(form, name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not -bound <= number <= bound:
        problems.append(Problem(400, f"{name} must be a number from -{bound:g} to {bound:g}"))
        return None
    return number


def _check_answer(a: Attribute, values: list[str], problems: list[Problem]) -> tuple[str, ...] | None:
    where = f"attribute {a.code}"
    if a.datatype != "multivaluelist" and len(values) > 1:
        problems.append(Problem(400, f"{where} takes one value"))
        return None
    if a.datatype.endswith("valuelist"):
        keys = {v.key for v in a.values}
        if any(v not in keys for v in values):
            problems.append(Problem(400, f"{where} must be one of its listed keys"))
            return None
        return tuple(dict.fromkeys(values))
    value = values[0]
    if a.datatype == "number":
        try:
            ok = math.isfinite(float(value))
        except ValueError:
            ok = False
        if not ok:
            problems.append(Problem(400, f"{where} must be a number"))
            return None
    elif a.datatype == "datetime":
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
        except ValueError:
            problems.append(Problem(400, f"{where} must be an ISO 8601 date and time"))
            return None
    else:
        limit = DESCRIPTION_LIMIT if a.datatype == "text" else 255
        cleaned = _clean(value, where, limit, problems, single_line=a.datatype == "string")
        if cleaned is None:
            return None
        value = cleaned
    return (value,)


def _attributes(form: Form, service: Service, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    given: dict[str, list[str]] = {}
    for key in form:
        m = _ATTRIBUTE_KEY.match(key)
        if m:
            given.setdefault(m.group(1), []).extend(v.strip() for v in _values(form, key) if v.strip())
    known = {a.code: a for a in service.attributes if a.variable}
    unknown = [code for code in given if code not in known]
    if unknown:
        # The codes are not repeated: a client can put anything in a field name.
        problems.append(Problem(400, f"{len(unknown)} attribute(s) not in the definition of {service.service_code}"))
    answers: dict[str, tuple[str, ...]] = {}
    for code, a in sorted(known.items(), key=lambda item: item[1].order):
        values = given.get(code, [])
        if not values:
            if a.required:
                problems.append(Problem(400, f"attribute {code} is required ({a.description})"))
            continue
        answer = _check_answer(a, values, problems)
        if answer is not None:
            answers[code] = answer
    return answers


def _contact_fields(form: Form, problems: list[Problem]) -> dict[str, str | None]:
    out = {
        "first_name": _clean(_one(form, "first_name"), "first_name", 100, problems),
        "last_name": _clean(_one(form, "last_name"), "last_name", 100, problems),
        "device_id": _clean(_one(form, "device_id"), "device_id", 128, problems),
        "account_id": _clean(_one(form, "account_id"), "account_id", 128, problems),
        "email": None,
        "phone": None,
        "media_url": None,
    }
    email = _one(form, "email")
    if email is not None:
        if len(email) > 254 or not _EMAIL.match(email):
            problems.append(Problem(400, "email is not an email address"))
        else:
            out["email"] = email
    phone = _one(form, "phone")
    if phone is not None:
        try:
            out["phone"] = to_e164(phone)
        except InvalidInput:
            problems.append(Problem(400, "phone is not a telephone number"))
    media_url = _one(form, "media_url")
    if media_url is not None:
        if len(media_url) > 2048 or not _URL.match(media_url):
            problems.append(Problem(400, "media_url must be an http or https URL of at most 2048 characters"))
        else:
            out["media_url"] = media_url
    return out


def parse_request_form(
    form: Form, services: Sequence[Service] | Mapping[str, Service], *, jurisdiction_id: str | None = None
) -> ValidatedRequest:
    """Validate a form-encoded ``POST requests`` as GeoReport v2 defines it; raise Open311Error listing every
    problem (404 for an unknown service_code or jurisdiction_id, as the specification says; 400 otherwise; the
    error's ``status`` is the highest). ``form`` values may be lists (``attribute[CODE][]`` for multivaluelist answers).
    Submitted values are never repeated in the problems: they may be personal data."""
    catalogue = services if isinstance(services, Mapping) else {s.service_code: s for s in services}
    problems: list[Problem] = []
    given_jurisdiction = _one(form, "jurisdiction_id")
    if jurisdiction_id is not None and given_jurisdiction not in (None, jurisdiction_id):
        problems.append(Problem(404, "jurisdiction_id is not served by this endpoint"))
    code = _one(form, "service_code")
    service = catalogue.get(code) if code else None
    if code is None:
        problems.append(Problem(400, "service_code is required"))
    elif service is None:
        problems.append(Problem(404, "service_code is not a known service (see services.json)"))
    lat = _coordinate(form, "lat", 90.0, problems)
    long = _coordinate(form, "long", 180.0, problems)
    has_lat, has_long = _one(form, "lat") is not None, _one(form, "long") is not None
    before = len(problems)
    address = _clean(_one(form, "address_string"), "address_string", 255, problems)
    address_id = _clean(_one(form, "address_id"), "address_id", 64, problems)
    # A location field that was given but refused has its own problem; only a location missing altogether is this.
    if has_lat != has_long:
        problems.append(Problem(400, "lat and long must be given together"))
    elif not has_lat and address is None and address_id is None and len(problems) == before:
        problems.append(Problem(400, "a location is required: lat and long, address_string or address_id"))
    description = _clean(_one(form, "description"), "description", DESCRIPTION_LIMIT, problems, single_line=False)
    answers = _attributes(form, service, problems) if service is not None else {}
    contact = _contact_fields(form, problems)
    if problems or service is None:
        raise Open311Error(problems)
    return ValidatedRequest(
        service,
        description or "",
        lat,
        long,
        address,
        address_id,
        answers,
        jurisdiction_id=given_jurisdiction,
        **contact,
    )


# --- The default catalogue ---------------------------------------------------------------------------------------
# Non-emergency matters a police force takes through Open311, each mapped to an incident category. Forces edit this
# list; codes are stable identifiers that clients store, so renaming one breaks them. Every service reminds the
# person that emergencies go to 999: Open311 requests are read in working order, not watched live.

_EMERGENCY = "If anyone is in danger or a crime is happening now, call 999."
_NOTICE = f"Thank you. We review reports in order of risk, usually within 24 hours. {_EMERGENCY}"


def _choices(*pairs: tuple[str, str]) -> tuple[AttributeValue, ...]:
    return tuple(AttributeValue(key, name) for key, name in pairs)


_SAFETY = Attribute("SAFETY", _EMERGENCY, variable=False, order=1)
_ONGOING = Attribute("ONGOING", "Is it happening now?", "singlevaluelist", required=True, order=2, values=_choices(
    ("yes", "Yes, it is happening now"), ("no", "No, it has stopped"), ("often", "It happens often")
))  # fmt: skip

# fmt: off
DEFAULT_SERVICES: tuple[Service, ...] = (
    Service(
        "abandoned_vehicle", "Abandoned vehicle", "A vehicle that seems to have been left for some time, "
        "perhaps damaged, untaxed or without plates.", "Roads and vehicles", ("car", "dumped", "untaxed"),
        category="vehicle_crime", service_notice=_NOTICE,
        attributes=(
            _SAFETY,
            Attribute("VRM", "Registration number, if it has one", order=2),
            Attribute("DURATION", "How long has it been there?", "singlevaluelist", required=True, order=3,
                      values=_choices(("days", "A few days"), ("weeks", "One to four weeks"), ("months", "Longer"))),
        ),
    ),
    Service(
        "asb", "Anti-social behaviour", "Behaviour causing harassment, alarm or distress: rowdiness, intimidation, "
        "nuisance neighbours, street drinking.", "Community safety", ("rowdy", "nuisance", "intimidation"),
        category="asb", service_notice=_NOTICE,
        attributes=(
            _SAFETY, _ONGOING,
            Attribute("KIND", "What is happening?", "multivaluelist", required=True, order=3, values=_choices(
                ("rowdy", "Rowdy or inconsiderate behaviour"), ("neighbours", "Nuisance neighbours"),
                ("drinking", "Street drinking"), ("vehicles", "Vehicle nuisance"), ("other", "Something else"))),
        ),
    ),
    Service(
        "noise", "Noise nuisance", "Noise linked to anti-social behaviour (parties, gatherings, vehicles). "
        "Ongoing domestic noise is usually for the council.", "Community safety", ("music", "party", "loud"),
        category="asb", service_notice=_NOTICE,
        attributes=(
            _SAFETY, _ONGOING,
            Attribute("SOURCE", "Where is the noise coming from?", "singlevaluelist", order=3, values=_choices(
                ("party", "A party or gathering"), ("vehicle", "Vehicles"), ("alarm", "An alarm"),
                ("other", "Somewhere else"))),
        ),
    ),
    Service(
        "graffiti", "Graffiti or fly-posting", "Graffiti, tags or posters put up without permission.",
        "Criminal damage", ("tagging", "posters", "vandalism"), category="criminal_damage", service_notice=_NOTICE,
        attributes=(
            Attribute("OFFENSIVE", "Is it offensive, racist or threatening?", "singlevaluelist", required=True,
                      order=1, values=_choices(("yes", "Yes"), ("no", "No"))),
        ),
    ),
    Service(
        "lost_property", "Lost property", "Something you have lost in a public place. Lost passports go to HM "
        "Passport Office; lost phones to your network.", "Property", ("lost", "missing item"),
        category="other", service_notice="Thank you. We will contact you if a matching item is handed in.",
        attributes=(
            Attribute("ITEM", "What have you lost? Describe it.", "text", required=True, order=1),
            Attribute("WHEN", "When did you lose it? (date and time)", "datetime", order=2,
                      datatype_description="ISO 8601, for example 2026-11-22T14:00"),
        ),
    ),
    Service(
        "drug_information", "Drug activity information", "Information about drug dealing or drug use in an "
        "area. You do not need to give your name.", "Information", ("dealing", "drugs", "county lines"),
        category="drugs", service_notice=_NOTICE,
        attributes=(
            _SAFETY,
            Attribute("FREQUENCY", "How often do you see it?", "singlevaluelist", order=2, values=_choices(
                ("once", "Once"), ("weekly", "Every week"), ("daily", "Every day"))),
        ),
    ),
    Service(
        "road_obstruction", "Road obstruction", "Something blocking a road or pavement that is a danger to others: "
        "debris, a dangerously parked vehicle, fallen objects.", "Roads and vehicles", ("blocked", "parking"),
        category="other", service_notice=_NOTICE,
        attributes=(
            _SAFETY,
            Attribute("BLOCKING", "What is blocked?", "singlevaluelist", required=True, order=2, values=_choices(
                ("road", "The road"), ("pavement", "The pavement"), ("both", "Both"))),
        ),
    ),
)

# fmt: on


def service_by_code(code: str, services: Sequence[Service] = DEFAULT_SERVICES) -> Service | None:
    return next((s for s in services if s.service_code == code), None)
