"""The outbox relay: gives committed events their replay position, publishes them, and prunes old ones.

Positions are what live pages resume from (Last-Event-ID), so they must never let a page skip an event. Insert
ids cannot promise that on PostgreSQL, where transactions commit in any order. So one relay at a time (an
advisory transaction lock on PostgreSQL; SQLite has a single writer anyway):

1. takes the committed rows that have no position, in id order, and numbers them next after the highest
   position given so far (dense: 1, 2, 3 …), then commits. A row that commits late is numbered when it is
   seen, after everything already numbered, so a page that saw position N has seen every event below N.
2. publishes numbered, unpublished rows in position order and marks them published in the transaction that
   claimed them: a crash delays an event (it is published again, and pages drop repeats by event id) but never
   loses it.

Replay reads numbered rows only. Published rows older than the retention period are pruned, except the newest,
which keeps the numbering going; a page whose position was pruned (or that is ahead of this outbox, or too far
behind to catch up in one replay) is told to reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from peel.core.clock import Clock, utcnow
from peel.events.bus import EventBus
from peel.events.domain import Delivered, split_payload
from peel.events.models import OutboxEvent

log = logging.getLogger(__name__)
RELAY_LOCK = 0x7065656C  # "peel": the advisory lock that makes one relay at a time number and publish
PRUNE_EVERY_SECONDS = 600.0


def to_delivered(row: OutboxEvent) -> Delivered:
    payload, restricted, grants = split_payload(row.payload)
    return Delivered(
        position=row.position or 0,
        event_id=row.event_id,
        name=row.name,
        object_type=row.object_type,
        object_id=row.object_id,
        team_id=row.team_id,
        payload=payload,
        occurred_at=row.occurred_at.isoformat(),
        restricted=restricted,
        grants=grants,
    )


class OutboxRelay:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        bus: EventBus,
        poll_seconds: float = 0.5,
        retention: timedelta = timedelta(days=7),
        clock: Clock = utcnow,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._bus = bus
        self._poll = poll_seconds
        self._retention = retention
        self._pruned_at: float | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            # A batch already handed to a worker thread finishes on its own; shutdown must not wait on it forever.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, timeout=5)

    def nudge(self) -> None:
        """Called from any thread after a commit that wrote events: publish now rather than at the next poll."""
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._wake.set)

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            try:
                while await self.publish_pending() > 0:
                    pass
                await self._prune_if_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
            self._wake.clear()

    async def _prune_if_due(self) -> None:
        due = self._pruned_at is None or time.monotonic() - self._pruned_at >= PRUNE_EVERY_SECONDS
        if due:
            removed = await asyncio.to_thread(prune, self._sessions, self._clock() - self._retention)
            self._pruned_at = time.monotonic()
            if removed:
                log.info("pruned %d published events older than %s", removed, self._retention)

    async def publish_pending(self, batch: int = 200) -> int:
        """Number and publish what is waiting; returns how many events were published."""
        loop = asyncio.get_running_loop()
        return await asyncio.to_thread(self._publish_batch, loop, batch)

    def _publish_batch(self, loop: asyncio.AbstractEventLoop, batch: int) -> int:
        assign_positions(self._sessions, batch)
        with self._sessions() as session, session.begin():
            _lock(session)
            stmt = (
                select(OutboxEvent)
                .where(OutboxEvent.position.is_not(None), OutboxEvent.published_at.is_(None))
                .order_by(OutboxEvent.position)
                .limit(batch)
            )
            rows: Sequence[OutboxEvent] = session.execute(stmt).scalars().all()
            now = self._clock()
            for row in rows:
                asyncio.run_coroutine_threadsafe(self._bus.publish(to_delivered(row)), loop).result(timeout=10)
                row.published_at = now
            return len(rows)


def _lock(session: Session) -> None:
    """One relay at a time numbers and publishes (held to the end of the transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RELAY_LOCK})


def assign_positions(sessions: sessionmaker[Session], batch: int = 200) -> int:
    """Number committed rows that have no position yet, next after the highest given; returns how many."""
    with sessions() as session, session.begin():
        _lock(session)
        ids = (
            session.execute(
                select(OutboxEvent.id).where(OutboxEvent.position.is_(None)).order_by(OutboxEvent.id).limit(batch)
            )
            .scalars()
            .all()
        )
        if not ids:
            return 0
        top = session.execute(select(func.max(OutboxEvent.position))).scalar_one() or 0
        session.execute(update(OutboxEvent), [{"id": i, "position": top + n} for n, i in enumerate(ids, 1)])
        return len(ids)


def prune(sessions: sessionmaker[Session], published_before: datetime) -> int:
    """Delete events published before the cut-off, keeping the newest so numbering carries on from it."""
    with sessions() as session, session.begin():
        _lock(session)
        top = session.execute(select(func.max(OutboxEvent.position))).scalar_one()
        if top is None:
            return 0
        result = session.execute(
            delete(OutboxEvent).where(
                OutboxEvent.published_at < published_before,
                OutboxEvent.position < top,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Replay:
    """What a reconnecting page missed, or ``reset``: it cannot be told exactly, so the page must reload.

    ``position`` is the highest position now in the outbox: where a page that reloads resumes from.
    """

    events: list[Delivered]
    reset: bool
    position: int


def replay(sessions: sessionmaker[Session], position: int, limit: int = 500) -> Replay:
    """Numbered events after ``position``, in order; a reset when some of them are gone or too many."""
    with sessions() as session, session.begin():
        low, high = session.execute(select(func.min(OutboxEvent.position), func.max(OutboxEvent.position))).one()
        high = high or 0
        # Positions are dense, so a gap below the lowest kept one means pruned events; a position above the
        # highest means this page followed another outbox (a database restored or replaced).
        if position > high or (low is not None and position < low - 1):
            return Replay([], True, high)
        rows = (
            session.execute(
                select(OutboxEvent)
                .where(OutboxEvent.position > position)
                .order_by(OutboxEvent.position)
                .limit(limit + 1)
            )
            .scalars()
            .all()
        )
        if len(rows) > limit:
            return Replay([], True, high)
        return Replay([to_delivered(r) for r in rows], False, high)


def replay_after(sessions: sessionmaker[Session], position: int, limit: int = 500) -> list[Delivered]:
    """Numbered events after an outbox position, for a live page that reconnects with Last-Event-ID.

    Empty when the page must reload instead (see ``replay``, which says so).
    """
    return replay(sessions, position, limit).events
