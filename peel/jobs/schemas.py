"""What the API says about a job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from peel.jobs.domain import JobView


class JobOut(BaseModel):
    id: int
    kind: str
    status: str
    progress: float
    message: str
    attempts: int
    error: str
    result: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested: bool
    url: str  # this job in the API
    page: str  # this job's page

    @classmethod
    def of(cls, job: JobView) -> JobOut:
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=job.progress,
            message=job.message,
            attempts=job.attempts,
            error=job.error,
            result=job.result,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            cancel_requested=job.cancel_requested,
            url=f"/api/v1/jobs/{job.id}",
            page=f"/jobs/{job.id}",
        )
