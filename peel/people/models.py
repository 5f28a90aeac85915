"""Core records: people (with aliases, phones, addresses and markers), locations and vehicles."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peel.db.base import Base

MARKER_KINDS = ("warning", "vulnerability")
MARKER_CODES = {
    "warning": ("weapons", "violent", "firearms", "drugs", "escaper", "contagion", "self_harm"),
    "vulnerability": ("mental_health", "child", "elderly", "domestic_abuse", "disability", "missing"),
}


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (Index("ix_locations_lat_lon", "lat", "lon"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(24), unique=True)
    address: Mapped[str] = mapped_column(String(255))
    postcode: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    easting: Mapped[float | None] = mapped_column(Float, nullable=True)
    northing: Mapped[float | None] = mapped_column(Float, nullable=True)
    lsoa_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    created_at: Mapped[datetime]


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(24), unique=True)
    forenames: Mapped[str] = mapped_column(String(120))
    surname: Mapped[str] = mapped_column(String(120), index=True)
    name_key: Mapped[str] = mapped_column(String(24), default="", index=True)  # phonetic key of the surname
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # MoPI review
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    aliases: Mapped[list[PersonAlias]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    phones: Mapped[list[PersonPhone]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    addresses: Mapped[list[PersonAddress]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    markers: Mapped[list[Marker]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class PersonAlias(Base):
    __tablename__ = "person_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    forenames: Mapped[str] = mapped_column(String(120))
    surname: Mapped[str] = mapped_column(String(120))


class PhoneNumber(Base):
    __tablename__ = "phone_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(String(20), unique=True)


class PersonPhone(Base):
    __tablename__ = "person_phones"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    phone_id: Mapped[int] = mapped_column(ForeignKey("phone_numbers.id"), primary_key=True, index=True)
    phone: Mapped[PhoneNumber] = relationship(lazy="joined")


class PersonAddress(Base):
    __tablename__ = "person_addresses"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(16), default="home")
    location: Mapped[Location] = relationship(lazy="joined")


class Marker(Base):
    __tablename__ = "markers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime]


class Vehicle(Base):
    __tablename__ = "vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    vrm: Mapped[str] = mapped_column(String(10), unique=True)
    make: Mapped[str] = mapped_column(String(40), default="")
    model: Mapped[str] = mapped_column(String(40), default="")
    colour: Mapped[str] = mapped_column(String(24), default="")
    keeper_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True, index=True)
