"""How people, locations and vehicles are shown over the API and on pages (records to response schemas)."""

from __future__ import annotations

from peel.people import schemas
from peel.people.models import Location, Person, Vehicle
from peel.people.vrm import display_vrm


def location_out(loc: Location) -> schemas.LocationOut:
    return schemas.LocationOut(
        ref=loc.ref,
        address=loc.address,
        postcode=loc.postcode,
        lat=loc.lat,
        lon=loc.lon,
        easting=loc.easting,
        northing=loc.northing,
        lsoa_code=loc.lsoa_code,
    )


def person_out(p: Person) -> schemas.PersonOut:
    return schemas.PersonOut(
        ref=p.ref,
        forenames=p.forenames,
        surname=p.surname,
        date_of_birth=p.date_of_birth,
        aliases=[schemas.AliasIn(forenames=a.forenames, surname=a.surname) for a in p.aliases],
        phones=[pp.phone.e164 for pp in p.phones],
        addresses=[location_out(a.location) for a in p.addresses],
        markers=[schemas.MarkerOut(kind=m.kind, code=m.code, note=m.note) for m in p.markers],
        restricted=p.restricted,
        synthetic=p.synthetic,
    )


def person_summary(p: Person) -> schemas.PersonSummary:
    return schemas.PersonSummary(
        ref=p.ref,
        forenames=p.forenames,
        surname=p.surname,
        date_of_birth=p.date_of_birth,
        markers=sorted({m.code for m in p.markers}),
        restricted=p.restricted,
    )


def vehicle_out(v: Vehicle, keeper_ref: str | None) -> schemas.VehicleOut:
    return schemas.VehicleOut(
        vrm=display_vrm(v.vrm), make=v.make, model=v.model, colour=v.colour, keeper_ref=keeper_ref
    )
