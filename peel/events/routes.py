"""Live updates: committed domain events pushed to browsers over Server-Sent Events.

Each event, live or replayed, is shown only if ``access.may_see_event`` allows it: the same rule as reading the
event's object, decided from the team, restricted flag and grants the event carries. A reconnecting page sends
Last-Event-ID and is replayed what it missed; the replay is read, filtered and audited before streaming starts, so
an unaudited replay is never served.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from peel.events.domain import Delivered
from peel.events.relay import Replay, replay
from peel.identity.access import may_see_event
from peel.identity.service import Principal, still_signed_in
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(tags=["events"])
KEEPALIVE_SECONDS = 15.0
RECHECK_SECONDS = 5.0  # an open stream asks again this often whether its session still stands
LAST_EVENT_ID = re.compile(r"[0-9]{1,18}")


def sse(event: Delivered) -> str:
    return f"id: {event.position}\nevent: {event.name}\ndata: {json.dumps(event.as_dict(with_access=False))}\n\n"


def reset(position: int) -> str:
    """What was missed cannot be told exactly (pruned, or the database was replaced): the page reloads."""
    return f"id: {position}\nevent: reset\ndata: {json.dumps({'position': position})}\n\n"


def _replay(ctx: Ctx, platform: PlatformDep, after: int) -> tuple[Replay, list[Delivered]]:
    """What a reconnecting page missed and may see; the replay itself is audited."""
    missed = replay(platform.read_sessions, after)
    shown = [e for e in missed.events if may_see_event(ctx.principal, e)]
    ctx.uow.audit(
        "events.replay",
        "events",
        str(after),
        detail=f"after={after} served={len(shown)} withheld={len(missed.events) - len(shown)} reset={missed.reset}",
    )
    return missed, shown


@router.get(
    "/api/v1/events/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}},
)
def stream(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("events.subscribe"))]
) -> StreamingResponse:
    principal = ctx.principal
    last = request.headers.get("last-event-id", "")
    replayed: list[Delivered] = []
    restart: int | None = None
    seen: deque[str] = deque(maxlen=2000)  # recent event ids: at-least-once delivery, shown once
    queue = platform.bus.subscribers.open()  # before the replay is read, so nothing falls between the two
    try:
        # The request's own transaction ends before the outbox is read in one of its own (SQLite has one writer),
        # and the replay's audit entry commits before a single replayed event is sent.
        ctx.uow.commit()
        if LAST_EVENT_ID.fullmatch(last):
            missed, replayed = _replay(ctx, platform, int(last))
            seen.extend(e.event_id for e in missed.events)
            restart = missed.position if missed.reset else None
            ctx.uow.commit()
    except BaseException:
        platform.bus.subscribers.close(queue)
        raise

    def recheck(viewer: Principal) -> Principal | None:
        with platform.read_sessions() as session, session.begin():
            return still_signed_in(session, viewer, platform.clock(), platform.login_policy)

    async def body() -> AsyncIterator[str]:
        try:
            yield ": connected\n\n"
            if restart is not None:
                yield reset(restart)
            for event in replayed:
                yield sse(event)
            async for chunk in _live(request, queue, seen, principal, recheck):
                yield chunk
        finally:
            platform.bus.subscribers.close(queue)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)


async def _live(
    request: Request,
    queue: asyncio.Queue[Delivered],
    seen: deque[str],
    viewer: Principal,
    recheck: Callable[[Principal], Principal | None],
) -> AsyncIterator[str]:
    """Live events as they come, for as long as the viewer's session stands (asked again every few seconds)."""
    checked = time.monotonic()
    while True:
        event: Delivered | None
        try:
            event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
        except TimeoutError:
            event = None
        if event is None or time.monotonic() - checked >= RECHECK_SECONDS:
            now_as = await asyncio.to_thread(recheck, viewer)
            if now_as is None:  # signed out, deactivated or expired: the stream ends with the session
                yield "event: signed-out\ndata: {}\n\n"
                return
            viewer, checked = now_as, time.monotonic()
        if event is None:
            if await request.is_disconnected():
                return
            yield ": keep-alive\n\n"
        elif event.event_id not in seen:
            seen.append(event.event_id)
            if may_see_event(viewer, event):
                yield sse(event)
