"""Taking a contact: every call, report or tip becomes or joins an incident, with its caller and what it mentions."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from peel.contact import duplicates, extraction
from peel.contact.models import Contact, MatchDecision
from peel.contact.sanitise import clean_text
from peel.contact.schemas import ContactIn, DuplicateOut, SuggestedLink
from peel.core.errors import InvalidInput
from peel.db.references import next_reference
from peel.db.uow import UnitOfWork
from peel.identity.access import where_visible
from peel.incidents import schemas as incident_schemas
from peel.incidents.models import Incident, IncidentPerson
from peel.incidents.service import incident_event, load_incident, open_incident
from peel.people.models import Location, Person, PersonPhone, PhoneNumber, Vehicle
from peel.people.schemas import LocationIn
from peel.people.service import phone_record
from peel.people.vrm import display_vrm, normalise_vrm

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: read out over the phone


@dataclass
class Intake:
    contact: Contact
    incident: Incident
    caller: Person | None
    warnings: list[str]
    entities: list[extraction.Entity]
    duplicates: list[DuplicateOut]
    receipt_token: str | None = None
    links: list[SuggestedLink] = field(default_factory=list)


def take_call(uow: UnitOfWork, data: ContactIn, now: datetime | None = None) -> Intake:
    """A 999/101 call taken by a call handler."""
    now = now or uow.now()
    text = clean_text(data.text)
    phone = phone_record(uow, data.caller.phone) if data.caller.phone else None
    caller = _confirmed_caller(uow, data.person_ref)
    name = " ".join(p for p in (data.caller.forenames, data.caller.surname) if p)
    return record_contact(
        uow,
        data.channel,
        text,
        data.category,
        data.location,
        now,
        phone=phone,
        caller=caller,
        caller_name=name,
        answered_after_s=data.answered_after_s,
        join_ref=data.join_incident_ref,
        rejected_refs=data.rejected_refs,
    )


def _confirmed_caller(uow: UnitOfWork, ref: str | None) -> Person | None:
    if not ref:
        return None
    person = uow.session.execute(select(Person).where(Person.ref == ref)).scalar_one_or_none()
    if person is None:
        raise InvalidInput(f"no person {ref}")
    return person


def record_contact(  # noqa: PLR0913 - one entry point for every channel; the options are keyword-only
    uow: UnitOfWork,
    channel: str,
    text: str,
    category: str,
    location: LocationIn | None,
    now: datetime,
    *,
    phone: PhoneNumber | None = None,
    caller: Person | None = None,
    caller_name: str = "",
    answered_after_s: float | None = None,
    join_ref: str | None = None,
    rejected_refs: list[str] | None = None,
    coarsened: bool = False,
    service_code: str | None = None,
    public: bool = False,
) -> Intake:
    """Record any contact (call, online report, tip, Open311 request) on a new or an existing incident."""
    entities = extraction.extract(text)
    warnings = list(extraction.warnings(entities))
    if join_ref:
        incident = load_incident(uow, join_ref, "incident.update")
    else:
        incident = open_incident(
            uow, incident_schemas.IncidentIn(channel=channel, category=category, summary=text[:4000], location=location)
        )
    contact = Contact(
        ref=next_reference(uow.session, "CON", now),
        channel=channel,
        received_at=now,
        answered_after_s=answered_after_s,
        incident_id=incident.id,
        caller_person_id=caller.id if caller else None,
        caller_phone_id=phone.id if phone else None,
        caller_name=caller_name[:200],
        text=text,
        category=category,
        lat=location.lat if location else None,
        lon=location.lon if location else None,
        coarsened=coarsened,
        service_code=service_code,
        taken_by=uow.actor.user_id,
        entities=[{"kind": e.kind, "value": e.value, "start": e.start, "end": e.end} for e in entities],
    )
    receipt = None
    if public:
        receipt = secrets.token_urlsafe(18)
        contact.public_ref = "RPT-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
        contact.receipt_hash = hashlib.sha256(receipt.encode()).hexdigest()
    uow.session.add(contact)
    uow.session.flush()
    if caller is not None and all(p.person_id != caller.id or p.role != "caller" for p in incident.people):
        incident.people.append(IncidentPerson(person_id=caller.id, role="caller"))
    _decisions(uow, contact, caller, phone, rejected_refs or [], now)
    uow.audit("contact.create", "contact", contact.ref, detail=f"incident={incident.ref} channel={channel}")
    uow.emit(
        incident_event(
            uow,
            "ContactReceived",
            incident,
            {
                "ref": incident.ref,
                "contact": contact.ref,
                "channel": channel,
                "category": category,
                "warnings": warnings,
            },
        )
    )
    found = [] if join_ref else find_duplicates(uow, incident, text, now)
    links = [] if public else suggested_links(uow, entities)
    return Intake(contact, incident, caller, warnings, entities, found, receipt, links)


def suggested_links(uow: UnitOfWork, entities: list[extraction.Entity]) -> list[SuggestedLink]:
    """Records the text points to: people with a mentioned phone number, vehicles with a mentioned mark.
    Suggestions only: the handler decides whether to link them. People the handler may not see are never suggested."""
    out: list[SuggestedLink] = []
    phones = [e.value for e in entities if e.kind == "phone"]
    if phones:
        rows = uow.session.execute(
            select(Person, PhoneNumber.e164)
            .join(PersonPhone, PersonPhone.person_id == Person.id)
            .join(PhoneNumber, PhoneNumber.id == PersonPhone.phone_id)
            .where(PhoneNumber.e164.in_(phones), where_visible(uow, "person.read", "person", Person))
            .limit(20)
        ).all()
        for person, e164 in rows:
            out.append(
                SuggestedLink(
                    kind="person",
                    value=e164,
                    ref=person.ref,
                    label=f"{person.forenames} {person.surname} has phone {e164}",
                )
            )
            uow.audit("person.read", "person", person.ref, detail="suggested from a number in a contact's text")
    for entity in (e for e in entities if e.kind == "vrm"):
        try:
            vrm = normalise_vrm(entity.value)
        except InvalidInput:
            continue
        vehicle = uow.session.execute(select(Vehicle).where(Vehicle.vrm == vrm)).scalar_one_or_none()
        if vehicle is not None:
            out.append(
                SuggestedLink(
                    kind="vehicle",
                    value=vrm,
                    ref=vrm,
                    label=f"{display_vrm(vrm)}: {vehicle.colour} {vehicle.make} {vehicle.model}".strip(),
                )
            )
            uow.audit("vehicle.read", "vehicle", vrm, detail="suggested from a mark in a contact's text")
    return out


def _decisions(
    uow: UnitOfWork,
    contact: Contact,
    caller: Person | None,
    phone: PhoneNumber | None,
    rejected: list[str],
    now: datetime,
) -> None:
    """Keep the handler's confirmation or rejection of each suggested match, so the next lookup knows."""
    if caller is not None:
        uow.session.add(
            MatchDecision(
                contact_id=contact.id,
                person_id=caller.id,
                phone_id=phone.id if phone else None,
                decision="confirmed",
                basis="confirmed by the handler",
                decided_by=uow.actor.user_id,
                decided_at=now,
            )
        )
    for ref in rejected:
        person = uow.session.execute(select(Person).where(Person.ref == ref)).scalar_one_or_none()
        if person is None:
            raise InvalidInput(f"no person {ref}")
        uow.session.add(
            MatchDecision(
                contact_id=contact.id,
                person_id=person.id,
                phone_id=phone.id if phone else None,
                decision="rejected",
                basis="rejected by the handler",
                decided_by=uow.actor.user_id,
                decided_at=now,
            )
        )


def find_duplicates(uow: UnitOfWork, incident: Incident, text: str, now: datetime) -> list[DuplicateOut]:
    """Open incidents the user may see that may be the same event (the handler decides). Only probable duplicates
    are shown, so the database is asked for exactly those: opened within the rule's time window, inside a box
    around the location, as plain columns; the pure rule then scores and ranks them."""
    if incident.location is None:
        return []
    rule, lat, lon = duplicates.DEFAULT_RULE, incident.location.lat, incident.location.lon
    dlat = rule.max_distance_m / 110_000  # a degree of latitude is at least 110.5 km: the box holds the circle
    dlon = dlat / max(0.01, math.cos(math.radians(lat)))
    rows = uow.session.execute(
        select(Incident.ref, Incident.opened_at, Incident.category, Incident.summary, Location.lat, Location.lon)
        .join(Location, Location.id == Incident.location_id)
        .where(
            Incident.id != incident.id,
            where_visible(uow, "incident.read", "incident", Incident),
            Incident.opened_at >= now - timedelta(minutes=rule.max_minutes),
            Incident.merged_into_id.is_(None),
            Incident.status.in_(("open", "assigned")),
            Location.lat.between(lat - dlat, lat + dlat),
            Location.lon.between(lon - dlon, lon + dlon),
        )
        .order_by(Incident.opened_at.desc())
        .limit(200)
    ).all()
    new = duplicates.ContactSketch(incident.opened_at, lat, lon, incident.category, text)
    sketches = [duplicates.ContactSketch(r.opened_at, r.lat, r.lon, r.category, r.summary, r.ref) for r in rows]
    ranked = duplicates.rank_candidates(new, sketches, probable_only=True, limit=5)
    return [
        DuplicateOut(
            incident_ref=r.sketch.ref,
            score=round(r.score.score, 3),
            distance_m=round(r.score.distance_m, 1),
            minutes_apart=round(r.score.minutes_apart, 1),
            reasons=list(r.score.reasons),
        )
        for r in ranked
    ]
