"""Domain events: published only after commit, never lost (outbox), shared across processes through Redis."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.db.uow import Actor
from peel.events.domain import Delivered, DomainEvent
from peel.events.models import OutboxEvent
from peel.identity.access import may_see_event as visible
from peel.identity.service import Principal
from peel.settings import Settings
from peel.web.app import create_app
from tests.support.staff import platform_of, staff

RTC = {
    "channel": "999",
    "category": "rtc",
    "summary": "Collision",
    "team": "Team A",
    "location": {"address": "Whitehall", "lat": 51.504, "lon": -0.1265},
}


def wait_for(queue: asyncio.Queue[Delivered], name: str, timeout: float = 5.0) -> Delivered:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            event = queue.get_nowait()
        except asyncio.QueueEmpty:
            time.sleep(0.02)
            continue
        if event.name == name:
            return event
    raise AssertionError(f"no {name} event within {timeout} s")


def test_an_event_reaches_live_subscribers_after_the_commit(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    queue = platform_of(app).bus.subscribers.open()
    ref = client.post("/api/v1/incidents", json=RTC, headers=handler.headers).json()["ref"]
    event = wait_for(queue, "IncidentCreated")
    assert event.object_id == ref and event.payload["category"] == "rtc"
    # The relay marks the row in the transaction that published it, which commits just after delivery.
    deadline = time.monotonic() + 5
    while True:
        with platform_of(app).sessions() as session:
            row = session.execute(select(OutboxEvent).where(OutboxEvent.object_id == ref)).scalar_one()
        if row.published_at is not None or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert row.published_at is not None


def test_a_rolled_back_change_raises_no_event(app: FastAPI, client: TestClient) -> None:
    platform = platform_of(app)
    with platform.uow(Actor.system("test")) as uow:
        uow.emit(DomainEvent("IncidentCreated", "incident", "INC-NEVER", {}))
        uow.audit("incident.create", "incident", "INC-NEVER")
        # leaving the block without commit() rolls back
    with platform.sessions() as session:
        assert session.execute(select(func.count()).select_from(OutboxEvent)).scalar_one() == 0


def test_events_committed_while_no_relay_ran_are_published_when_one_starts(settings: Settings) -> None:
    first = create_app(settings)
    with first.state.platform.uow(Actor.system("test")) as uow:  # no lifespan: nothing publishes
        uow.emit(DomainEvent("UnitStatusChanged", "unit", "TA1", {"to": "available"}))
        uow.audit("unit.update_status", "unit", "TA1")
        uow.commit()
    second = create_app(settings)
    queue = second.state.platform.bus.subscribers.open()
    with TestClient(second):
        assert wait_for(queue, "UnitStatusChanged").object_id == "TA1"


def test_an_event_raised_in_one_process_reaches_subscribers_of_another_through_redis(
    settings: Settings, redis_url: str | None
) -> None:
    if redis_url is None:
        pytest.skip("Redis is not available on this machine")
    shared = settings.model_copy(update={"redis_url": redis_url})
    app_a, app_b = create_app(shared), create_app(shared)
    with TestClient(app_a), TestClient(app_b) as client_b:
        queue_a = app_a.state.platform.bus.subscribers.open()
        handler = staff(app_b, client_b, "call_handler")
        ref = client_b.post("/api/v1/incidents", json=RTC, headers=handler.headers).json()["ref"]
        assert wait_for(queue_a, "IncidentCreated").object_id == ref


def principal(role: str, team_id: int | None) -> Principal:
    return Principal(1, "u", "U", role, team_id, 1, "bearer", "x")


def test_live_events_are_filtered_by_the_same_policy_as_reads() -> None:
    event = Delivered(1, "e1", "IncidentCreated", "incident", "INC-1", 7, {}, "2026-11-22T00:00:00+00:00")
    assert visible(principal("dispatcher", None), event)
    assert visible(principal("officer", 7), event)
    assert not visible(principal("officer", 8), event)
    assert not visible(principal("prosecutor", None), event)
    assert not visible(principal("auditor", None), event)
