"""Domain events as plain data. The read action names who may see the event on a live page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peel.core.clock import utcnow


@dataclass(frozen=True)
class DomainEvent:
    name: str  # e.g. "IncidentCreated", "UnitStatusChanged"
    object_type: str  # "incident", "unit", …: the policy's read action is f"{object_type}.read"
    object_id: str
    payload: dict[str, Any]
    team_id: int | None = None
    occurred_at: datetime = field(default_factory=utcnow)
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class Delivered:
    """An event as it travels after commit: with its outbox position, so clients can resume."""

    position: int
    event_id: str
    name: str
    object_type: str
    object_id: str
    team_id: int | None
    payload: dict[str, Any]
    occurred_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "event_id": self.event_id,
            "name": self.name,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "team_id": self.team_id,
            "payload": self.payload,
            "occurred_at": self.occurred_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Delivered:
        return cls(
            position=int(data["position"]),
            event_id=str(data["event_id"]),
            name=str(data["name"]),
            object_type=str(data["object_type"]),
            object_id=str(data["object_id"]),
            team_id=data.get("team_id"),
            payload=dict(data.get("payload") or {}),
            occurred_at=str(data["occurred_at"]),
        )
