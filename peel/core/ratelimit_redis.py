"""A rate limiter shared by every server process through Redis (fixed one-minute windows per client)."""

from __future__ import annotations

import math
import time
from typing import Any

from peel.core.ratelimit import Decision, RatePolicy


class RedisRateLimiter:
    """``capacity`` requests per client per minute window; the count lives in Redis, so all processes agree.

    If Redis cannot be reached the request is allowed: a public report must not be lost because the limiter
    is down (the in-process honeypot and text limits still apply).
    """

    def __init__(self, url: str, policy: RatePolicy, client: Any = None) -> None:
        import redis

        self.policy = policy
        self._client = client or redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def check(self, key: str, now: float, cost: int = 1) -> Decision:
        wall = time.time()
        window = int(wall // 60)
        name = f"peel:rate:{key}:{window}"
        try:
            pipe = self._client.pipeline()
            pipe.incrby(name, cost)
            pipe.expire(name, 120)
            count = int(pipe.execute()[0])
        except Exception:
            return Decision(True, 0, 0, "rate limiter unavailable; allowed")
        if count <= self.policy.capacity:
            return Decision(True, 0, self.policy.capacity - count, "within the limit")
        retry = max(1, math.ceil((window + 1) * 60 - wall))
        return Decision(False, retry, 0, f"more than {self.policy.capacity} requests this minute")
