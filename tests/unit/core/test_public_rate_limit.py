"""Public endpoints are rate-limited per client by a token bucket, in bounded memory, safely across threads."""

from __future__ import annotations

import threading

import pytest

from peel.core.errors import InvalidInput
from peel.core.ratelimit import InMemoryRateLimiter, RateLimiter, RatePolicy


def test_a_burst_up_to_the_capacity_is_allowed() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=3, per_minute=6))
    decisions = [limiter.check("1.2.3.4", 100.0) for _ in range(3)]
    assert all(d.allowed for d in decisions)
    assert [d.remaining for d in decisions] == [2, 1, 0]


def test_the_request_after_the_burst_is_refused_with_retry_after() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=2, per_minute=6))  # one token every 10 s
    limiter.check("k", 0.0)
    limiter.check("k", 0.0)
    refused = limiter.check("k", 1.0)
    assert refused.allowed is False
    assert refused.retry_after_seconds == 9
    assert "2 requests" in refused.reason


def test_tokens_come_back_at_the_refill_rate() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=1, per_minute=60))
    assert limiter.check("k", 0.0).allowed
    assert not limiter.check("k", 0.5).allowed
    assert limiter.check("k", 1.0).allowed


def test_clients_have_separate_buckets() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=1, per_minute=1))
    assert limiter.check("a", 0.0).allowed
    assert limiter.check("b", 0.0).allowed
    assert not limiter.check("a", 0.0).allowed


def test_a_clock_reading_that_goes_backwards_gives_nothing_back() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=1, per_minute=60))
    limiter.check("k", 100.0)
    assert not limiter.check("k", 50.0).allowed


def test_a_request_costing_more_than_the_capacity_is_refused() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=2, per_minute=60))
    assert not limiter.check("k", 0.0, cost=3).allowed


def test_idle_clients_are_forgotten_once_their_bucket_would_be_full() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=2, per_minute=60))  # full again 2 s after use
    for i in range(50):
        limiter.check(f"client-{i}", 0.0)
    assert len(limiter) == 50
    limiter.check("late", 10.0)
    assert len(limiter) == 1


def test_memory_is_bounded_by_dropping_the_least_recently_used_client() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=1, per_minute=0.001), max_keys=3)
    for key in ("a", "b", "c"):
        limiter.check(key, 0.0)
    limiter.check("a", 1.0)
    limiter.check("d", 2.0)
    assert len(limiter) == 3
    assert limiter.check("b", 3.0).allowed  # b was forgotten, so it starts afresh
    assert not limiter.check("a", 3.0).allowed


def test_concurrent_requests_never_exceed_the_capacity() -> None:
    limiter = InMemoryRateLimiter(RatePolicy(capacity=100, per_minute=0.001))
    allowed: list[bool] = []
    lock = threading.Lock()

    def hammer() -> None:
        for _ in range(50):
            decision = limiter.check("shared", 0.0)
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 100


def test_the_in_memory_limiter_satisfies_the_port() -> None:
    limiter: RateLimiter = InMemoryRateLimiter()
    assert limiter.check("k", 0.0).allowed


@pytest.mark.parametrize("kwargs", [{"capacity": 0}, {"per_minute": 0}])
def test_an_impossible_policy_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        RatePolicy(**kwargs)  # type: ignore[arg-type]
