"""Benchmark of the platform core (``python -m bench core``, from the repository root).

For SQLite and for PostgreSQL (found or started by ``tests/support/services.py``), a real uvicorn server runs in
its own process on 127.0.0.1 and client threads measure, after a warm-up, the latency (p50 = median, p99) and
throughput of an authenticated, audited read (``GET /api/v1/incidents/{ref}``) and write (``POST
/api/v1/incidents``). Their baseline is ``GET /healthz``: the same server, one transaction with ``SELECT 1``, no
sign-in, no audit. Then, with the server stopped, audit appends per second straight through ``SqlAuditStore``
in transactions of 1 and of 50 entries, against plain un-chained inserts of the same rows and an empty
``SELECT 1`` transaction. Client and server share the machine, which is printed with the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy import Column, Integer, MetaData, String, create_engine, insert, text
from sqlalchemy import Table as SqlTable
from sqlalchemy.engine import make_url

from peel import __version__
from peel.audit.chain import AuditEntry
from peel.audit.file_witness import FileWitness
from peel.audit.store import SqlAuditStore
from peel.core.clock import utcnow
from peel.db.engine import make_engine, make_session_factory
from peel.db.migrate import upgrade
from peel.settings import Settings
from tests.e2e.live_server import add_account, bearer_token, running_server
from tests.support.services import postgres_server
from tests.support.staff import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-key-0123456789abcdef0123456789"
INCIDENT = {
    "channel": "999",
    "category": "rtc",
    "summary": "Two cars in collision, one driver shaken",
    "location": {"address": "Parliament Square, London", "lat": 51.5007, "lon": -0.1262},
}


@dataclass(frozen=True)
class Timing:
    """Per-operation latencies and the wall time over which they ran."""

    latencies: list[float]
    wall: float
    units_per_op: int = 1

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    @property
    def rate(self) -> float:
        return len(self.latencies) * self.units_per_op / self.wall


@dataclass(frozen=True)
class Row:
    backend: str
    what: str
    timing: Timing
    unit: str


# --- HTTP: a real server, several client threads ------------------------------------------------------------


def _run_clients(
    url: str, headers: dict[str, str], call: Callable[[httpx.Client], int], n: int, clients: int
) -> Timing:
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client_loop(count: int) -> None:
        mine: list[float] = []
        with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
            call(client)  # open the connection before the clock starts
            start.wait()
            for _ in range(count):
                began = time.perf_counter()
                status = call(client)
                mine.append(time.perf_counter() - began)
                if status >= 400:
                    with lock:
                        failures.append(status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client_loop, args=(n // clients,)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. HTTP {failures[0]}")
    return Timing(latencies, wall)


def _http_rows(backend: str, settings: Settings, workdir: Path, n: int, warmup: int, clients: int) -> list[Row]:
    add_account(settings, "bench", "call_handler", team="Control Room")
    with running_server(settings, workdir, f"bench-{backend}") as server:
        headers = {"Authorization": f"Bearer {bearer_token(server.url, 'bench', PASSWORD)}"}
        created = httpx.post(f"{server.url}/api/v1/incidents", json=INCIDENT, headers=headers, timeout=30.0)
        created.raise_for_status()
        ref = created.json()["ref"]
        calls: list[tuple[str, dict[str, str], Callable[[httpx.Client], int]]] = [
            ("GET /healthz (baseline: SELECT 1, no sign-in, no audit)", {}, lambda c: c.get("/healthz").status_code),
            (
                "GET /api/v1/incidents/{ref} (audited read)",
                headers,
                lambda c: c.get(f"/api/v1/incidents/{ref}").status_code,
            ),
            (
                "POST /api/v1/incidents (audited write)",
                headers,
                lambda c: c.post("/api/v1/incidents", json=INCIDENT).status_code,
            ),
        ]
        rows = []
        for what, call_headers, call in calls:
            _run_clients(server.url, call_headers, call, warmup, clients)
            rows.append(Row(backend, what, _run_clients(server.url, call_headers, call, n, clients), "req/s"))
        return rows


# --- Audit appends, straight through the store -------------------------------------------------------------


def _entry(i: int) -> AuditEntry:
    return AuditEntry(
        at=utcnow(),
        action="incident.read",
        object_type="incident",
        object_id=f"INC-20260101-{i % 10_000:04d}",
        outcome="allowed",
        user_id=1,
        username="bench",
        role="call_handler",
        source_ip="127.0.0.1",
        request_id=f"bench-{i:08d}",
    )


def _timed_transactions(work: Callable[[int], None], transactions: int, units: int) -> Timing:
    latencies = []
    began = time.perf_counter()
    for i in range(transactions):
        one = time.perf_counter()
        work(i)
        latencies.append(time.perf_counter() - one)
    return Timing(latencies, time.perf_counter() - began, units)


def _audit_rows(backend: str, settings: Settings, transactions: int) -> list[Row]:
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    sessions = make_session_factory(engine)
    store = SqlAuditStore(SECRET.encode(), settings.audit_checkpoint_every)
    # The witness as `create_app` wires it: a checkpoint line and the signed head, each fsync'd after the commit.
    witness_dir = tempfile.TemporaryDirectory(prefix="peel-bench-witness-")
    witnessed = SqlAuditStore(
        SECRET.encode(), settings.audit_checkpoint_every, FileWitness(Path(witness_dir.name) / "witness.jsonl")
    )
    plain = SqlTable(
        "bench_plain_rows", MetaData(), Column("id", Integer, primary_key=True), Column("body", String(400))
    )
    plain.create(engine, checkfirst=True)

    def select_one(_i: int) -> None:
        with sessions() as session, session.begin():
            session.execute(text("SELECT 1"))

    def plain_insert(size: int) -> Callable[[int], None]:
        def work(i: int) -> None:
            with sessions() as session, session.begin():
                session.execute(insert(plain), [{"body": repr(_entry(i * size + k))} for k in range(size)])

        return work

    def audited(size: int, into: SqlAuditStore = store) -> Callable[[int], None]:
        def work(i: int) -> None:
            with sessions() as session, session.begin():
                into.append(session, [_entry(i * size + k) for k in range(size)])

        return work

    try:
        rows = [
            Row(
                backend,
                "SELECT 1 transaction (baseline)",
                _timed_transactions(select_one, transactions, 1),
                "tx/s",
            )
        ]
        for size in (1, 50):
            count = transactions if size == 1 else max(1, transactions // 10)
            rows.append(
                Row(
                    backend,
                    f"plain INSERT, {size} per transaction (baseline)",
                    _timed_transactions(plain_insert(size), count, size),
                    "rows/s",
                )
            )
            rows.append(
                Row(
                    backend,
                    f"audit append, {size} per transaction",
                    _timed_transactions(audited(size), count, size),
                    "entries/s",
                )
            )
            rows.append(
                Row(
                    backend,
                    f"audit append, {size} per transaction, witnessed (file, fsync)",
                    _timed_transactions(audited(size, witnessed), count, size),
                    "entries/s",
                )
            )
        return rows
    finally:
        plain.drop(engine, checkfirst=True)
        engine.dispose()
        witness_dir.cleanup()


# --- Databases ---------------------------------------------------------------------------------------------


def _settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        road_graph=ROOT / "data/osm-westminster/westminster_drive.graphml.gz",
        assets_dir=ROOT / "node_modules",
        redis_url=None,
    )


@contextlib.contextmanager
def _sqlite(workdir: Path) -> Iterator[Settings]:
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    yield _settings(url)


@contextlib.contextmanager
def _postgresql(admin_url: str) -> Iterator[Settings]:
    name = f"peel_bench_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield _settings(url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _postgres_version(admin_url: str) -> str:
    engine = create_engine(admin_url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar_one())
    finally:
        engine.dispose()


# --- Report ------------------------------------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _machine(postgres: str) -> Table:
    table = Table(title="Machine", show_header=False)
    for label, value in (
        ("CPU", _cpu_model()),
        ("cores (os.cpu_count)", str(os.cpu_count())),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", postgres),
        ("Peel", __version__),
    ):
        table.add_row(label, value)
    return table


def _results(title: str, rows: list[Row]) -> Table:
    table = Table(title=title)
    for column in ("backend", "measurement", "p50 (median)", "p99", "throughput"):
        table.add_column(column, justify="left" if column in ("backend", "measurement") else "right")
    for row in rows:
        t = row.timing
        table.add_row(
            row.backend,
            row.what,
            f"{t.percentile(0.5) * 1e3:.2f} ms",
            f"{t.percentile(0.99) * 1e3:.2f} ms",
            f"{t.rate:,.0f} {row.unit}",
        )
    return table


def _report(console: Console, args: argparse.Namespace, rows: list[Row], pg_version: str) -> None:
    http = [r for r in rows if r.unit == "req/s"]
    audit = [r for r in rows if r.unit != "req/s"]
    console.print(_machine(pg_version))
    title = f"HTTP: {args.requests:,} requests from {args.clients} client threads after {args.warmup} warm-up"
    console.print(_results(title, http))
    title = f"Audit store: {args.transactions:,} transactions of 1 row, {args.transactions // 10:,} of 50 rows"
    console.print(_results(title, audit))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench core", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per HTTP measurement")
    parser.add_argument("--warmup", type=int, default=200, help="requests before each measurement")
    parser.add_argument("--clients", type=int, default=4, help="client threads")
    parser.add_argument("--transactions", type=int, default=500, help="audit transactions of one entry")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append", help="default: both")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    backends = args.backend or ["sqlite", "postgresql"]
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    rows: list[Row] = []
    pg_version = "not measured"
    with tempfile.TemporaryDirectory(prefix="peel-bench-") as tmp, postgres_server() as admin_url:
        for backend in backends:
            workdir = Path(tmp) / backend
            workdir.mkdir()
            if backend == "postgresql" and admin_url is None:
                console.print("[yellow]PostgreSQL is not available here: skipped")
                continue
            started = time.perf_counter()
            with console.status(f"Measuring on {backend}…"):
                database = _sqlite(workdir) if backend == "sqlite" else _postgresql(str(admin_url))
                with database as settings:
                    rows += _http_rows(backend, settings, workdir, args.requests, args.warmup, args.clients)
                    rows += _audit_rows(backend, settings, args.transactions)
            if backend == "postgresql":
                pg_version = _postgres_version(str(admin_url))
            console.print(f"{backend}: measured in {time.perf_counter() - started:.0f} s")
    _report(console, args, rows, pg_version)


if __name__ == "__main__":
    main()
