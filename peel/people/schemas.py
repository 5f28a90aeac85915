"""API shapes for people, locations and vehicles (validation at the edge)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from peel.core.geo import normalise_postcode


class LocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str = Field(min_length=1, max_length=255)
    postcode: str | None = Field(None, max_length=10)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    lsoa_code: str | None = Field(None, max_length=12, pattern=r"^[EW]0\d{7}$")

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        return normalise_postcode(value) if value else None

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("address must not be blank")
        return value.strip()


class LocationOut(BaseModel):
    ref: str
    address: str
    postcode: str | None
    lat: float
    lon: float
    easting: float | None
    northing: float | None
    lsoa_code: str | None


class MarkerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern="^(warning|vulnerability)$")
    code: str = Field(min_length=1, max_length=32)
    note: str = Field("", max_length=1000)


class MarkerOut(BaseModel):
    kind: str
    code: str
    note: str


class AliasIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    forenames: str = Field(min_length=1, max_length=120)
    surname: str = Field(min_length=1, max_length=120)


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    forenames: str = Field(min_length=1, max_length=120)
    surname: str = Field(min_length=1, max_length=120)
    date_of_birth: date | None = None
    phones: list[str] = Field(default_factory=list, max_length=10)
    aliases: list[AliasIn] = Field(default_factory=list, max_length=20)
    address: LocationIn | None = None
    markers: list[MarkerIn] = Field(default_factory=list, max_length=20)
    restricted: bool = False

    @field_validator("forenames", "surname")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_dob(cls, value: date | None) -> date | None:
        # "Not in the future" needs the platform's clock: the service checks it (people.service.check_born).
        if value is not None and value < date(1880, 1, 1):
            raise ValueError("date of birth must be between 1880 and today")
        return value


class PersonOut(BaseModel):
    ref: str
    forenames: str
    surname: str
    date_of_birth: date | None
    aliases: list[AliasIn]
    phones: list[str]
    addresses: list[LocationOut]
    markers: list[MarkerOut]
    restricted: bool
    synthetic: bool


class PersonSummary(BaseModel):
    ref: str
    forenames: str
    surname: str
    date_of_birth: date | None
    markers: list[str]
    restricted: bool


class VehicleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vrm: str = Field(min_length=2, max_length=10)
    make: str = Field("", max_length=40)
    model: str = Field("", max_length=40)
    colour: str = Field("", max_length=24)
    keeper_ref: str | None = Field(None, max_length=24)


class VehicleOut(BaseModel):
    vrm: str
    make: str
    model: str
    colour: str
    keeper_ref: str | None


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
