"""The jobs service: submit a job from a request's unit of work, and read or steer jobs a person may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peel.core.errors import NotFound
from peel.db.uow import UnitOfWork
from peel.identity import policy
from peel.jobs.domain import JobSpec, JobView
from peel.jobs.port import JobQueue
from peel.jobs.worker import JobHandlers, JobWorker


@dataclass
class Jobs:
    queue: JobQueue
    handlers: JobHandlers
    worker: JobWorker
    max_attempts: int = 3

    def submit(self, uow: UnitOfWork, kind: str, params: dict[str, Any], action: str) -> JobView:
        """Enqueue in the caller's transaction: the job exists only if the request commits."""
        if kind not in self.handlers.kinds():
            raise ValueError(f"no handler is registered for job kind {kind!r}")
        spec = JobSpec(kind, params, action, uow.actor.user_id, self.max_attempts)
        job = self.queue.enqueue(spec, now=uow.now(), session=uow.session)
        uow.audit("job.submit", "job", job.id, f"{kind}")
        return job

    def visible(self, uow: UnitOfWork, job_id: int) -> JobView:
        """The job if this person may see it; otherwise the same NotFound as for a job that does not exist."""
        job = self.queue.get(job_id, session=uow.session)
        actor = uow.actor
        if job is None or not policy.may_see_job(actor.role, actor.user_id, job.owner_id, job.action):
            raise NotFound(f"no job {job_id}")
        return job

    def owned(self, uow: UnitOfWork, limit: int = 50) -> list[JobView]:
        if uow.actor.user_id is None:
            return []
        return self.queue.list_owned(uow.actor.user_id, limit, session=uow.session)

    def cancel(self, uow: UnitOfWork, job_id: int) -> JobView:
        self.visible(uow, job_id)
        job = self.queue.cancel(job_id, now=uow.now(), session=uow.session)
        uow.audit("job.manage", "job", job_id, f"cancel: {job.status}")
        return job

    def retry(self, uow: UnitOfWork, job_id: int) -> JobView:
        self.visible(uow, job_id)
        job = self.queue.retry(job_id, now=uow.now(), session=uow.session)
        uow.audit("job.manage", "job", job_id, "retry")
        return job
