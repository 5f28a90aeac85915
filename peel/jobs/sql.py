"""The SQL job queue (SQLite and PostgreSQL): every call is one short transaction of its own.

Claiming picks the oldest queued job of a kind this worker handles. On PostgreSQL the pick uses
``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent workers step over a row another is claiming instead of
queueing on it; on SQLite the engine opens every transaction with ``BEGIN IMMEDIATE``, so the claim is one brief
write. Either way the claim is a conditional update (``WHERE status = 'queued'``), so two workers can never both
take the same job. Heartbeats, completion and failure are conditional on the lease owner, so a worker that lost
its lease (it was presumed dead and the job requeued) cannot overwrite the new run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from peel.core.errors import NotFound
from peel.jobs import domain
from peel.jobs.domain import JobSpec, JobView
from peel.jobs.models import Job
from peel.jobs.port import Beat

T = TypeVar("T")


def view(job: Job) -> JobView:
    return JobView(
        id=job.id,
        kind=job.kind,
        params=dict(job.params or {}),
        status=job.status,
        progress=float(job.progress),
        message=job.message,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        owner_id=job.owner_id,
        action=job.action,
        result=job.result,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        heartbeat_at=job.heartbeat_at,
        lease_owner=job.lease_owner,
        lease_expires_at=job.lease_expires_at,
        cancel_requested=bool(job.cancel_requested),
    )


class SqlJobQueue:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def enqueue(self, spec: JobSpec, *, now: datetime, session: Session | None = None) -> JobView:
        if session is not None:
            job = Job(**domain.new_job(spec, now))
            session.add(job)
            session.flush()
            return view(job)
        with self._sessions() as s, s.begin():
            return self.enqueue(spec, now=now, session=s)

    def _run(self, session: Session | None, work: Callable[[Session], T]) -> T:
        """In the caller's open transaction (a request's unit of work) or else in a short one of its own."""
        if session is not None:
            return work(session)
        with self._sessions() as s, s.begin():
            return work(s)

    def get(self, job_id: int, session: Session | None = None) -> JobView | None:
        def read(s: Session) -> JobView | None:
            job = s.get(Job, job_id, populate_existing=True)
            return view(job) if job is not None else None

        return self._run(session, read)

    def list_owned(self, owner_id: int, limit: int = 50, session: Session | None = None) -> list[JobView]:
        stmt = select(Job).where(Job.owner_id == owner_id).order_by(Job.id.desc()).limit(limit)
        return self._run(session, lambda s: [view(j) for j in s.execute(stmt).scalars()])

    def claim(self, worker: str, kinds: frozenset[str], *, now: datetime, lease: timedelta) -> JobView | None:
        if not kinds:
            return None
        with self._sessions() as s, s.begin():
            pick = (
                select(Job.id, Job.attempts)
                .where(Job.status == domain.QUEUED, Job.kind.in_(sorted(kinds)))
                .order_by(Job.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            row = s.execute(pick).first()
            if row is None:
                return None
            job_id, attempts = row
            taken = s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == domain.QUEUED)
                .values(**domain.claim(attempts, worker, now, lease))
            )
            if not _changed(taken):
                return None
            job = s.get(Job, job_id)
            assert job is not None
            s.refresh(job)
            return view(job)

    def _update_running(self, job_id: int, worker: str, values: dict[str, Any]) -> bool:
        with self._sessions() as s, s.begin():
            done = s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == domain.RUNNING, Job.lease_owner == worker)
                .values(**values)
            )
            return _changed(done)

    def heartbeat(
        self, job_id: int, worker: str, fraction: float, message: str, *, now: datetime, lease: timedelta
    ) -> Beat:
        with self._sessions() as s, s.begin():
            done = s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == domain.RUNNING, Job.lease_owner == worker)
                .values(**domain.progress(fraction, message, now, lease))
                .returning(Job.cancel_requested)
            ).first()
            if done is None:
                return Beat.LOST
            return Beat.CANCEL if done[0] else Beat.OK

    def complete(self, job_id: int, worker: str, result: dict[str, Any] | None, *, now: datetime) -> bool:
        return self._update_running(job_id, worker, domain.complete(result, now))

    def fail(self, job_id: int, worker: str, error: str, *, now: datetime) -> bool:
        return self._update_running(job_id, worker, domain.fail(error, now))

    def acknowledge_cancel(self, job_id: int, worker: str, *, now: datetime) -> bool:
        return self._update_running(job_id, worker, domain.cancelled(now))

    def _change(self, job_id: int, decide: Callable[[Job], dict[str, Any]], session: Session | None) -> JobView:
        def change(s: Session) -> JobView:
            stmt = select(Job).where(Job.id == job_id).with_for_update().execution_options(populate_existing=True)
            job = s.execute(stmt).scalars().first()
            if job is None:
                raise NotFound(f"no job {job_id}")
            for key, value in decide(job).items():
                setattr(job, key, value)
            s.flush()
            return view(job)

        return self._run(session, change)

    def cancel(self, job_id: int, *, now: datetime, session: Session | None = None) -> JobView:
        return self._change(job_id, lambda job: domain.cancel(job.status, now), session)

    def retry(self, job_id: int, *, now: datetime, session: Session | None = None) -> JobView:
        return self._change(job_id, lambda job: domain.retry(job.status), session)

    def recover(self, *, now: datetime) -> list[int]:
        """Requeue (or fail, past their attempts) running jobs whose worker stopped renewing the lease."""
        recovered: list[int] = []
        with self._sessions() as s, s.begin():
            stale = s.execute(
                select(Job)
                .where(Job.status == domain.RUNNING, Job.lease_expires_at <= now)
                .order_by(Job.id)
                .with_for_update(skip_locked=True)
            ).scalars()
            for job in stale:
                if domain.lease_expired(job.status, job.lease_expires_at, now):
                    for key, value in domain.expire(job.attempts, job.max_attempts, job.cancel_requested, now).items():
                        setattr(job, key, value)
                    recovered.append(job.id)
        return recovered


def _changed(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0))
