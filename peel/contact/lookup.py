"""The caller look-up behind the call-handler console: who is this, what happened before, what should I know.

Candidates come from indexed look-ups only (exact E.164 phone, earlier contacts and confirmed matches on that
phone, the surname's phonetic key, the date of birth), then are scored by the pure matching rules. Each match and
flag says why. Restricted people appear only to users granted them. Every person shown is an audited read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, or_, select

from peel.contact import flags as crm_flags
from peel.contact import matching
from peel.contact.models import Contact, MatchDecision
from peel.contact.schemas import FlagOut, HistoryItem, LookupOut, MatchOut
from peel.core.phone import to_e164
from peel.db.uow import UnitOfWork
from peel.identity.access import granted_ids
from peel.incidents.models import Incident, IncidentPerson
from peel.people.keys import surname_key
from peel.people.models import Person, PersonPhone, PhoneNumber

HISTORY_DAYS = 365
NEARBY_DEG_LAT = 0.00045  # about 50 m
NEARBY_DEG_LON = 0.00072


def lookup(
    uow: UnitOfWork,
    now: datetime,
    phone: str | None = None,
    forenames: str | None = None,
    surname: str | None = None,
    date_of_birth: date | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> LookupOut:
    e164 = to_e164(phone) if phone else None
    phone_id = uow.session.execute(select(PhoneNumber.id).where(PhoneNumber.e164 == e164)).scalar() if e164 else None
    people = _candidates(uow, phone_id, surname, date_of_birth)
    query = matching.Candidate(
        ref="",
        forenames=forenames or "",
        surname=surname or "",
        dob=date_of_birth,
        phones=(e164,) if e164 else (),
        postcodes=(),
        addresses=(),
    )
    decisions = _decisions(uow, phone_id, [p.id for p in people])
    scored = []
    for person in people:
        result = matching.match(query, _as_candidate(person))
        decision = decisions.get(person.id)
        if decision == "rejected":
            continue
        score = 1.0 if decision == "confirmed" else result.score
        basis = list(result.basis) + (["confirmed by a handler on an earlier call"] if decision == "confirmed" else [])
        if score > 0:
            scored.append((score, person, basis, decision))
    scored.sort(key=lambda item: -item[0])
    matches = [_match_out(score, p, basis, decision) for score, p, basis, decision in scored[:5]]
    best = scored[0][1] if scored else None
    history, past = _history(uow, now, phone_id, best)
    place = _place_history(uow, now, lat, lon)
    markers = [(m.kind, m.code) for m in best.markers] if best else []
    flags = crm_flags.assess(past, place, markers, now)
    for m in matches:
        uow.audit("person.read", "person", m.person_ref, detail="shown in a caller look-up")
    uow.audit(
        "contact.lookup",
        "contact",
        "*",
        detail=f"phone={'yes' if e164 else 'no'} name={'yes' if surname else 'no'} matches={len(matches)}",
    )
    return LookupOut(
        phone=e164,
        matches=matches,
        history=history,
        flags=[FlagOut(kind=f.kind, reason=f.reason) for f in flags],
        warnings=[f.reason for f in flags if f.kind.startswith("warning")],
    )


def _candidates(uow: UnitOfWork, phone_id: int | None, surname: str | None, dob: date | None) -> list[Person]:
    conditions: list[ColumnElement[bool]] = []
    if phone_id is not None:
        conditions.append(Person.id.in_(select(PersonPhone.person_id).where(PersonPhone.phone_id == phone_id)))
        conditions.append(Person.id.in_(select(Contact.caller_person_id).where(Contact.caller_phone_id == phone_id)))
        conditions.append(Person.id.in_(select(MatchDecision.person_id).where(MatchDecision.phone_id == phone_id)))
    key = surname_key(surname or "")
    if key:
        conditions.append(
            Person.name_key == key if dob is None else or_(Person.name_key == key, Person.date_of_birth == dob)
        )
    elif dob is not None:
        conditions.append(Person.date_of_birth == dob)
    if not conditions:
        return []
    visible = or_(Person.restricted.is_(False), Person.id.in_(granted_ids(uow, "person")))
    stmt = select(Person).where(or_(*conditions), visible).limit(200)
    return list(uow.session.execute(stmt).scalars().unique())


def _decisions(uow: UnitOfWork, phone_id: int | None, person_ids: list[int]) -> dict[int, str]:
    if phone_id is None or not person_ids:
        return {}
    rows = uow.session.execute(
        select(MatchDecision.person_id, MatchDecision.decision)
        .where(MatchDecision.phone_id == phone_id, MatchDecision.person_id.in_(person_ids))
        .order_by(MatchDecision.decided_at)
    ).all()
    return {person_id: decision for person_id, decision in rows}  # the latest decision wins


def _as_candidate(p: Person) -> matching.Candidate:
    return matching.Candidate(
        ref=p.ref,
        forenames=p.forenames,
        surname=p.surname,
        dob=p.date_of_birth,
        phones=tuple(pp.phone.e164 for pp in p.phones),
        postcodes=tuple(a.location.postcode for a in p.addresses if a.location.postcode),
        addresses=tuple(a.location.address for a in p.addresses),
        aliases=tuple((a.forenames, a.surname) for a in p.aliases),
    )


def _match_out(score: float, p: Person, basis: list[str], decision: str | None) -> MatchOut:
    return MatchOut(
        person_ref=p.ref,
        name=f"{p.forenames} {p.surname}",
        date_of_birth=p.date_of_birth,
        score=round(score, 3),
        basis=basis,
        markers=sorted({m.code for m in p.markers}),
        decision=decision,
    )


def _history(
    uow: UnitOfWork, now: datetime, phone_id: int | None, person: Person | None
) -> tuple[list[HistoryItem], list[crm_flags.PastContact]]:
    since = now - timedelta(days=HISTORY_DAYS)
    who = []
    if phone_id is not None:
        who.append(Contact.caller_phone_id == phone_id)
    if person is not None:
        who.append(Contact.caller_person_id == person.id)
    items: list[HistoryItem] = []
    past: list[crm_flags.PastContact] = []
    if who:
        rows = uow.session.execute(
            select(Contact, Incident)
            .join(Incident, Incident.id == Contact.incident_id)
            .where(or_(*who), Contact.received_at >= since)
            .order_by(Contact.received_at.desc())
            .limit(500)
        ).all()
        for contact, incident in rows:
            items.append(
                HistoryItem(
                    contact_ref=contact.ref,
                    incident_ref=incident.ref,
                    received_at=contact.received_at,
                    channel=contact.channel,
                    category=contact.category,
                    grade=incident.grade,
                    outcome=contact.outcome,
                    role="caller",
                )
            )
            past.append(
                crm_flags.PastContact(
                    at=contact.received_at,
                    channel=contact.channel,
                    grade=incident.grade,
                    outcome=contact.outcome,
                    role="caller",
                    location_key=str(incident.location_id or ""),
                    incident_ref=incident.ref,
                )
            )
    if person is not None:
        victim = (
            uow.session.execute(
                select(Incident)
                .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
                .where(
                    IncidentPerson.person_id == person.id, IncidentPerson.role == "victim", Incident.opened_at >= since
                )
                .order_by(Incident.opened_at.desc())
                .limit(200)
            )
            .scalars()
            .all()
        )
        for incident in victim:
            items.append(
                HistoryItem(
                    contact_ref="",
                    incident_ref=incident.ref,
                    received_at=incident.opened_at,
                    channel=incident.channel,
                    category=incident.category,
                    grade=incident.grade,
                    outcome=incident.status,
                    role="victim",
                )
            )
            past.append(
                crm_flags.PastContact(
                    at=incident.opened_at,
                    channel=incident.channel,
                    grade=incident.grade,
                    outcome="deployed" if incident.grade in ("G1", "G2", "G3") else "resolved_without_deployment",
                    role="victim",
                    location_key=str(incident.location_id or ""),
                    incident_ref=incident.ref,
                )
            )
    items.sort(key=lambda h: h.received_at, reverse=True)
    return items[:50], past


def _place_history(uow: UnitOfWork, now: datetime, lat: float | None, lon: float | None) -> list[datetime]:
    """Opening times of incidents within about 50 m of the given point in the last 28 days."""
    if lat is None or lon is None:
        return []
    from peel.people.models import Location

    rows = (
        uow.session.execute(
            select(Incident.opened_at)
            .join(Location, Location.id == Incident.location_id)
            .where(
                Location.lat.between(lat - NEARBY_DEG_LAT, lat + NEARBY_DEG_LAT),
                Location.lon.between(lon - NEARBY_DEG_LON, lon + NEARBY_DEG_LON),
                Incident.opened_at >= now - timedelta(days=28),
            )
            .limit(500)
        )
        .scalars()
        .all()
    )
    return list(rows)
