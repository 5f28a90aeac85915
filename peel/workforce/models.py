"""Stations, teams, shifts, officers and deployable units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from peel.db.base import Base

UNIT_STATUSES = ("available", "assigned", "en_route", "on_scene", "committed", "off_duty")
SKILLS = (
    "response_driver",
    "advanced_driver",
    "firearms",
    "taser",
    "public_order",
    "polsa",
    "first_aid",
    "dog_handler",
    "detective",
    "family_liaison",
)


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))
    postcode: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # response, neighbourhood, investigation, control_room
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), nullable=True)
    shift_pattern: Mapped[str] = mapped_column(String(120), default="")


class Shift(Base):
    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # early, late, night, day
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]


class Officer(Base):
    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    collar_number: Mapped[str] = mapped_column(String(12), unique=True)
    rank: Mapped[str] = mapped_column(String(32))
    forenames: Mapped[str] = mapped_column(String(80))
    surname: Mapped[str] = mapped_column(String(80))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, unique=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    callsign: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # car, van, foot, cycle, motorcycle
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), nullable=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="off_duty")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class UnitCrew(Base):
    __tablename__ = "unit_crew"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
