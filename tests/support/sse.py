"""Read the live event stream in-process, without a server: a small ASGI client.

The stream never ends, so the ordinary test client (which waits for the whole body) cannot read it. This client
starts the request, then hands the stream a *marker* event once the response has started (the route has already
read and filtered any replay by then, and every replayed event is sent before anything live). Everything sent
before the marker is what the stream showed; then it disconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from peel.events.domain import Delivered
from tests.support import aio


@dataclass(frozen=True)
class Streamed:
    status: int
    text: str  # everything before the marker (or the whole body of a refusal)


def marker(object_type: str, team_id: int | None, user_id: int) -> Delivered:
    """An event its one viewer may see (granted to them, in their team), so the stream passes it on."""
    return Delivered(
        position=0,
        event_id=f"marker-{uuid.uuid4()}",
        name="Marker",
        object_type=object_type,
        object_id="marker",
        team_id=team_id,
        payload={},
        occurred_at="2026-01-01T00:00:00+00:00",
        grants=(user_id,),
    )


def stream_scope(headers: dict[str, str]) -> dict[str, Any]:
    """The ASGI scope of ``GET /api/v1/events/stream`` with these headers, as a browser would send it."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/events/stream",
        "raw_path": b"/api/v1/events/stream",
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }


async def _read(app: FastAPI, headers: dict[str, str], mark: Delivered) -> Streamed:
    scope = stream_scope(headers)
    disconnected = asyncio.Event()
    started: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    body: list[str] = []
    done = asyncio.Event()
    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and not started.done():
            started.set_result(int(message["status"]))
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b"").decode())
            if mark.event_id in body[-1] or not message.get("more_body", False):
                done.set()

    task = asyncio.create_task(app(scope, receive, send))
    status = await asyncio.wait_for(started, timeout=30)
    if status == 200:
        app.state.platform.bus.subscribers.deliver(mark)
    await asyncio.wait_for(done.wait(), timeout=30)
    disconnected.set()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    text = "".join(body)
    return Streamed(status, text.split(mark.event_id)[0])


def read_stream(app: FastAPI, headers: dict[str, str], mark: Delivered) -> Streamed:
    """What the stream sends this caller before the marker (call outside any running event loop)."""
    return aio.run(_read(app, headers, mark))
