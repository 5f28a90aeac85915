"""Contact records: each 999/101 call, online report, anonymous tip or Open311 request, and what became of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from peel.db.base import Base

CONTACT_CHANNELS = ("999", "101", "online", "anonymous", "open311")
OUTCOMES = ("pending", "deployed", "resolved_without_deployment", "no_police_action")
RESOLUTIONS = ("advice", "referral", "telephone_investigation", "online_investigation", "no_police_matter")


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(24), unique=True)
    channel: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime] = mapped_column(index=True)
    answered_after_s: Mapped[float | None] = mapped_column(Float, nullable=True)  # 999 answer time
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    caller_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True, index=True)
    caller_phone_id: Mapped[int | None] = mapped_column(ForeignKey("phone_numbers.id"), nullable=True, index=True)
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(48))
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    coarsened: Mapped[bool] = mapped_column(Boolean, default=False)
    public_ref: Mapped[str | None] = mapped_column(String(24), nullable=True, unique=True)
    receipt_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    service_code: Mapped[str | None] = mapped_column(String(48), nullable=True)
    outcome: Mapped[str] = mapped_column(String(32), default="pending")
    resolution: Mapped[str | None] = mapped_column(String(32), nullable=True)
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class ThriveRecord(Base):
    """One THRIVE assessment of an incident; re-assessment adds a version, history is never overwritten."""

    __tablename__ = "thrive_assessments"
    __table_args__ = (UniqueConstraint("incident_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    urban: Mapped[bool] = mapped_column(Boolean, default=True)
    in_progress: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_grade: Mapped[str] = mapped_column(String(2))
    proposal_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    chosen_grade: Mapped[str] = mapped_column(String(2))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    assessed_at: Mapped[datetime]


class MatchDecision(Base):
    """A handler's confirmation or rejection of a suggested person match, kept for next time."""

    __tablename__ = "match_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    phone_id: Mapped[int | None] = mapped_column(ForeignKey("phone_numbers.id"), nullable=True, index=True)
    decision: Mapped[str] = mapped_column(String(12))  # confirmed, rejected
    basis: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime]


class ReportUpdate(Base):
    """An update on an incident that the reporting member of the public can see (or added themselves)."""

    __tablename__ = "report_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(12))  # "public" or "police"
    text: Mapped[str] = mapped_column(Text)
