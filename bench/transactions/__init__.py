"""Call intake while a long import runs (``python -m bench transactions``, from the repository root).

For SQLite and for PostgreSQL (found or started by ``tests/support/services.py``), a real uvicorn server runs on
127.0.0.1 on a fresh database, and client threads take 999 calls (``POST /api/v1/contacts``) paced at a steady
rate, each latency counted from when the call was due. The same server is measured three ways in one run: idle
(the baseline), while a crime import runs in the server process in 500-row chunks, each its own short unit of
work (as the jobs port will run it), and, with ``--before``, while the same import runs in one transaction, as
a request did before. The target is intake p99 under the import within 2x of the idle p99. ``--quick`` shortens
each phase from 60 s to 15 s. Client and server share the machine, which is printed with the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from bench.contact import _machine
from bench.contact.intake import _call_body, _paced
from bench.contact.load import admin
from bench.contact.synth import SEED, call_texts
from bench.core import Timing
from bench.transactions.load import Background, InServerImport
from peel.db.migrate import upgrade
from peel.settings import Settings
from tests.e2e.live_server import add_account, bearer_token, server_env
from tests.support.services import free_port, postgres_server
from tests.support.staff import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SECRET = "bench-secret-key-0123456789abcdef0123456789"
DATABASE = "peel_bench_transactions"
TARGET = 2.0  # intake p99 under load, as a multiple of the idle p99


@dataclass(frozen=True)
class Phase:
    backend: str
    background: str
    timing: Timing
    failures: int
    sent: int
    note: str = ""


def _settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        road_graph=ROOT / "data/osm-westminster/westminster_drive.graphml.gz",
        assets_dir=ROOT / "node_modules",
    )


@contextlib.contextmanager
def _database(backend: str, admin_url: str | None, workdir: Path) -> Iterator[str]:
    if backend == "sqlite" or admin_url is None:
        url = f"sqlite:///{workdir / 'transactions.db'}"
        upgrade(url)
        yield url
        return
    admin(admin_url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin(admin_url, f'CREATE DATABASE "{DATABASE}"')
    try:
        url = make_url(admin_url).set(database=DATABASE).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        admin(admin_url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@contextlib.contextmanager
def _serve(settings: Settings, workdir: Path, control: Path) -> Iterator[str]:
    """One uvicorn process running ``bench.transactions.server`` (Peel plus the import watcher)."""
    port, log = free_port(), workdir / "uvicorn.log"
    command = [sys.executable, "-m", "uvicorn", "bench.transactions.server:app", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    env = {**server_env(settings), "PYTHONPATH": str(ROOT), "BENCH_IMPORT_CONTROL": str(control)}
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=2.0).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"the server did not become healthy:\n{log.read_text(errors='replace')[-2000:]}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _backend(backend: str, admin_url: str | None, args: argparse.Namespace, console: Console) -> list[Phase]:
    with tempfile.TemporaryDirectory(prefix="peel-bench-transactions-") as tmp:
        workdir, control = Path(tmp), Path(tmp) / "control"
        control.mkdir()
        with _database(backend, admin_url, workdir) as url:
            settings = _settings(url)
            add_account(settings, "bench", "call_handler", team="Control Room")
            with _serve(settings, workdir, control) as base:
                headers = {"Authorization": f"Bearer {bearer_token(base, 'bench', PASSWORD)}"}
                texts = call_texts(random.Random(SEED))

                def intake(client: httpx.Client, rng: random.Random) -> int:
                    try:
                        return client.post("/api/v1/contacts", json=_call_body(rng, texts)).status_code
                    except httpx.HTTPError:
                        return 599

                measure = partial(_paced, base, headers, intake, args.rate, cpu=lambda: 0.0)
                measure(seconds=3.0)  # warm-up, not counted
                chunked = InServerImport(control, one_transaction=False, chunk_rows=args.chunk_rows)
                loads: list[Background | None] = [None, chunked]
                if args.before:
                    loads.append(InServerImport(control, one_transaction=True, chunk_rows=args.chunk_rows))
                phases = []
                for load in loads:
                    console.print(f"{backend}: intake with {load.name if load else 'no background work'}")
                    if load is not None:
                        load.start(args.seconds + 2.0)
                        time.sleep(1.0)  # the import is under way before the first call is due
                    timing, failures, _cpu, due = measure(seconds=args.seconds)
                    note = load.finish() if load is not None else ""
                    name = load.name if load is not None else "none (baseline)"
                    phases.append(Phase(backend, name, timing, failures, due, note))
                return phases


def _table(phases: list[Phase], args: argparse.Namespace, machine: str) -> Table:
    table = Table(
        title=f"Call intake (POST /api/v1/contacts) paced at {args.rate:g}/s for {args.seconds:g} s per row; "
        f"target: p99 under the import within {TARGET:g}x of idle",
        caption=machine,
    )
    for column in ("backend", "background work", "calls", "failed", "p50 ms", "p99 ms", "p99 / idle", "import"):
        table.add_column(column, justify="left" if column in ("backend", "background work", "import") else "right")
    idle: dict[str, float] = {}
    for p in phases:
        p99 = p.timing.percentile(0.99) if p.timing.latencies else float("nan")
        idle.setdefault(p.backend, p99)
        ratio = p99 / idle[p.backend]
        verdict = "" if p.note == "" else (" ok" if ratio <= TARGET else " over")
        table.add_row(
            p.backend,
            p.background,
            f"{len(p.timing.latencies)}/{p.sent}",
            str(p.failures),
            f"{1000 * p.timing.percentile(0.5):.1f}" if p.timing.latencies else "-",
            f"{1000 * p99:.1f}",
            f"{ratio:.2f}{verdict}",
            p.note,
        )
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench transactions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="15 s per phase instead of 60 s")
    parser.add_argument("--seconds", type=float, default=0.0, help="length of each phase (default 60, quick 15)")
    parser.add_argument("--rate", type=float, default=10.0, help="999 calls per second (default 10)")
    parser.add_argument("--chunk-rows", type=int, default=500, help="CSV rows per import transaction")
    parser.add_argument("--before", action="store_true", help="also run the import in one transaction, as before")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append", help="default: both")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    args.seconds = args.seconds or (15.0 if args.quick else 60.0)
    console = Console() if sys.stdout.isatty() else Console(width=160)
    with postgres_server() as admin_url:
        machine = _machine(admin_url)
        backends = args.backend or ["sqlite", "postgresql"]
        if admin_url is None and "postgresql" in backends:
            console.print("[yellow]PostgreSQL is not available here: skipped")
            backends = [b for b in backends if b != "postgresql"]
        phases = [p for backend in backends for p in _backend(backend, admin_url, args, console)]
    console.print(_table(phases, args, machine))
