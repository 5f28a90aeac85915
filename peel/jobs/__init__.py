"""Durable jobs: long work runs in a worker, never inside a request's transaction.

Anything that can take more than about a second (an import, an aggregate, a forecast, a back-test, a near-repeat
run; later the simulator, route planning, bundle export, redaction and video) is a job. A request checks its
input, enqueues the job in its own unit of work (so the job exists only if the request committed), and answers
``202`` with the job's id and ``/api/v1/jobs/{id}``. A worker thread started with the server (or ``peel jobs
work`` in another process) claims it, runs its handler and stores the result.

The pattern every handler follows:

1. **load** what it needs in a short unit of work, and **commit** (on SQLite this frees the writer lock);
2. **compute** outside any transaction, reporting ``ctx.progress(fraction, message)`` as it goes (that is the
   heartbeat, and where a cancel takes effect);
3. **write** the outcome in a new unit of work; a big write goes in chunks, each its own short transaction, so
   other users' writes interleave. Make the chunks idempotent (delete-then-insert by key, with the "done" marker
   written last), so a job requeued after a crash can simply run again.

Handlers are registered per kind into :class:`JobHandlers` while ``create_app`` assembles the app (each
capability has a ``register_jobs(handlers, platform)``), never as an import side effect. A job records the policy
action needed to see it; its owner and any role allowed that action may read, cancel and retry it; anyone else
gets the same 404 as for a job that does not exist.
"""

from peel.jobs.domain import JobCancelled, JobFailed, JobSpec, JobView
from peel.jobs.port import Beat, JobQueue
from peel.jobs.service import Jobs
from peel.jobs.worker import Handler, JobContext, JobHandlers, JobWorker

__all__ = [
    "Beat",
    "Handler",
    "JobCancelled",
    "JobContext",
    "JobFailed",
    "JobHandlers",
    "JobQueue",
    "JobSpec",
    "JobView",
    "JobWorker",
    "Jobs",
]
