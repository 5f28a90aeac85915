"""People, locations and vehicles over the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from peel.people import schemas, service
from peel.people.models import Location, Person, Vehicle
from peel.people.vrm import display_vrm
from peel.web.deps import Authorize, Ctx

router = APIRouter(prefix="/api/v1", tags=["people"])


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


@router.get("/people", response_model=list[schemas.PersonSummary])
def search_people(
    ctx: Annotated[Ctx, Depends(Authorize("person.search"))],
    q: Annotated[str, Query(min_length=2, max_length=100, description="name, alias, phone number or reference")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[schemas.PersonSummary]:
    people = service.search_people(ctx.uow, q, limit)
    ctx.uow.commit()
    return [person_summary(p) for p in people]


@router.post("/people", response_model=schemas.PersonOut, status_code=201)
def create_person(
    body: schemas.PersonIn, ctx: Annotated[Ctx, Depends(Authorize("person.create"))]
) -> schemas.PersonOut:
    person = service.create_person(ctx.uow, body)
    out = person_out(person)
    ctx.uow.commit()
    return out


@router.get("/people/{ref}", response_model=schemas.PersonOut)
def read_person(ref: str, ctx: Annotated[Ctx, Depends(Authorize("person.read"))]) -> schemas.PersonOut:
    out = person_out(service.load_person(ctx.uow, ref))
    ctx.uow.commit()
    return out


@router.post("/people/{ref}/markers", response_model=schemas.PersonOut, status_code=201)
def add_marker(
    ref: str, body: schemas.MarkerIn, ctx: Annotated[Ctx, Depends(Authorize("person.update"))]
) -> schemas.PersonOut:
    out = person_out(service.add_marker(ctx.uow, ref, body))
    ctx.uow.commit()
    return out


@router.post("/people/{ref}/grants", status_code=204)
def grant_person(ref: str, body: schemas.GrantIn, ctx: Annotated[Ctx, Depends(Authorize("person.grant"))]) -> None:
    service.grant_person(ctx.uow, ref, body.username)
    ctx.uow.commit()


@router.post("/locations", response_model=schemas.LocationOut, status_code=201)
def create_location(
    body: schemas.LocationIn, ctx: Annotated[Ctx, Depends(Authorize("location.create"))]
) -> schemas.LocationOut:
    out = location_out(service.create_location(ctx.uow, body))
    ctx.uow.commit()
    return out


@router.get("/locations/{ref}", response_model=schemas.LocationOut)
def read_location(ref: str, ctx: Annotated[Ctx, Depends(Authorize("location.read"))]) -> schemas.LocationOut:
    out = location_out(service.get_location(ctx.uow, ref))
    ctx.uow.commit()
    return out


@router.post("/vehicles", response_model=schemas.VehicleOut, status_code=201)
def create_vehicle(
    body: schemas.VehicleIn, ctx: Annotated[Ctx, Depends(Authorize("vehicle.create"))]
) -> schemas.VehicleOut:
    vehicle = service.create_vehicle(ctx.uow, body)
    out = vehicle_out(vehicle, body.keeper_ref)
    ctx.uow.commit()
    return out


@router.get("/vehicles/{vrm}", response_model=schemas.VehicleOut)
def read_vehicle(vrm: str, ctx: Annotated[Ctx, Depends(Authorize("vehicle.read"))]) -> schemas.VehicleOut:
    vehicle, keeper = service.get_vehicle(ctx.uow, vrm)
    out = vehicle_out(vehicle, keeper)
    ctx.uow.commit()
    return out
