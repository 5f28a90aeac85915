"""An open live stream ends with its session: deactivation, sign-out or a new role take effect on it too."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.accounts import service as admin
from peel.db.uow import Actor
from peel.events import routes
from peel.events.domain import Delivered
from tests.support import aio
from tests.support.sse import stream_scope
from tests.support.staff import platform_of, staff


def _incident_event() -> Delivered:
    return Delivered(
        position=0,
        event_id=f"e-{uuid.uuid4()}",
        name="IncidentCreated",
        object_type="incident",
        object_id="INC-20261201-9999",
        team_id=None,
        payload={"ref": "INC-20261201-9999", "category": "burglary"},
        occurred_at="2026-12-01T00:00:00+00:00",
    )


async def _stream(app: FastAPI, headers: dict[str, str], meanwhile: Callable[[], None]) -> tuple[int, str]:
    """Open the stream, run ``meanwhile``, deliver one force-wide incident event, and read what was sent."""
    scope = stream_scope(headers)
    gone, started, body = asyncio.Event(), asyncio.get_running_loop().create_future(), []
    asked = False

    async def receive() -> dict[str, object]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start" and not started.done():
            started.set_result(message["status"])
        elif message["type"] == "http.response.body":
            body.append(bytes(message.get("body", b"")).decode())  # type: ignore[arg-type]

    task = asyncio.create_task(app(scope, receive, send))
    status = await asyncio.wait_for(started, timeout=30)
    await asyncio.to_thread(meanwhile)
    platform_of(app).bus.subscribers.deliver(_incident_event())
    for _ in range(100):  # until the stream has answered the event (sent it, or ended)
        await asyncio.sleep(0.05)
        if "INC-20261201-9999" in "".join(body) or "signed-out" in "".join(body):
            break
    gone.set()
    task.cancel()
    with contextlib.suppress(BaseException):
        await task
    return int(status), "".join(body)


@pytest.fixture(autouse=True)
def ask_on_every_event(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "RECHECK_SECONDS", 0.0)  # in service: every few seconds


def _as_admin(app: FastAPI, change: Callable[..., object], *args: str) -> Callable[[], None]:
    def run() -> None:
        with platform_of(app).uow(Actor.system("test-admin")) as uow:
            change(uow, *args)
            uow.commit()

    return run


def test_a_user_still_signed_in_keeps_receiving_events(app: FastAPI, client: TestClient) -> None:
    dispatcher = staff(app, client, "dispatcher")
    status, text = aio.run(_stream(app, dispatcher.headers, lambda: None))
    assert status == 200 and "INC-20261201-9999" in text


def test_deactivating_a_user_ends_their_open_stream(app: FastAPI, client: TestClient) -> None:
    dispatcher = staff(app, client, "dispatcher")
    status, text = aio.run(_stream(app, dispatcher.headers, _as_admin(app, admin.deactivate, "dispatcher")))
    assert status == 200 and "INC-20261201-9999" not in text and "event: signed-out" in text


def test_signing_out_ends_the_open_stream(app: FastAPI, client: TestClient) -> None:
    dispatcher = staff(app, client, "dispatcher")
    sign_out = lambda: client.post("/api/v1/auth/logout", headers=dispatcher.headers)  # noqa: E731
    status, text = aio.run(_stream(app, dispatcher.headers, sign_out))
    assert status == 200 and "INC-20261201-9999" not in text and "event: signed-out" in text


def test_a_new_role_decides_what_the_open_stream_shows(app: FastAPI, client: TestClient) -> None:
    dispatcher = staff(app, client, "dispatcher")
    demote = _as_admin(app, admin.edit_user, "dispatcher", "Demoted", "prosecutor", "")
    status, text = aio.run(_stream(app, dispatcher.headers, demote))
    assert status == 200 and "INC-20261201-9999" not in text  # a prosecutor sees only what is shared


@pytest.mark.parametrize("last", ["\u00b2", "9" * 5000, "-1"])
def test_an_odd_last_event_id_is_ignored_not_an_error(app: FastAPI, client: TestClient, last: str) -> None:
    dispatcher = staff(app, client, "dispatcher")
    headers = {**dispatcher.headers, "Last-Event-ID": last}
    status, _text = aio.run(_stream(app, headers, lambda: None))
    assert status == 200
