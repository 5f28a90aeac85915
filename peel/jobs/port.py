"""The jobs port: what any queue adapter offers (SQL in production, in memory for unit tests).

``enqueue`` may join the caller's open session, so a request's change and the job it asks for commit together;
every other call runs its own short transaction. Time is always passed in (``now``), so tests move it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.orm import Session

from peel.jobs.domain import JobSpec, JobView


class Beat(StrEnum):
    """What a heartbeat tells the worker: carry on, stop (cancel asked), or the lease was lost."""

    OK = "ok"
    CANCEL = "cancel"
    LOST = "lost"


class JobQueue(Protocol):
    def enqueue(self, spec: JobSpec, *, now: datetime, session: Session | None = None) -> JobView: ...

    def get(self, job_id: int, session: Session | None = None) -> JobView | None: ...

    def list_owned(self, owner_id: int, limit: int = 50, session: Session | None = None) -> list[JobView]: ...

    def claim(self, worker: str, kinds: frozenset[str], *, now: datetime, lease: timedelta) -> JobView | None: ...

    def heartbeat(
        self, job_id: int, worker: str, fraction: float, message: str, *, now: datetime, lease: timedelta
    ) -> Beat: ...

    def complete(self, job_id: int, worker: str, result: dict[str, Any] | None, *, now: datetime) -> bool: ...

    def fail(self, job_id: int, worker: str, error: str, *, now: datetime) -> bool: ...

    def acknowledge_cancel(self, job_id: int, worker: str, *, now: datetime) -> bool: ...

    def cancel(self, job_id: int, *, now: datetime, session: Session | None = None) -> JobView: ...

    def retry(self, job_id: int, *, now: datetime, session: Session | None = None) -> JobView: ...

    def recover(self, *, now: datetime) -> list[int]: ...
