"""Event fan-out: in-process by default, through Redis pub/sub when several server processes run.

The relay publishes each committed outbox row to the bus; every process's bus hands it to that process's
subscribers (live pages). Delivery is at least once; subscribers drop repeats by event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any, Protocol

from peel.events.domain import Delivered

log = logging.getLogger(__name__)
CHANNEL = "peel:events"


class Subscribers:
    """Local listeners (one asyncio queue per live page)."""

    def __init__(self, maxsize: int = 1000) -> None:
        self._queues: set[asyncio.Queue[Delivered]] = set()
        self._maxsize = maxsize

    def open(self) -> asyncio.Queue[Delivered]:
        queue: asyncio.Queue[Delivered] = asyncio.Queue(self._maxsize)
        self._queues.add(queue)
        return queue

    def close(self, queue: asyncio.Queue[Delivered]) -> None:
        self._queues.discard(queue)

    def deliver(self, event: Delivered) -> None:
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                # A page that stopped reading misses live events; it resumes from the outbox on reconnect.
                queue.put_nowait(event)

    def __len__(self) -> int:
        return len(self._queues)


class EventBus(Protocol):
    subscribers: Subscribers

    async def start(self) -> None: ...
    async def publish(self, event: Delivered) -> None: ...
    async def stop(self) -> None: ...


class InProcessBus:
    def __init__(self) -> None:
        self.subscribers = Subscribers()

    async def start(self) -> None:
        return None

    async def publish(self, event: Delivered) -> None:
        self.subscribers.deliver(event)

    async def stop(self) -> None:
        return None


class RedisBus:
    """Publishes to a Redis channel; a listener task delivers what arrives to this process's subscribers."""

    def __init__(self, url: str, client_factory: Callable[[str], object] | None = None) -> None:
        self.subscribers = Subscribers()
        self._url = url
        self._task: asyncio.Task[None] | None = None
        self._client: Any = None
        self._factory = client_factory

    def _make_client(self) -> object:
        if self._factory is not None:
            return self._factory(self._url)
        import redis.asyncio as aioredis

        return aioredis.from_url(self._url)

    async def start(self) -> None:
        self._client = self._make_client()
        ready = asyncio.Event()
        self._task = asyncio.create_task(self._listen(ready))
        await asyncio.wait_for(ready.wait(), timeout=10)

    async def _listen(self, ready: asyncio.Event) -> None:
        while True:
            try:
                pubsub = self._client.pubsub()
                await pubsub.subscribe(CHANNEL)
                ready.set()
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        self.subscribers.deliver(Delivered.from_dict(json.loads(message["data"])))
                    except (ValueError, KeyError, TypeError):
                        log.warning("ignored a malformed event on %s", CHANNEL)
            except asyncio.CancelledError:
                raise
            except Exception:  # the connection dropped: pages catch up from the outbox on reconnect
                log.exception("redis event listener failed; retrying")
                ready.set()
                await asyncio.sleep(1)

    async def publish(self, event: Delivered) -> None:
        await self._client.publish(CHANNEL, json.dumps(event.as_dict()))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.aclose()
