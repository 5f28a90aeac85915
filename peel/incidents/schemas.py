"""API shapes for incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from peel.incidents.categories import CATEGORIES
from peel.people.schemas import LocationIn, LocationOut

Channel = Literal["999", "101", "online", "anonymous", "open311", "officer"]
Grade = Literal["G1", "G2", "G3", "G4", "G5"]
Status = Literal["open", "assigned", "resolved", "closed"]
PersonRole = Literal["caller", "victim", "suspect", "witness", "subject"]


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_ref: str = Field(min_length=1, max_length=24)
    role: PersonRole


class IncidentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    category: str = Field(max_length=48, description="one of the category codes, e.g. 'rtc', 'burglary'")
    summary: str = Field(min_length=1, max_length=4000)
    grade: Grade | None = None
    location: LocationIn | None = None
    team: str | None = Field(None, max_length=80, description="owning team name")
    people: list[LinkIn] = Field(default_factory=list, max_length=20)
    restricted: bool = False

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category; use one of {', '.join(CATEGORIES)}")
        return value

    @field_validator("summary")
    @classmethod
    def _summary(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("summary must not be blank")
        return value.strip()


Resolution = Literal["advice", "referral", "telephone_investigation", "online_investigation", "no_police_matter"]


class IncidentPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    grade: Grade | None = None
    team: str | None = Field(None, max_length=80)
    attended: bool = Field(False, description="mark that the first officer is on scene now")


class LinkOut(BaseModel):
    person_ref: str
    role: str


class IncidentOut(BaseModel):
    ref: str
    opened_at: datetime
    channel: str
    category: str
    summary: str
    grade: str | None
    status: str
    location: LocationOut | None
    team: str | None
    people: list[LinkOut]
    restricted: bool
    synthetic: bool
    attended_at: datetime | None = None
    resolution: str | None = None
    merged_into: str | None = None
