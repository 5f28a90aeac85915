"""Time: stored in UTC, shown in the force's local time (Europe/London by default)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The system clock, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Treat a naive datetime read back from the database as UTC (SQLite drops the zone)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local(moment: datetime, zone: str = "Europe/London") -> datetime:
    return as_utc(moment).astimezone(ZoneInfo(zone))


def format_local(moment: datetime | None, zone: str = "Europe/London") -> str:
    """``22/11/2026 14:05`` in local time, as UK forces write dates; empty for None."""
    if moment is None:
        return ""
    return local(moment, zone).strftime("%d/%m/%Y %H:%M")
