"""Job rules with no I/O: the states a job moves through and what each move changes.

A job is ``queued`` -> ``running`` -> ``succeeded`` | ``failed`` | ``cancelled``.

| Move      | Allowed from           | Result                                                                  |
|-----------|------------------------|-------------------------------------------------------------------------|
| claim     | queued                 | running, attempts + 1, leased to one worker until ``now + lease``       |
| progress  | running (same worker)  | progress 0..1 and message kept, lease extended (a heartbeat)            |
| complete  | running (same worker)  | succeeded, progress 1, result stored                                    |
| fail      | running (same worker)  | failed with its error message                                           |
| cancel    | queued                 | cancelled at once                                                       |
| cancel    | running                | cancel requested: the handler stops at its next progress report         |
| expire    | running, lease passed  | queued again (the worker died), or failed once ``max_attempts`` are used |
| retry     | failed, cancelled      | queued with a fresh set of attempts                                     |

Both queue adapters (SQL and in memory) apply exactly these changes, so the rules are tested once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peel.core.errors import Conflict

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "queued", "running", "succeeded", "failed", "cancelled"
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)
FINISHED = frozenset({SUCCEEDED, FAILED, CANCELLED})
MAX_MESSAGE = 200
MAX_ERROR = 2000


class JobConflict(Conflict):
    title = "Job state conflict"


class JobCancelled(Exception):
    """Raised inside a handler (by its progress callback) when someone asked for the job to stop."""


class JobFailed(Exception):
    """A handler's clear, user-facing reason for failing (shown as the job's error)."""


@dataclass(frozen=True)
class JobSpec:
    """What to run, for whom, and which policy action a person needs to see it."""

    kind: str
    params: dict[str, Any]
    action: str
    owner_id: int | None = None
    max_attempts: int = 3
    message: str = "waiting for a worker"


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    params: dict[str, Any]
    status: str
    progress: float
    message: str
    attempts: int
    max_attempts: int
    owner_id: int | None
    action: str
    result: dict[str, Any] | None
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    cancel_requested: bool

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def new_job(spec: JobSpec, now: datetime) -> dict[str, Any]:
    return {
        "kind": spec.kind,
        "params": spec.params,
        "status": QUEUED,
        "progress": 0.0,
        "message": spec.message[:MAX_MESSAGE],
        "attempts": 0,
        "max_attempts": max(1, spec.max_attempts),
        "owner_id": spec.owner_id,
        "action": spec.action,
        "result": None,
        "error": "",
        "created_at": now,
        "started_at": None,
        "finished_at": None,
        "heartbeat_at": None,
        "lease_owner": None,
        "lease_expires_at": None,
        "cancel_requested": False,
    }


def claim(attempts: int, worker: str, now: datetime, lease: timedelta) -> dict[str, Any]:
    return {
        "status": RUNNING,
        "attempts": attempts + 1,
        "started_at": now,
        "heartbeat_at": now,
        "lease_owner": worker[:64],
        "lease_expires_at": now + lease,
        "message": "started",
    }


def progress(fraction: float, message: str, now: datetime, lease: timedelta) -> dict[str, Any]:
    return {
        "progress": min(1.0, max(0.0, float(fraction))),
        "message": message[:MAX_MESSAGE],
        "heartbeat_at": now,
        "lease_expires_at": now + lease,
    }


def _end(status: str, now: datetime) -> dict[str, Any]:
    return {"status": status, "finished_at": now, "lease_owner": None, "lease_expires_at": None}


def complete(result: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    return {**_end(SUCCEEDED, now), "progress": 1.0, "message": "done", "result": result}


def fail(error: str, now: datetime) -> dict[str, Any]:
    return {**_end(FAILED, now), "error": error[:MAX_ERROR] or "failed", "message": "failed"}


def cancelled(now: datetime) -> dict[str, Any]:
    return {**_end(CANCELLED, now), "message": "cancelled"}


def cancel(status: str, now: datetime) -> dict[str, Any]:
    if status == QUEUED:
        return cancelled(now)
    if status == RUNNING:
        return {"cancel_requested": True, "message": "stopping"}
    raise JobConflict(f"the job is {status}; only a queued or running job can be cancelled")


def retry(status: str) -> dict[str, Any]:
    if status not in (FAILED, CANCELLED):
        raise JobConflict(f"the job is {status}; only a failed or cancelled job can be retried")
    return {
        "status": QUEUED,
        "attempts": 0,
        "progress": 0.0,
        "message": "waiting for a worker (retried)",
        "result": None,
        "error": "",
        "started_at": None,
        "finished_at": None,
        "heartbeat_at": None,
        "cancel_requested": False,
    }


def lease_expired(status: str, lease_expires_at: datetime | None, now: datetime) -> bool:
    return status == RUNNING and lease_expires_at is not None and lease_expires_at <= now


def expire(attempts: int, max_attempts: int, cancel_requested: bool, now: datetime) -> dict[str, Any]:
    """A running job whose worker stopped heartbeating: run it again, unless it has used all its attempts."""
    if cancel_requested:
        return cancelled(now)
    if attempts >= max_attempts:
        return fail(f"the worker running this job stopped {attempts} time(s); giving up", now)
    return {"status": QUEUED, "lease_owner": None, "lease_expires_at": None, "message": "requeued after a restart"}
