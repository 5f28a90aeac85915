"""Live updates: committed domain events pushed to browsers over Server-Sent Events.

Each event is filtered through the policy: a user sees an event only if they could read its object
(``{object_type}.read``) given their team. A reconnecting page sends Last-Event-ID and gets what it missed.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from peel.events.domain import Delivered
from peel.events.relay import replay_after
from peel.identity import policy
from peel.identity.service import Principal
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(tags=["events"])
KEEPALIVE_SECONDS = 15.0


def visible(principal: Principal, event: Delivered) -> bool:
    action = f"{event.object_type}.read"
    relation = policy.Relation(same_team=event.team_id is not None and event.team_id == principal.team_id)
    return policy.may(principal.role, action, relation)


def sse(event: Delivered) -> str:
    return f"id: {event.position}\nevent: {event.name}\ndata: {json.dumps(event.as_dict())}\n\n"


@router.get(
    "/api/v1/events/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}},
)
def stream(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("events.subscribe"))]
) -> StreamingResponse:
    principal = ctx.principal
    ctx.uow.commit()
    last = request.headers.get("last-event-id", "")
    resume_from = int(last) if last.isdigit() else None
    queue = platform.bus.subscribers.open()

    async def body() -> AsyncIterator[str]:
        seen: deque[str] = deque(maxlen=2000)  # recent event ids: at-least-once delivery, shown once
        try:
            yield ": connected\n\n"
            if resume_from is not None:
                for event in await asyncio.to_thread(replay_after, platform.read_sessions, resume_from):
                    seen.append(event.event_id)
                    if visible(principal, event):
                        yield sse(event)
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                if event.event_id in seen:
                    continue
                seen.append(event.event_id)
                if visible(principal, event):
                    yield sse(event)
        finally:
            platform.bus.subscribers.close(queue)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)
