"""Handlers by kind, and the worker threads that claim jobs and run them.

A handler is ``fn(ctx) -> result dict | None``. It reports progress with ``ctx.progress(fraction, message)``;
that call is also its heartbeat and its cancellation point: when someone has cancelled the job, it raises
:class:`JobCancelled` and the job ends ``cancelled``. Raise :class:`JobFailed` for a failure the user should read
(its message becomes the job's error); any other exception fails the job with its type and message. A sidecar
thread renews the lease while a handler computes without reporting, so only a dead process loses its lease.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from peel.core.clock import Clock, utcnow
from peel.core.errors import PeelError
from peel.jobs.domain import JobCancelled, JobFailed, JobView
from peel.jobs.port import Beat, JobQueue

log = logging.getLogger(__name__)
# Progress reports more often than this are kept in memory and written with the next one (or the heartbeat).
_WRITE_EVERY = 0.5


@dataclass
class JobContext:
    job: JobView
    _report: Callable[[float, str], None]

    def progress(self, fraction: float, message: str = "") -> None:
        self._report(fraction, message)


Handler = Callable[[JobContext], dict[str, Any] | None]


@dataclass
class JobHandlers:
    """kind -> handler. Capabilities register theirs while the app is assembled, never at import."""

    _handlers: dict[str, Handler] = field(default_factory=dict)

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._handlers:
            raise ValueError(f"a handler for job kind {kind!r} is already registered")
        self._handlers[kind] = handler

    def kinds(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def get(self, kind: str) -> Handler:
        return self._handlers[kind]


class _Run:
    """One claimed job being run: progress, heartbeats and the cancellation flag."""

    def __init__(self, queue: JobQueue, job: JobView, worker: str, lease: timedelta, clock: Clock) -> None:
        self.queue, self.job, self.worker, self.lease = queue, job, worker, lease
        self.clock = clock
        self.fraction, self.message = 0.0, "started"
        self.cancel = False
        self.lost = False
        self._last_write = 0.0
        self._lock = threading.Lock()

    def beat(self) -> None:
        with self._lock:
            outcome = self.queue.heartbeat(
                self.job.id, self.worker, self.fraction, self.message, now=self.clock(), lease=self.lease
            )
            self._last_write = time.monotonic()
        self.cancel = self.cancel or outcome is Beat.CANCEL
        self.lost = self.lost or outcome is Beat.LOST

    def report(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message or self.message
        if time.monotonic() - self._last_write >= _WRITE_EVERY:
            self.beat()
        if self.cancel or self.lost:
            raise JobCancelled()


class JobWorker:
    def __init__(
        self,
        queue: JobQueue,
        handlers: JobHandlers,
        *,
        threads: int = 1,
        poll_seconds: float = 1.0,
        lease: timedelta = timedelta(minutes=5),
        name: str | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.queue, self.handlers = queue, handlers
        self.clock = clock
        self.threads, self.poll_seconds, self.lease = threads, poll_seconds, lease
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def run_one(self, now: datetime | None = None, slot: int = 0) -> JobView | None:
        """Claim one job and run it to its end in this thread; None when nothing was waiting."""
        worker = f"{self.name}/{slot}"[:64]
        job = self.queue.claim(worker, self.handlers.kinds(), now=now or self.clock(), lease=self.lease)
        if job is None:
            return None
        run = _Run(self.queue, job, worker, self.lease, self.clock)
        stop_beating = threading.Event()
        sidecar = threading.Thread(target=self._keep_alive, args=(run, stop_beating), daemon=True)
        sidecar.start()
        try:
            self._execute(run)
        finally:
            stop_beating.set()
            sidecar.join()
        return self.queue.get(job.id)

    def _keep_alive(self, run: _Run, stop: threading.Event) -> None:
        while not stop.wait(max(0.05, self.lease.total_seconds() / 3)):
            try:
                run.beat()
            except Exception:  # a missed heartbeat is retried; the lease is long enough to survive one
                log.warning("heartbeat for job %s failed", run.job.id, exc_info=True)

    def _execute(self, run: _Run) -> None:
        job, worker = run.job, run.worker
        try:
            result = self.handlers.get(job.kind)(JobContext(job, run.report))
        except JobCancelled:
            self.queue.acknowledge_cancel(job.id, worker, now=self.clock())
        except (JobFailed, PeelError) as exc:
            self.queue.fail(job.id, worker, str(exc), now=self.clock())
        except Exception as exc:  # the job must end in a visible state whatever went wrong
            log.exception("job %s (%s) failed", job.id, job.kind)
            self.queue.fail(job.id, worker, f"{type(exc).__name__}: {exc}", now=self.clock())
        else:
            self.queue.complete(job.id, worker, result, now=self.clock())

    def drain(self, now: datetime | None = None) -> int:
        """Run queued jobs until none is left (the CLI's ``--once`` and tests); returns how many ran."""
        n = 0
        while self.run_one(now) is not None:
            n += 1
        return n

    def _loop(self, slot: int) -> None:
        while not self._stop.is_set():
            try:
                self.queue.recover(now=self.clock())
                ran = self.run_one(slot=slot)
            except Exception:  # a database blip must not kill the worker thread
                log.exception("job worker %s/%s", self.name, slot)
                ran = None
            if ran is None:
                self._stop.wait(self.poll_seconds)

    def start(self) -> None:
        self._stop.clear()
        for slot in range(self.threads):
            thread = threading.Thread(target=self._loop, args=(slot,), name=f"peel-jobs-{slot}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming; a job still running past ``timeout`` is recovered by its lease after a restart."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
