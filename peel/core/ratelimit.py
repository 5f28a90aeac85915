"""Rate limits for public endpoints: a token bucket per client key, answering "allowed, or retry after N seconds".

``RateLimiter`` is the port; ``InMemoryRateLimiter`` serves one process (tests, a single worker). A shared store
(Redis) implements the same protocol for several workers. Time is a monotonic reading passed in by the caller, so
the rules are testable without sleeping and immune to wall-clock jumps.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from peel.core.errors import InvalidInput


@dataclass(frozen=True)
class RatePolicy:
    """A bucket holds ``capacity`` tokens (the burst) and refills ``per_minute`` tokens a minute (the rate).

    The default, a burst of 10 then 10 a minute, lets a person correct and resubmit a form several times while
    turning a script's flood into a trickle.
    """

    capacity: int = 10
    per_minute: float = 10.0

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise InvalidInput("a rate limit needs a capacity of at least 1")
        if not self.per_minute > 0:
            raise InvalidInput("a rate limit needs a positive refill rate")

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0

    @property
    def seconds_to_fill(self) -> float:
        """How long an empty bucket takes to fill: after this long idle a key is the same as a new key."""
        return self.capacity / self.per_second


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_seconds: int  # 0 when allowed; otherwise whole seconds, rounded up, for a Retry-After header
    remaining: int  # whole tokens left after this request
    reason: str


class RateLimiter(Protocol):
    def check(self, key: str, now: float, cost: int = 1) -> Decision:
        """Take ``cost`` tokens from ``key``'s bucket at monotonic time ``now`` (seconds) if it has them."""
        ...


@dataclass
class _Bucket:
    tokens: float
    updated: float


class InMemoryRateLimiter:
    """Token buckets in a dict, least recently used first; thread-safe; holds at most ``max_keys`` keys.

    Memory stays bounded two ways: a key idle long enough for its bucket to refill completely carries no
    information and is dropped, and beyond ``max_keys`` the least recently used key is dropped (that client
    starts again with a full bucket, the lenient failure).
    """

    def __init__(self, policy: RatePolicy | None = None, *, max_keys: int = 100_000) -> None:
        if max_keys < 1:
            raise InvalidInput("a rate limiter must be able to hold at least one key")
        self.policy = policy or RatePolicy()
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)

    def check(self, key: str, now: float, cost: int = 1) -> Decision:
        if cost < 1:
            raise InvalidInput("a request costs at least one token")
        policy = self.policy
        if cost > policy.capacity:
            return Decision(False, math.ceil(policy.seconds_to_fill), 0, "the request is larger than the limit allows")
        with self._lock:
            self._evict_idle(now)
            bucket = self._buckets.pop(key, None)
            if bucket is None:
                bucket = _Bucket(float(policy.capacity), now)
            else:
                # A clock reading earlier than the last one (another process, a bug) adds nothing.
                elapsed = max(0.0, now - bucket.updated)
                bucket.tokens = min(float(policy.capacity), bucket.tokens + elapsed * policy.per_second)
                bucket.updated = max(bucket.updated, now)
            self._buckets[key] = bucket
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            if bucket.tokens >= cost:
                bucket.tokens -= cost
                return Decision(True, 0, math.floor(bucket.tokens), "within the limit")
            wait = (cost - bucket.tokens) / policy.per_second
            return Decision(
                False,
                max(1, math.ceil(wait)),
                math.floor(bucket.tokens),
                f"more than {policy.capacity} requests in a burst or {policy.per_minute:g} a minute",
            )

    def _evict_idle(self, now: float) -> None:
        """Drop keys, oldest first, whose buckets would be full again by now (they are indistinguishable from new)."""
        full_after = self.policy.seconds_to_fill
        while self._buckets:
            oldest_key, oldest = next(iter(self._buckets.items()))
            if now - oldest.updated < full_after:
                break
            del self._buckets[oldest_key]
