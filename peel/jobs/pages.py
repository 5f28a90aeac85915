"""Job pages: the caller's jobs, and one job with a live progress bar, cancel and retry, and a link to its result.

The live part is ``/static/jobs.js``, which polls ``/api/v1/jobs/{id}`` every second and writes text only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from peel.web.deps import Authorize, Ctx, PlatformDep, RecordId

router = APIRouter(include_in_schema=False)


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("job.read"))]
) -> HTMLResponse:
    jobs = platform.jobs.owned(ctx.uow)
    ctx.uow.audit("job.read", "job", "*", f"{len(jobs)} own jobs listed: {','.join(str(j.id) for j in jobs)}")
    ctx.uow.commit()
    return platform.templates.TemplateResponse(request, "jobs/list.html", {"principal": ctx.principal, "jobs": jobs})


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    job_id: RecordId, request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("job.read"))]
) -> HTMLResponse:
    job = platform.jobs.visible(ctx.uow, job_id)
    ctx.uow.audit("job.read", "job", job_id, job.status)
    ctx.uow.commit()
    return platform.templates.TemplateResponse(request, "jobs/job.html", {"principal": ctx.principal, "job": job})


@router.post("/jobs/{job_id}/cancel")
def cancel_page(
    job_id: RecordId, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("job.manage"))]
) -> Response:
    platform.jobs.cancel(ctx.uow, job_id)
    ctx.uow.commit()
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.post("/jobs/{job_id}/retry")
def retry_page(
    job_id: RecordId, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("job.manage"))]
) -> Response:
    platform.jobs.retry(ctx.uow, job_id)
    ctx.uow.commit()
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
