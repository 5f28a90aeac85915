"""``peel jobs``: run queued jobs in a separate worker process, and list recent jobs."""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import TYPE_CHECKING

import typer
from sqlalchemy import select

if TYPE_CHECKING:
    from peel.platform import Platform

app = typer.Typer(help="Durable jobs: imports, forecasts, back-tests and other long work.", no_args_is_help=True)


def _platform() -> Platform:
    from peel.settings import Settings
    from peel.web.app import create_app

    platform: Platform = create_app(Settings()).state.platform
    return platform


@app.command("work")
def work(
    threads: int = typer.Option(1, min=1, max=32, help="Worker threads in this process."),
    once: bool = typer.Option(False, help="Run the jobs waiting now, then stop."),
) -> None:
    """Claim and run queued jobs until interrupted (Ctrl-C finishes the running job's heartbeat and stops)."""
    platform = _platform()
    worker = platform.jobs.worker
    if once:
        platform.jobs.queue.recover(now=platform.clock())
        typer.echo(f"{worker.drain()} job(s) run")
        return
    worker.threads = threads
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker.start()
    typer.echo(f"job worker {worker.name} running {threads} thread(s); Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    worker.stop()


@app.command("list")
def list_jobs(limit: int = typer.Option(20, min=1, max=1000, help="How many, newest first.")) -> None:
    """The most recent jobs with their status and progress."""
    from peel.jobs.models import Job

    platform = _platform()
    with platform.sessions() as s, s.begin():
        jobs = s.execute(select(Job).order_by(Job.id.desc()).limit(limit)).scalars().all()
        for j in jobs:
            line = f"{j.id:>6}  {j.kind:<22} {j.status:<10} {100 * j.progress:5.1f} %  {j.message}"
            typer.echo(line + (f"  error: {j.error}" if j.error else ""))
