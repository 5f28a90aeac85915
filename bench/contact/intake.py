"""Part 2 of the contact benchmark: real uvicorn servers on 127.0.0.1 taking 999 calls (``POST /api/v1/contacts``)
over httpx, flat out from a closed loop of clients and paced at the goal rate, each on a fresh database."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from bench.contact.load import DATABASE, SECRET, admin
from bench.contact.synth import FORENAMES, INWARD, SEED, STREETS, call_texts
from bench.core import Timing
from peel.db.migrate import upgrade
from peel.demo import names
from peel.incidents.categories import CATEGORIES
from peel.settings import Settings
from tests.e2e.live_server import add_account, bearer_token, server_env
from tests.support.services import free_port, redis_server
from tests.support.staff import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
APP = "peel.web.asgi:app"
GOALS = {"sqlite": (50.0, 0.150), "postgresql": (200.0, None)}  # intakes/s, p99 (seconds)


@dataclass(frozen=True)
class Load:
    backend: str
    what: str
    timing: Timing
    failures: int
    cpu: float  # server CPU seconds per request (every worker; PostgreSQL's own processes not included)
    due: int  # requests the load meant to send (paced: the schedule; flat out: what was sent)
    note: str = ""


def _call_body(rng: random.Random, texts: list[str]) -> dict[str, Any]:
    """A 999 call as a handler enters it: the caller's number, what they say, a category, where in Westminster."""
    repeat = rng.random() < 0.3  # a few numbers ring again and again
    number = f"07700 9{rng.randrange(20 if repeat else 99_999):05d}"
    district = rng.choice(names.DISTRICTS)[0]
    return {
        "channel": "999",
        "caller": {"phone": number, "forenames": rng.choice(FORENAMES), "surname": rng.choice(names.SURNAMES)},
        "text": rng.choice(texts),
        "category": rng.choice(list(CATEGORIES)),
        "location": {
            "address": f"{rng.randint(1, 250)} {rng.choice(STREETS)}, London",
            "postcode": f"{district} {rng.randint(1, 9)}{rng.choice(INWARD)}{rng.choice(INWARD)}",
            "lat": round(rng.uniform(51.50, 51.53), 6),
            "lon": round(rng.uniform(-0.19, -0.11), 6),
        },
        "answered_after_s": round(rng.uniform(2, 20), 1),
    }


Call = Callable[[httpx.Client, random.Random], int]


Run = tuple[Timing, int, float, int]  # latencies and wall time, failures, server CPU s per request, calls due


def _closed_loop(url: str, headers: dict[str, str], call: Call, clients: int, seconds: float, cpu: CpuClock) -> Run:
    """``clients`` threads each send their next request as soon as the last one is answered (2 s warm-up first)."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.5
    measure_from, stop = start + 2.0, start + 2.0 + seconds

    def loop(n: int) -> None:
        rng, mine, bad = random.Random(n), [], 0
        with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
            time.sleep(max(0.0, start - time.perf_counter()))
            while (began := time.perf_counter()) < stop:
                status = call(client, rng)
                if began >= measure_from:
                    mine.append(time.perf_counter() - began)
                    bad += status >= 400
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    used = cpu()
    for thread in threads:
        thread.join()
    return Timing(latencies, seconds), failures[0], (cpu() - used) / max(1, len(latencies)), len(latencies)


def _paced(url: str, headers: dict[str, str], call: Call, rate: float, seconds: float, cpu: CpuClock) -> Run:
    """Calls due at a steady ``rate`` for ``seconds``; each latency runs from when the call was due, so queueing
    counts. Calls still unsent when the schedule ends are dropped (the table shows how many were sent)."""
    total, counter = int(rate * seconds), itertools.count()
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start, used = time.perf_counter() + 0.5, cpu()

    def loop(n: int) -> None:
        rng, mine, bad = random.Random(1000 + n), [], 0
        with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
            while (i := next(counter)) < total and time.perf_counter() < start + seconds:
                due = start + i / rate
                time.sleep(max(0.0, due - time.perf_counter()))
                bad += call(client, rng) >= 400
                mine.append(time.perf_counter() - due)
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(max(16, int(rate // 5)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu_per = time.perf_counter() - start, (cpu() - used) / max(1, len(latencies))
    return Timing(latencies, wall), failures[0], cpu_per, total


CpuClock = Callable[[], float]


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a server process and its workers (its children), from /proc."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(stat.parent.name) == pid or int(fields[1]) == pid:
                total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


@contextlib.contextmanager
def _serve(settings: Settings, workdir: Path, workers: int) -> Iterator[tuple[str, Path, int]]:
    """``uvicorn --workers`` on 127.0.0.1 with the test suite's flags, stopped (and its workers with it) at the end."""
    port, log = free_port(), workdir / f"uvicorn-{workers}.log"
    command = [sys.executable, "-m", "uvicorn", APP, "--factory", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    env = {**server_env(settings), "PYTHONPATH": str(ROOT)}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=2.0).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"uvicorn did not become healthy:\n{log.read_text(errors='replace')[-2000:]}")
        yield url, log, process.pid
    finally:
        process.terminate()  # uvicorn's supervisor stops its workers
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # any worker left behind in the group this run started


def _intake_rows(backend: str, settings: Settings, workdir: Path, seconds: float, clients: int) -> list[Load]:
    workers, goal = (1, GOALS["sqlite"][0]) if backend == "sqlite" else (2, GOALS["postgresql"][0])
    add_account(settings, "bench", "call_handler", team="Control Room")
    texts = call_texts(random.Random(SEED))
    clients = clients or 4 * workers

    def healthz(client: httpx.Client, _rng: random.Random) -> int:
        try:
            return client.get("/healthz").status_code
        except httpx.HTTPError:
            return 599

    def intake(client: httpx.Client, rng: random.Random) -> int:
        try:
            return client.post("/api/v1/contacts", json=_call_body(rng, texts)).status_code
        except httpx.HTTPError:  # counted, and the client reconnects
            return 599

    with _serve(settings, workdir, workers) as (url, log, pid):
        headers = {"Authorization": f"Bearer {bearer_token(url, 'bench', PASSWORD)}"}
        cpu = partial(_tree_cpu, pid)
        runs: list[tuple[str, Callable[[], Run]]] = [
            ("GET /healthz baseline", partial(_closed_loop, url, headers, healthz, clients, 5.0, cpu)),
            (f"flat out, {clients} clients", partial(_closed_loop, url, headers, intake, clients, seconds, cpu)),
            (f"paced at {goal:g}/s", partial(_paced, url, headers, intake, goal, seconds, cpu)),
        ]
        rows = []
        for what, run in runs:
            timing, failed, cpu_per, due = run()
            note = log.read_text(errors="replace")[-600:] if failed else ""
            rows.append(Load(backend, what, timing, failed, cpu_per, due, note))
        return rows


def _settings(database_url: str, redis_url: str | None = None) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        road_graph=ROOT / "data/osm-westminster/westminster_drive.graphml.gz",
        assets_dir=ROOT / "node_modules",
        redis_url=redis_url,
    )


@contextlib.contextmanager
def _fresh_database(backend: str, admin_url: str | None, workdir: Path) -> Iterator[str]:
    workdir.mkdir(parents=True)
    if backend == "sqlite" or admin_url is None:
        url = f"sqlite:///{workdir / 'intake.db'}"
        upgrade(url)
        yield url
        return
    name = f"{DATABASE}_intake"
    admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def intake_part(admin_url: str | None, args: argparse.Namespace, console: Console) -> list[Load]:
    """Each backend (PostgreSQL when it is available) on a fresh database."""
    rows: list[Load] = []
    backends = ["sqlite"] + (["postgresql"] if admin_url else [])
    if admin_url is None:
        console.print("[yellow]PostgreSQL is not available here: intake on PostgreSQL skipped")
    with tempfile.TemporaryDirectory(prefix="peel-bench-contact-") as tmp, redis_server() as redis_url:
        for backend in backends:
            workdir = Path(tmp) / backend
            with console.status(f"Intake on {backend}…"), _fresh_database(backend, admin_url, workdir) as url:
                settings = _settings(url, redis_url if backend == "postgresql" else None)
                rows += _intake_rows(backend, settings, workdir, args.seconds, args.clients)
    return rows


def intake_table(rows: list[Load], args: argparse.Namespace, machine: str) -> Table:
    table = Table(
        title=f"Intake: POST /api/v1/contacts (999 calls), {args.seconds:g} s per measurement after a 2 s warm-up",
        caption=f"flat out: a closed loop of clients; paced: calls due at the goal rate, latency counted from when "
        f"each was due; app CPU: the server's processes' CPU time per request; a fresh database per server\n"
        f"{machine} · load {os.getloadavg()[0]:.1f} at the end",
    )
    columns = ("server", "load", "n", "errors", "p50 ms", "p99 ms", "per second", "app CPU ms", "goal", "met")
    for column in columns:
        table.add_column(column, justify="left" if column in ("server", "load", "goal") else "right")
    for row in rows:
        t = row.timing
        rate, p99 = t.rate, t.percentile(0.99)
        goal_rate, goal_p99 = GOALS[row.backend]
        intake = not row.what.startswith("GET")
        goal = (f"≥ {goal_rate:g}/s" + (f", p99 < {goal_p99 * 1e3:.0f} ms" if goal_p99 else "")) if intake else ""
        met = rate >= goal_rate * 0.98 and (goal_p99 is None or p99 < goal_p99) and row.failures == 0
        first = row is rows[0] or rows[rows.index(row) - 1].backend != row.backend
        table.add_row(
            ("SQLite, 1 worker" if row.backend == "sqlite" else "PostgreSQL, 2 workers + Redis") if first else "",
            row.what,
            f"{len(t.latencies):,}" + (f" of {row.due:,}" if row.due > len(t.latencies) else ""),
            str(row.failures),
            f"{t.percentile(0.5) * 1e3:.1f}",
            f"{p99 * 1e3:.1f}",
            f"{rate:,.1f}",
            f"{row.cpu * 1e3:.1f}",
            goal,
            ("yes" if met else "[red]no[/red]") if intake else "",
            end_section=row.what.startswith("paced"),
        )
    return table
