"""Human-readable references such as ``INC-20261122-0042``: prefix, local date, a per-day sequence."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from peel.db.base import Base


class ReferenceCounter(Base):
    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


def format_reference(prefix: str, day: str, number: int) -> str:
    return f"{prefix}-{day}-{number:04d}"


def next_reference(session: Session, prefix: str, at: datetime, zone: str = "Europe/London") -> str:
    """Allocate the next reference for ``prefix`` on the local day of ``at`` inside the caller's transaction."""
    day = at.astimezone(ZoneInfo(zone)).strftime("%Y%m%d")
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(ReferenceCounter).values(prefix=prefix, day=day, last=1)
    upsert = stmt.on_conflict_do_update(
        index_elements=["prefix", "day"], set_={"last": ReferenceCounter.last + 1}
    ).returning(ReferenceCounter.last)
    number = session.execute(upsert).scalar_one()
    return format_reference(prefix, day, number)


def peek_last(session: Session, prefix: str, day: str) -> int:
    value = session.execute(
        select(ReferenceCounter.last).where(ReferenceCounter.prefix == prefix, ReferenceCounter.day == day)
    ).scalar_one_or_none()
    return value or 0
