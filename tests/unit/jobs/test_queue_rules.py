"""The job rules through the in-memory queue and a real worker: claim, progress, cancel, retry, failure, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from peel.jobs import JobContext, JobFailed, JobHandlers, JobSpec, JobWorker
from peel.jobs.domain import JobConflict
from peel.jobs.memory import InMemoryJobQueue

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def spec(kind: str = "sum", **params: Any) -> JobSpec:
    return JobSpec(kind, params, "analytics.run", owner_id=7, max_attempts=2)


def worker(queue: InMemoryJobQueue, **handlers: Any) -> JobWorker:
    registry = JobHandlers()
    for kind, fn in handlers.items():
        registry.register(kind, fn)
    return JobWorker(queue, registry, lease=LEASE, name="test")


def test_it_runs_a_job_and_stores_its_result() -> None:
    queue = InMemoryJobQueue()
    job = queue.enqueue(spec(numbers=[1, 2, 3]), now=T0)

    def add(ctx: JobContext) -> dict[str, Any]:
        ctx.progress(0.5, "halfway")
        return {"total": sum(ctx.job.params["numbers"])}

    done = worker(queue, sum=add).run_one(T0)
    assert done is not None and done.id == job.id
    assert done.status == "succeeded" and done.result == {"total": 6} and done.progress == 1.0
    assert done.attempts == 1 and done.lease_owner is None


def test_it_never_gives_one_job_to_two_workers() -> None:
    queue = InMemoryJobQueue()
    queue.enqueue(spec(), now=T0)
    first = queue.claim("a", frozenset({"sum"}), now=T0, lease=LEASE)
    second = queue.claim("b", frozenset({"sum"}), now=T0, lease=LEASE)
    assert first is not None and second is None


def test_it_claims_only_kinds_the_worker_handles() -> None:
    queue = InMemoryJobQueue()
    queue.enqueue(spec("video"), now=T0)
    assert queue.claim("a", frozenset({"sum"}), now=T0, lease=LEASE) is None


def test_it_fails_a_job_with_the_handlers_message_and_retries_it() -> None:
    queue = InMemoryJobQueue()
    job = queue.enqueue(spec(), now=T0)
    calls = []

    def flaky(ctx: JobContext) -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 1:
            raise JobFailed("a field is longer than 131,072 characters")
        return {"ok": True}

    w = worker(queue, sum=flaky)
    failed = w.run_one(T0)
    assert failed is not None and failed.status == "failed" and "131,072" in failed.error
    with pytest.raises(JobConflict):
        queue.cancel(job.id, now=T0)
    assert queue.retry(job.id, now=T0).status == "queued"
    again = w.run_one(T0)
    assert again is not None and again.status == "succeeded" and again.error == "" and again.attempts == 1


def test_it_cancels_a_queued_job_at_once_and_a_running_one_at_its_next_progress() -> None:
    queue = InMemoryJobQueue()
    waiting = queue.enqueue(spec(), now=T0)
    assert queue.cancel(waiting.id, now=T0).status == "cancelled"
    running = queue.enqueue(spec(), now=T0)
    reached = []

    def long(ctx: JobContext) -> dict[str, Any]:
        queue.cancel(ctx.job.id, now=T0)  # someone presses Cancel while it runs
        reached.append("before")
        for i in range(3):
            ctx.progress(i / 3, "working")
            reached.append(i)
        return {}

    w = worker(queue, sum=long)
    w.run_one(T0)
    job = queue.get(running.id)
    assert job is not None and job.status == "cancelled"
    assert reached == ["before"]  # it stopped at the first progress report
    with pytest.raises(JobConflict):
        queue.retry(queue.enqueue(spec(), now=T0).id, now=T0)  # a queued job cannot be retried


def test_it_requeues_a_job_whose_lease_expired_then_fails_it_past_max_attempts() -> None:
    queue = InMemoryJobQueue()
    job = queue.enqueue(spec(), now=T0)
    queue.claim("dead", frozenset({"sum"}), now=T0, lease=LEASE)
    assert queue.recover(now=T0 + LEASE - timedelta(seconds=1)) == []
    assert queue.recover(now=T0 + LEASE) == [job.id]
    again = queue.get(job.id)
    assert again is not None and again.status == "queued"
    queue.claim("dead-too", frozenset({"sum"}), now=T0 + LEASE, lease=LEASE)
    assert queue.recover(now=T0 + 2 * LEASE) == [job.id]
    last = queue.get(job.id)
    assert last is not None and last.status == "failed" and "2 time(s)" in last.error


def test_a_worker_that_lost_its_lease_cannot_overwrite_the_new_run() -> None:
    queue = InMemoryJobQueue()
    job = queue.enqueue(spec(), now=T0)
    queue.claim("old", frozenset({"sum"}), now=T0, lease=LEASE)
    queue.recover(now=T0 + LEASE)
    queue.claim("new", frozenset({"sum"}), now=T0 + LEASE, lease=LEASE)
    assert queue.complete(job.id, "old", {"stale": True}, now=T0 + LEASE) is False
    assert queue.complete(job.id, "new", {"fresh": True}, now=T0 + LEASE) is True
    final = queue.get(job.id)
    assert final is not None and final.result == {"fresh": True}


def test_it_refuses_two_handlers_for_one_kind() -> None:
    registry = JobHandlers()
    registry.register("sum", lambda ctx: None)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("sum", lambda ctx: None)
