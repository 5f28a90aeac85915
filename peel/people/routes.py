"""People, locations and vehicles over the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from peel.people import schemas, service
from peel.people.presenters import location_out, person_out, person_summary, vehicle_out
from peel.web.deps import Authorize, Ctx

router = APIRouter(prefix="/api/v1", tags=["people"])


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
