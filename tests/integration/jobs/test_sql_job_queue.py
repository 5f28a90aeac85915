"""The SQL job queue on SQLite and PostgreSQL: exclusive claims, lease recovery, cancel, retry, failure."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from peel.db.engine import make_engine, make_session_factory
from peel.jobs import JobContext, JobFailed, JobHandlers, JobSpec, JobWorker
from peel.jobs.domain import JobConflict
from peel.jobs.sql import SqlJobQueue

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
KINDS = frozenset({"work"})


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def spec(n: int = 0) -> JobSpec:
    return JobSpec("work", {"n": n}, "analytics.run", owner_id=None, max_attempts=2)


def test_two_workers_never_take_the_same_job(sessions: sessionmaker[Session]) -> None:
    queue = SqlJobQueue(sessions)
    ids = {queue.enqueue(spec(i), now=T0).id for i in range(12)}
    taken: list[int] = []
    lock = threading.Lock()

    def claim_all(name: str) -> None:
        while (job := queue.claim(name, KINDS, now=T0, lease=LEASE)) is not None:
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=claim_all, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(ids)  # every job once, none twice


def test_a_job_whose_lease_expired_is_requeued_and_then_failed(sessions: sessionmaker[Session]) -> None:
    queue = SqlJobQueue(sessions)
    job = queue.enqueue(spec(), now=T0)
    assert queue.claim("crashed", KINDS, now=T0, lease=LEASE) is not None
    assert queue.recover(now=T0 + LEASE / 2) == []
    assert queue.recover(now=T0 + LEASE) == [job.id]
    again = queue.claim("restarted", KINDS, now=T0 + LEASE, lease=LEASE)
    assert again is not None and again.id == job.id and again.attempts == 2
    assert queue.complete(job.id, "crashed", {"stale": 1}, now=T0 + LEASE) is False  # the old worker lost it
    assert queue.recover(now=T0 + 2 * LEASE) == [job.id]
    final = queue.get(job.id)
    assert final is not None and final.status == "failed" and "giving up" in final.error


def test_a_running_job_is_cancelled_at_its_next_progress_and_can_be_retried(sessions: sessionmaker[Session]) -> None:
    queue = SqlJobQueue(sessions)
    job = queue.enqueue(spec(), now=T0)
    steps: list[int] = []

    def handler(ctx: JobContext) -> dict[str, int]:
        queue.cancel(ctx.job.id, now=T0)
        for i in range(5):
            ctx.progress(i / 5, f"step {i}")
            steps.append(i)
        return {"steps": len(steps)}

    handlers = JobHandlers()
    handlers.register("work", handler)
    worker = JobWorker(queue, handlers, lease=LEASE, name="t")
    cancelled = worker.run_one()
    assert cancelled is not None and cancelled.status == "cancelled" and steps == []
    with pytest.raises(JobConflict):
        queue.cancel(job.id, now=T0)
    assert queue.retry(job.id, now=T0).status == "queued"


def test_a_failing_handler_leaves_a_failed_job_with_its_message(sessions: sessionmaker[Session]) -> None:
    queue = SqlJobQueue(sessions)
    job = queue.enqueue(spec(), now=T0)
    handlers = JobHandlers()

    def broken(ctx: JobContext) -> None:
        raise JobFailed("the file has no header")

    handlers.register("work", broken)
    done = JobWorker(queue, handlers, lease=LEASE, name="t").run_one()
    assert done is not None and done.id == job.id
    assert done.status == "failed" and done.error == "the file has no header"
    retried = queue.retry(job.id, now=T0)
    assert retried.status == "queued" and retried.error == "" and retried.attempts == 0
