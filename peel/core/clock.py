"""Time: stored in UTC, shown in the force's local time (Europe/London by default).

One clock is injected everywhere (``create_app(clock=...)`` → the platform → every unit of work as
``uow.now()``), so tests, SLA replays and the demand simulator move time by the clock instead of editing rows.
``utcnow`` is the system clock and the default; only this module reads the wall clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The system clock, timezone-aware UTC."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to: for tests and replays. Calling it reads the time."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock keeps UTC-aware time")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move forward by ``delta`` or by ``minutes=…``/``hours=…``; time never runs backwards."""
        step = delta if delta is not None else timedelta(**parts)
        if step < timedelta(0):
            raise ValueError("a clock does not run backwards")
        with self._lock:
            self._now += step
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            if moment.astimezone(UTC) < self._now:
                raise ValueError("a clock does not run backwards")
            self._now = moment.astimezone(UTC)


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
