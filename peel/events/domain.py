"""Domain events as plain data. The read action names who may see the event on a live page.

An event carries what the access decision needs (``peel.identity.access.may_see_event``): the object's team, its
restricted flag and the ids of users granted it. They travel in the outbox payload under ``ACCESS_KEY`` (so the
outbox needs no extra columns) and are taken out again before the event is delivered; browsers never see grants.
"""

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
    restricted: bool = False
    grants: tuple[int, ...] = ()

    def stored_payload(self) -> dict[str, Any]:
        """The payload as the outbox row keeps it: with the access facts beside the event's own data."""
        return {**self.payload, ACCESS_KEY: {"restricted": self.restricted, "grants": list(self.grants)}}


ACCESS_KEY = "_access"


def split_payload(stored: dict[str, Any]) -> tuple[dict[str, Any], bool, tuple[int, ...]]:
    """An outbox payload back into the event's own data, its restricted flag and its granted user ids."""
    payload = dict(stored)
    facts = payload.pop(ACCESS_KEY, None) or {}
    return payload, bool(facts.get("restricted", False)), tuple(int(u) for u in facts.get("grants", ()))


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
    restricted: bool = False
    grants: tuple[int, ...] = ()

    def as_dict(self, *, with_access: bool = True) -> dict[str, Any]:
        """The event as JSON; ``with_access=False`` for browsers, which are never told who else may see it."""
        data = self.public_dict()
        if with_access:
            data["restricted"], data["grants"] = self.restricted, list(self.grants)
        return data

    def public_dict(self) -> dict[str, Any]:
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
            restricted=bool(data.get("restricted", False)),
            grants=tuple(int(u) for u in data.get("grants") or ()),
        )
