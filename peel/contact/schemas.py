"""API shapes for contact handling."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from peel.incidents.categories import CATEGORIES
from peel.people.schemas import LocationIn

StaffChannel = Literal["999", "101"]
Resolution = Literal["advice", "referral", "telephone_investigation", "online_investigation", "no_police_matter"]
Grade = Literal["G1", "G2", "G3", "G4", "G5"]


class CallerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(None, max_length=32)
    forenames: str | None = Field(None, max_length=120)
    surname: str | None = Field(None, max_length=120)
    date_of_birth: date | None = None


class ContactIn(BaseModel):
    """A call taken by a call handler."""

    model_config = ConfigDict(extra="forbid")

    channel: StaffChannel
    caller: CallerIn = Field(default_factory=CallerIn)
    text: str = Field(min_length=1, max_length=20000, description="what the caller says (HTML is stripped)")
    category: str = Field(max_length=48)
    location: LocationIn | None = None
    answered_after_s: float | None = Field(None, ge=0, le=3600, description="999: seconds until answered")
    person_ref: str | None = Field(None, max_length=24, description="a suggested match the handler confirmed")
    rejected_refs: list[str] = Field(default_factory=list, max_length=20, description="suggestions rejected")
    join_incident_ref: str | None = Field(None, max_length=24, description="add this contact to an incident")

    @field_validator("category")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category; use one of {', '.join(CATEGORIES)}")
        return value


class DuplicateOut(BaseModel):
    incident_ref: str
    score: float
    distance_m: float
    minutes_apart: float
    reasons: list[str]


class SuggestedLink(BaseModel):
    kind: str  # "person" or "vehicle"
    value: str  # what the text said, normalised (E.164, compact mark)
    ref: str
    label: str


class ContactOut(BaseModel):
    ref: str
    incident_ref: str
    channel: str
    received_at: datetime
    category: str
    text: str
    caller_ref: str | None
    warnings: list[str]
    entities: list[dict[str, str | int]]
    duplicates: list[DuplicateOut]
    links: list[SuggestedLink] = Field(default_factory=list, description="records the text points to")
    thrive_suggestion: dict[str, dict[str, str | int]] = Field(
        default_factory=dict, description="THRIVE scores suggested from the category and what the text mentions"
    )


class MatchOut(BaseModel):
    person_ref: str
    name: str
    date_of_birth: date | None
    score: float
    basis: list[str]
    markers: list[str]
    decision: str | None


class HistoryItem(BaseModel):
    contact_ref: str
    incident_ref: str
    received_at: datetime
    channel: str
    category: str
    grade: str | None
    outcome: str
    role: str


class FlagOut(BaseModel):
    kind: str
    reason: str


class LookupOut(BaseModel):
    phone: str | None
    matches: list[MatchOut]
    history: list[HistoryItem]
    flags: list[FlagOut]
    warnings: list[str]


class DimensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=3)
    reason: str = Field(min_length=1, max_length=1000)


class ThriveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threat: DimensionIn
    harm: DimensionIn
    risk: DimensionIn
    investigation: DimensionIn
    vulnerability: DimensionIn
    engagement: DimensionIn
    urban: bool = True
    in_progress: bool = False
    grade: Grade | None = Field(
        None, description="the grade the handler decides; differs from the proposal only with a reason"
    )
    override_reason: str = Field("", max_length=2000)


class ProposalOut(BaseModel):
    grade: str
    reasons: list[str]
    resolution: str
    deadline_minutes: float | None


class ThriveOut(BaseModel):
    version: int
    proposed_grade: str
    proposal_reasons: list[str]
    chosen_grade: str
    override_reason: str
    scores: dict[str, dict[str, str | int]]
    assessed_at: datetime
    assessed_by: str | None
    deadline: datetime | None


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resolution: Resolution
    note: str = Field(min_length=1, max_length=2000, description="what the caller was told (shown to reporters)")


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: str = Field(min_length=1, max_length=24, description="the incident that absorbs this one")


class UpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)
