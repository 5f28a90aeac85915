"""Build the jobs service for an app: the SQL queue, the handlers every capability registers, the worker."""

from __future__ import annotations

from datetime import timedelta

from peel.jobs.service import Jobs
from peel.jobs.sql import SqlJobQueue
from peel.jobs.worker import JobHandlers, JobWorker
from peel.web.platform import Platform


def wire_jobs(platform: Platform) -> Jobs:
    from peel.analytics.workspace.jobs import register_jobs as analytics_jobs

    settings = platform.settings
    handlers = JobHandlers()
    for register in (analytics_jobs,):  # each capability that runs long work adds its registration here
        register(handlers, platform)
    queue = SqlJobQueue(platform.sessions)
    worker = JobWorker(
        queue,
        handlers,
        threads=max(1, settings.job_threads),
        poll_seconds=settings.job_poll_seconds,
        lease=timedelta(seconds=settings.job_lease_seconds),
    )
    jobs = Jobs(queue, handlers, worker, settings.job_max_attempts)
    platform.use_jobs(jobs)
    return jobs
