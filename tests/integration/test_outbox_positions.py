"""Outbox positions that replay can trust: assigned by the relay in commit order, so an event that commits after
a later-numbered one is still replayed to a client that saw the later one; old events are pruned after the
retention period, and a client whose position was pruned is told to reload instead of silently skipping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from peel.core.clock import utcnow
from peel.events.bus import InProcessBus
from peel.events.domain import Delivered
from peel.events.models import OutboxEvent
from peel.events.relay import OutboxRelay, prune, replay, replay_after
from tests.support import aio
from tests.support.staff import platform_of


def _event(name: str, row_id: int | None = None) -> OutboxEvent:
    row = OutboxEvent(
        event_id=f"00000000-0000-0000-0000-{name:0>12}",
        name=name,
        object_type="unit",
        object_id=name,
        team_id=None,
        payload={},
        occurred_at=utcnow(),
    )
    if row_id is not None:
        row.id = row_id
    return row


def _relay(sessions: sessionmaker[Session]) -> tuple[OutboxRelay, list[Delivered]]:
    bus = InProcessBus()
    seen: list[Delivered] = []
    queue = bus.subscribers.open()
    relay = OutboxRelay(sessions, bus, retention=timedelta(days=7))

    async def run() -> None:
        while await relay.publish_pending() > 0:
            pass
        while not queue.empty():
            seen.append(queue.get_nowait())

    relay.run_once = lambda: aio.run(run())  # type: ignore[attr-defined]
    return relay, seen


def _publish(relay: OutboxRelay) -> None:
    relay.run_once()  # type: ignore[attr-defined]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_it_replays_an_event_whose_transaction_committed_after_a_later_numbered_one(app: FastAPI) -> None:
    sessions = platform_of(app).sessions
    relay, seen = _relay(sessions)
    slow = sessions()
    slow.begin()
    slow.add(_event("a"))
    slow.flush()  # transaction A holds the lower id, uncommitted
    with sessions() as fast, fast.begin():
        fast.add(_event("b"))  # transaction B takes the next id and commits first
    ids = {r.name: r.id for r in [*slow.execute(select(OutboxEvent)).scalars()]}
    with sessions() as s:
        ids["b"] = s.execute(select(OutboxEvent.id).where(OutboxEvent.name == "b")).scalar_one()
    assert ids["a"] < ids["b"]
    _publish(relay)
    assert [e.name for e in seen] == ["b"]
    client_position = seen[-1].position
    slow.commit()
    slow.close()
    _publish(relay)
    assert [e.name for e in replay_after(sessions, client_position)] == ["a"]
    assert seen[-1].name == "a" and seen[-1].position > client_position


def test_positions_follow_the_order_the_relay_saw_commits_not_the_ids(app: FastAPI) -> None:
    sessions = platform_of(app).sessions
    relay, seen = _relay(sessions)
    with sessions() as s, s.begin():
        s.add(_event("late", row_id=1000))
    _publish(relay)
    with sessions() as s, s.begin():
        s.add(_event("early", row_id=10))  # a lower id that reaches the outbox later, as a slow commit would
    _publish(relay)
    assert [e.name for e in seen] == ["late", "early"]
    assert seen[1].position == seen[0].position + 1
    assert [e.name for e in replay_after(sessions, seen[0].position)] == ["early"]
    assert replay_after(sessions, seen[1].position) == []


def test_it_prunes_published_events_after_the_retention_and_tells_an_old_client_to_reload(app: FastAPI) -> None:
    sessions = platform_of(app).sessions
    relay, seen = _relay(sessions)
    for name in ("one", "two", "three"):
        with sessions() as s, s.begin():
            s.add(_event(name))
        _publish(relay)
    positions = [e.position for e in seen]
    with sessions() as s, s.begin():
        old = utcnow() - timedelta(days=8)
        s.execute(update(OutboxEvent).where(OutboxEvent.name.in_(["one", "two"])).values(published_at=old))
    assert prune(sessions, utcnow() - timedelta(days=7)) == 2
    with sessions() as s:
        assert s.execute(select(func.count()).select_from(OutboxEvent)).scalar_one() == 1
    stale = replay(sessions, positions[0])
    assert stale.reset and stale.position == positions[2]
    current = replay(sessions, positions[1])
    assert not current.reset and [e.name for e in current.events] == ["three"]


def test_it_keeps_the_newest_event_so_positions_never_restart(app: FastAPI) -> None:
    sessions = platform_of(app).sessions
    relay, seen = _relay(sessions)
    with sessions() as s, s.begin():
        s.add(_event("only"))
    _publish(relay)
    assert prune(sessions, utcnow() + timedelta(days=1)) == 0
    with sessions() as s, s.begin():
        s.add(_event("next"))
    _publish(relay)
    assert seen[1].position == seen[0].position + 1


def test_a_client_ahead_of_the_outbox_or_too_far_behind_is_told_to_reload(app: FastAPI) -> None:
    sessions = platform_of(app).sessions
    relay, seen = _relay(sessions)
    for name in ("x1", "x2", "x3"):
        with sessions() as s, s.begin():
            s.add(_event(name))
    _publish(relay)
    assert replay(sessions, seen[-1].position + 5).reset
    assert replay(sessions, seen[0].position, limit=1).reset
    assert [e.name for e in replay(sessions, seen[0].position, limit=2).events] == ["x2", "x3"]
