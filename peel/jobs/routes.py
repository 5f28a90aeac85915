"""The jobs API: a job's status, progress and result; cancel and retry; the caller's own jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from peel.jobs.schemas import JobOut
from peel.web.deps import Authorize, Ctx, PlatformDep, RecordId

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("", response_model=list[JobOut])
def my_jobs(platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("job.read"))]) -> list[JobOut]:
    """The caller's own jobs, newest first (at most 50)."""
    out = [JobOut.of(j) for j in platform.jobs.owned(ctx.uow)]
    ctx.uow.audit("job.read", "job", "*", f"{len(out)} own jobs listed: {','.join(str(j.id) for j in out)}")
    ctx.uow.commit()
    return out


@router.get("/{job_id}", response_model=JobOut)
def job_status(job_id: RecordId, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("job.read"))]) -> JobOut:
    """Status, progress (0..1 with a message), error and, once succeeded, the result (often with a ``url``)."""
    out = JobOut.of(platform.jobs.visible(ctx.uow, job_id))
    ctx.uow.audit("job.read", "job", job_id, out.status)
    ctx.uow.commit()
    return out


@router.post("/{job_id}/cancel", response_model=JobOut)
def cancel_job(
    job_id: RecordId, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("job.manage"))]
) -> JobOut:
    """A queued job is cancelled at once; a running one stops at its next progress report (409 if finished)."""
    out = JobOut.of(platform.jobs.cancel(ctx.uow, job_id))
    ctx.uow.commit()
    return out


@router.post("/{job_id}/retry", response_model=JobOut)
def retry_job(job_id: RecordId, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("job.manage"))]) -> JobOut:
    """Queue a failed or cancelled job again (409 otherwise)."""
    out = JobOut.of(platform.jobs.retry(ctx.uow, job_id))
    ctx.uow.commit()
    return out
