"""The transactional outbox. Rows are kept after publication so live pages can resume (Last-Event-ID).

``id`` is the insert order, which on PostgreSQL is not the commit order: a transaction can take id 10, another
id 11 and commit first. ``position`` is what clients see and resume from: the relay assigns it, dense and
increasing, to rows in the order it finds them committed, so a client that saw position N has seen every
event below N. Rows without a position are committed but not yet taken up by the relay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from peel.db.base import Base


class OutboxEvent(Base):
    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(48))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime]
    position: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), nullable=True, unique=True, index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
