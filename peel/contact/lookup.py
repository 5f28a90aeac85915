"""The caller look-up behind the call-handler console: who is this, what happened before, what should I know.

Candidates come from indexed look-ups only (exact E.164 phone, earlier contacts and confirmed matches on that
phone, the surname's phonetic key, the date of birth), then are scored by the pure matching rules. Each match and
flag says why. Restricted people appear only to users granted them. Every person shown is an audited read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, select, union

from peel.contact import flags as crm_flags
from peel.contact import matching
from peel.contact.models import Contact, MatchDecision
from peel.contact.schemas import FlagOut, HistoryItem, LookupOut, MatchOut
from peel.core.phone import to_e164
from peel.db.uow import UnitOfWork
from peel.identity.access import where_visible
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
    uow.audit_list(
        "contact.lookup",
        "contact",
        [h.contact_ref for h in history] + [h.incident_ref for h in history],
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
    """The people linked to the phone first (each by its own index), then up to 200 by name and date of birth.

    One ``OR`` over all the conditions would leave PostgreSQL no plan but reading every person, and its limit could
    drop the very person whose phone rang when 200 others share their surname's key. Given a date of birth, people
    of that name with another known date are not fetched: the matching rules score them 0 anyway.
    """
    visible = where_visible(uow, "person.read", "person", Person)
    linked: list[int] = []
    if phone_id is not None:
        owner = select(PersonPhone.person_id).where(PersonPhone.phone_id == phone_id)
        rang = select(Contact.caller_person_id).where(Contact.caller_phone_id == phone_id)
        confirmed = select(MatchDecision.person_id).where(MatchDecision.phone_id == phone_id)
        linked = [i for i in uow.session.execute(union(owner, rang, confirmed)).scalars() if i is not None]
    key = surname_key(surname or "")
    by_name: list[ColumnElement[bool]] = []
    if dob is not None:
        swapped = [date(dob.year, dob.day, dob.month)] if dob.day <= 12 and dob.day != dob.month else []
        by_name.append(Person.date_of_birth.in_([dob, *swapped]))
        if key:
            by_name.append(and_(Person.date_of_birth.is_(None), Person.name_key == key))
    elif key:
        by_name.append(Person.name_key == key)
    people: list[Person] = []
    if linked:
        people = list(uow.session.execute(select(Person).where(Person.id.in_(linked), visible)).scalars())
    if by_name:
        rest = select(Person).where(or_(*by_name), visible)
        if linked:
            rest = rest.where(Person.id.not_in(linked))
        people += uow.session.execute(rest.limit(200)).scalars().all()
    return people


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
    """Earlier contacts from this phone or person, and incidents where the person was the victim, read as plain
    columns (a repeat caller brings hundreds; loading each as objects with its location and people is wasted)."""
    since = now - timedelta(days=HISTORY_DAYS)
    seen = where_visible(uow, "incident.read", "incident", Incident)  # restricted incidents stay out of history
    who = [Contact.caller_phone_id == phone_id] if phone_id is not None else []
    who += [Contact.caller_person_id == person.id] if person is not None else []
    rows: list[Any] = []
    if who:
        called = select(
            Contact.ref,
            Incident.ref,
            Contact.received_at,
            Contact.channel,
            Contact.category,
            Incident.grade,
            Contact.outcome,
            literal("caller"),
            Incident.location_id,
        )
        # A restricted caller's calls stay out too: the number's history would otherwise tell that it has one.
        callers = select(Person.id).where(where_visible(uow, "person.read", "person", Person))
        caller_seen = or_(Contact.caller_person_id.is_(None), Contact.caller_person_id.in_(callers))
        called = called.join(Incident, Incident.id == Contact.incident_id).where(
            or_(*who), Contact.received_at >= since, seen, caller_seen
        )
        rows += uow.session.execute(called.order_by(Contact.received_at.desc()).limit(500)).all()
    if person is not None:
        victim = select(
            literal(""),
            Incident.ref,
            Incident.opened_at,
            Incident.channel,
            Incident.category,
            Incident.grade,
            Incident.status,
            literal("victim"),
            Incident.location_id,
        )
        victim = victim.join(IncidentPerson, IncidentPerson.incident_id == Incident.id).where(
            IncidentPerson.person_id == person.id,
            IncidentPerson.role == "victim",
            Incident.opened_at >= since,
            seen,
        )
        rows += uow.session.execute(victim.order_by(Incident.opened_at.desc()).limit(200)).all()
    past = [
        crm_flags.PastContact(
            at=at,
            channel=channel,
            grade=grade,
            outcome=outcome
            if role == "caller"
            else ("deployed" if grade in ("G1", "G2", "G3") else "resolved_without_deployment"),
            role=role,
            location_key=str(place or ""),
            incident_ref=incident,
        )
        for _c, incident, at, channel, _cat, grade, outcome, role, place in rows
    ]
    rows.sort(key=lambda r: r[2], reverse=True)
    items = [
        HistoryItem(contact_ref=c, incident_ref=i, received_at=at, channel=ch, category=cat, grade=g, outcome=o, role=r)
        for c, i, at, ch, cat, g, o, r, _place in rows[:50]
    ]
    return items, past


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
                where_visible(uow, "incident.read", "incident", Incident),
            )
            .limit(500)
        )
        .scalars()
        .all()
    )
    return list(rows)
