"""The outbox relay: publishes committed events that have not been published yet, then marks them.

A row is marked only after the bus accepted it, in the same transaction that claimed it, so a crash between
commit and publication delays an event but never loses it. On PostgreSQL, ``FOR UPDATE SKIP LOCKED`` lets the
relays of several server processes share the work without publishing a row twice in the normal case.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from peel.core.clock import utcnow
from peel.events.bus import EventBus
from peel.events.domain import Delivered, split_payload
from peel.events.models import OutboxEvent

log = logging.getLogger(__name__)


def to_delivered(row: OutboxEvent) -> Delivered:
    payload, restricted, grants = split_payload(row.payload)
    return Delivered(
        position=row.id,
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
    def __init__(self, sessions: sessionmaker[Session], bus: EventBus, poll_seconds: float = 0.5) -> None:
        self._sessions = sessions
        self._bus = bus
        self._poll = poll_seconds
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
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
            self._wake.clear()

    async def publish_pending(self, batch: int = 200) -> int:
        loop = asyncio.get_running_loop()
        return await asyncio.to_thread(self._publish_batch, loop, batch)

    def _publish_batch(self, loop: asyncio.AbstractEventLoop, batch: int) -> int:
        with self._sessions() as session, session.begin():
            stmt = select(OutboxEvent).where(OutboxEvent.published_at.is_(None)).order_by(OutboxEvent.id).limit(batch)
            if session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            rows: Sequence[OutboxEvent] = session.execute(stmt).scalars().all()
            now = utcnow()
            for row in rows:
                asyncio.run_coroutine_threadsafe(self._bus.publish(to_delivered(row)), loop).result(timeout=10)
                row.published_at = now
            return len(rows)


def replay_after(sessions: sessionmaker[Session], position: int, limit: int = 500) -> list[Delivered]:
    """Published events after an outbox position, for a live page that reconnects with Last-Event-ID."""
    with sessions() as session, session.begin():
        rows = session.execute(
            select(OutboxEvent)
            .where(OutboxEvent.id > position, OutboxEvent.published_at.is_not(None))
            .order_by(OutboxEvent.id)
            .limit(limit)
        ).scalars()
        return [to_delivered(r) for r in rows]
