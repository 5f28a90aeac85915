"""An in-memory job queue for unit tests and single-process tools: the same rules as the SQL queue."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from peel.core.errors import NotFound
from peel.jobs import domain
from peel.jobs.domain import JobSpec, JobView
from peel.jobs.port import Beat


class InMemoryJobQueue:
    def __init__(self) -> None:
        self._jobs: dict[int, JobView] = {}
        self._lock = threading.Lock()

    def enqueue(self, spec: JobSpec, *, now: datetime, session: Session | None = None) -> JobView:
        with self._lock:
            job = JobView(id=len(self._jobs) + 1, **domain.new_job(spec, now))
            self._jobs[job.id] = job
            return job

    def get(self, job_id: int, session: Session | None = None) -> JobView | None:
        return self._jobs.get(job_id)

    def list_owned(self, owner_id: int, limit: int = 50, session: Session | None = None) -> list[JobView]:
        owned = [j for j in self._jobs.values() if j.owner_id == owner_id]
        return sorted(owned, key=lambda j: -j.id)[:limit]

    def _set(self, job: JobView, values: dict[str, Any]) -> JobView:
        changed = dataclasses.replace(job, **values)
        self._jobs[job.id] = changed
        return changed

    def claim(self, worker: str, kinds: frozenset[str], *, now: datetime, lease: timedelta) -> JobView | None:
        with self._lock:
            for job in sorted(self._jobs.values(), key=lambda j: j.id):
                if job.status == domain.QUEUED and job.kind in kinds:
                    return self._set(job, domain.claim(job.attempts, worker, now, lease))
            return None

    def _running(self, job_id: int, worker: str) -> JobView | None:
        job = self._jobs.get(job_id)
        if job is None or job.status != domain.RUNNING or job.lease_owner != worker:
            return None
        return job

    def heartbeat(
        self, job_id: int, worker: str, fraction: float, message: str, *, now: datetime, lease: timedelta
    ) -> Beat:
        with self._lock:
            job = self._running(job_id, worker)
            if job is None:
                return Beat.LOST
            job = self._set(job, domain.progress(fraction, message, now, lease))
            return Beat.CANCEL if job.cancel_requested else Beat.OK

    def _finish(self, job_id: int, worker: str, values: dict[str, Any]) -> bool:
        with self._lock:
            job = self._running(job_id, worker)
            if job is None:
                return False
            self._set(job, values)
            return True

    def complete(self, job_id: int, worker: str, result: dict[str, Any] | None, *, now: datetime) -> bool:
        return self._finish(job_id, worker, domain.complete(result, now))

    def fail(self, job_id: int, worker: str, error: str, *, now: datetime) -> bool:
        return self._finish(job_id, worker, domain.fail(error, now))

    def acknowledge_cancel(self, job_id: int, worker: str, *, now: datetime) -> bool:
        return self._finish(job_id, worker, domain.cancelled(now))

    def _existing(self, job_id: int) -> JobView:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"no job {job_id}")
        return job

    def cancel(self, job_id: int, *, now: datetime, session: Session | None = None) -> JobView:
        with self._lock:
            job = self._existing(job_id)
            return self._set(job, domain.cancel(job.status, now))

    def retry(self, job_id: int, *, now: datetime, session: Session | None = None) -> JobView:
        with self._lock:
            job = self._existing(job_id)
            return self._set(job, domain.retry(job.status))

    def recover(self, *, now: datetime) -> list[int]:
        with self._lock:
            out = []
            for job in list(self._jobs.values()):
                if domain.lease_expired(job.status, job.lease_expires_at, now):
                    self._set(job, domain.expire(job.attempts, job.max_attempts, job.cancel_requested, now))
                    out.append(job.id)
            return out
