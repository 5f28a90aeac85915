"""Incident records and the people linked to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peel.db.base import Base
from peel.people.models import Location

CHANNELS = ("999", "101", "online", "anonymous", "open311", "officer")
GRADES = ("G1", "G2", "G3", "G4", "G5")
STATUSES = ("open", "assigned", "resolved", "closed")
PERSON_ROLES = ("caller", "victim", "suspect", "witness", "subject")


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(24), unique=True)
    opened_at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(48))
    summary: Mapped[str] = mapped_column(Text)
    grade: Mapped[str | None] = mapped_column(String(2), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="open")
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), nullable=True, index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    attended_at: Mapped[datetime | None] = mapped_column(nullable=True)  # first officer on scene
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(32), nullable=True)

    location: Mapped[Location | None] = relationship(lazy="joined")
    people: Mapped[list[IncidentPerson]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class IncidentPerson(Base):
    __tablename__ = "incident_people"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
