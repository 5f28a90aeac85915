"""Use cases for people, locations and vehicles. Each call audits what it reads or writes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from peel.core import geo
from peel.core.errors import Conflict, InvalidInput
from peel.core.phone import to_e164
from peel.db.references import next_reference
from peel.db.uow import UnitOfWork
from peel.identity.access import Subject, decide, grant, hidden_by, not_found, require, user_named, where_visible
from peel.people import schemas
from peel.people.keys import surname_key
from peel.people.models import (
    MARKER_CODES,
    Location,
    Marker,
    Person,
    PersonAddress,
    PersonAlias,
    PersonPhone,
    PhoneNumber,
    Vehicle,
)
from peel.people.vrm import normalise_vrm


def create_location(uow: UnitOfWork, data: schemas.LocationIn) -> Location:
    grid = geo.to_bng(data.lat, data.lon)
    location = Location(
        ref=next_reference(uow.session, "LOC", uow.now()),
        address=data.address,
        postcode=data.postcode,
        lat=data.lat,
        lon=data.lon,
        easting=grid.easting if grid else None,
        northing=grid.northing if grid else None,
        lsoa_code=data.lsoa_code,
        created_at=uow.now(),
    )
    uow.session.add(location)
    uow.session.flush()
    uow.audit("location.create", "location", location.ref)
    return location


def get_location(uow: UnitOfWork, ref: str) -> Location:
    """A location, unless it is the address of a restricted person the caller may not see: then it answers as a
    missing one would (refs are sequential, so a home address must not be readable by walking them)."""
    location = uow.session.execute(select(Location).where(Location.ref == ref)).scalar_one_or_none()
    if location is None:
        raise not_found("location", ref)
    residents = uow.session.execute(
        select(Person)
        .join(PersonAddress, PersonAddress.person_id == Person.id)
        .where(PersonAddress.location_id == location.id)
    ).scalars()
    protecting = hidden_by(uow, "person.read", [person_subject(p) for p in residents if p.restricted])
    if protecting is not None:
        require(uow, "person.read", protecting, shown_as=("location", location.ref))
    uow.audit("location.read", "location", ref)
    return location


def person_subject(person: Person) -> Subject:
    """The person as the access API sees it (people belong to no team)."""
    return Subject("person", person.id, person.ref, None, person.restricted)


def phone_record(uow: UnitOfWork, raw: str) -> PhoneNumber:
    """The one record of a number. Two calls from a new number at once must not both insert it (the second would
    fail the unique constraint and the call would be lost), so the insert yields to a row another has committed."""
    e164 = to_e164(raw)
    phone = uow.session.execute(select(PhoneNumber).where(PhoneNumber.e164 == e164)).scalar_one_or_none()
    if phone is None:
        insert = postgresql.insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        uow.session.execute(insert(PhoneNumber).values(e164=e164).on_conflict_do_nothing(index_elements=["e164"]))
        phone = uow.session.execute(select(PhoneNumber).where(PhoneNumber.e164 == e164)).scalar_one()
    return phone


def check_born(uow: UnitOfWork, born: date | None) -> None:
    """A date of birth cannot be later than today, by the platform's clock."""
    if born is not None and born > uow.now().date():
        raise InvalidInput("date of birth must be between 1880 and today")


def create_person(uow: UnitOfWork, data: schemas.PersonIn, synthetic: bool = False) -> Person:
    check_born(uow, data.date_of_birth)
    for marker in data.markers:
        _check_marker(marker)
    person = Person(
        ref=next_reference(uow.session, "PER", uow.now()),
        forenames=data.forenames,
        surname=data.surname,
        name_key=surname_key(data.surname),
        date_of_birth=data.date_of_birth,
        restricted=data.restricted,
        synthetic=synthetic,
        created_at=uow.now(),
    )
    person.aliases = [PersonAlias(forenames=a.forenames, surname=a.surname) for a in data.aliases]
    seen: set[int] = set()
    for raw in data.phones:
        phone = phone_record(uow, raw)
        if phone.id not in seen:
            seen.add(phone.id)
            person.phones.append(PersonPhone(phone_id=phone.id, phone=phone))
    if data.address is not None:
        location = create_location(uow, data.address)
        person.addresses.append(PersonAddress(location_id=location.id, location=location, kind="home"))
    person.markers = [Marker(kind=m.kind, code=m.code, note=m.note, added_at=uow.now()) for m in data.markers]
    uow.session.add(person)
    uow.session.flush()
    if data.restricted and uow.actor.user_id is not None:
        grant(uow, "person", person.id, uow.actor.user_id)
    uow.audit("person.create", "person", person.ref)
    return person


def _check_marker(marker: schemas.MarkerIn) -> None:
    if marker.code not in MARKER_CODES[marker.kind]:
        codes = ", ".join(MARKER_CODES[marker.kind])
        raise InvalidInput(f"unknown {marker.kind} marker {marker.code!r}; use one of {codes}")


def load_person(uow: UnitOfWork, ref: str, action: str = "person.read") -> Person:
    person = uow.session.execute(select(Person).where(Person.ref == ref)).scalar_one_or_none()
    if person is None:
        raise not_found("person", ref)
    require(uow, action, person_subject(person))
    return person


def add_marker(uow: UnitOfWork, ref: str, data: schemas.MarkerIn) -> Person:
    _check_marker(data)
    person = load_person(uow, ref, "person.update")
    person.markers.append(Marker(kind=data.kind, code=data.code, note=data.note, added_at=uow.now()))
    uow.session.flush()
    return person


def grant_person(uow: UnitOfWork, ref: str, username: str) -> None:
    person = load_person(uow, ref, "person.grant")
    user = user_named(uow, username)
    grant(uow, "person", person.id, user.id)
    uow.audit("person.grant", "person", person.ref, detail=f"to={user.username}")


def search_people(uow: UnitOfWork, query: str, limit: int = 50) -> list[Person]:
    """Search by name (surname or forenames, prefix), alias, E.164 phone or reference."""
    text = query.strip()
    if len(text) < 2:
        raise InvalidInput("type at least two characters to search")
    stmt = select(Person)
    try:
        e164 = to_e164(text) if any(ch.isdigit() for ch in text) else None
    except InvalidInput:
        e164 = None
    if e164:
        stmt = stmt.join(PersonPhone).join(PhoneNumber).where(PhoneNumber.e164 == e164)
    elif text.upper().startswith("PER-"):
        stmt = stmt.where(Person.ref == text.upper())
    else:
        words = text.lower().split()
        for word in words[:3]:
            pattern = f"{word}%"
            alias_match = select(PersonAlias.person_id).where(
                or_(
                    func.lower(PersonAlias.surname).like(pattern),
                    func.lower(PersonAlias.forenames).like(pattern),
                )
            )
            stmt = stmt.where(
                or_(
                    func.lower(Person.surname).like(pattern),
                    func.lower(Person.forenames).like(pattern),
                    Person.id.in_(alias_match),
                )
            )
    stmt = stmt.where(where_visible(uow, "person.search", "person", Person))
    stmt = stmt.order_by(Person.surname, Person.forenames).limit(limit)
    people = list(uow.session.execute(stmt).scalars().unique())
    uow.audit_list("person.search", "person", [p.ref for p in people], detail=f"q={text[:80]}")
    return people


def create_vehicle(uow: UnitOfWork, data: schemas.VehicleIn) -> Vehicle:
    vrm = normalise_vrm(data.vrm)
    if uow.session.execute(select(Vehicle.id).where(Vehicle.vrm == vrm)).first():
        raise Conflict(f"vehicle {vrm} is already recorded")
    keeper_id = None
    if data.keeper_ref:
        keeper = uow.session.execute(select(Person).where(Person.ref == data.keeper_ref)).scalar_one_or_none()
        if keeper is None or not decide(uow, "person.read", person_subject(keeper)):
            raise InvalidInput(f"no person {data.keeper_ref}")
        keeper_id = keeper.id
    vehicle = Vehicle(vrm=vrm, make=data.make, model=data.model, colour=data.colour, keeper_id=keeper_id)
    uow.session.add(vehicle)
    uow.session.flush()
    uow.audit("vehicle.create", "vehicle", vrm)
    return vehicle


def get_vehicle(uow: UnitOfWork, raw_vrm: str) -> tuple[Vehicle, str | None]:
    """A vehicle and its keeper's ref; a keeper the caller may not see (a restricted person) is not named."""
    vrm = normalise_vrm(raw_vrm)
    vehicle = uow.session.execute(select(Vehicle).where(Vehicle.vrm == vrm)).scalar_one_or_none()
    if vehicle is None:
        raise not_found("vehicle", vrm)
    keeper_ref = None
    if vehicle.keeper_id is not None:
        keeper = uow.session.get(Person, vehicle.keeper_id)
        if keeper is not None and decide(uow, "person.read", person_subject(keeper)):
            keeper_ref = keeper.ref
    uow.audit("vehicle.read", "vehicle", vrm, detail=f"keeper={keeper_ref or 'none shown'}")
    return vehicle, keeper_ref
