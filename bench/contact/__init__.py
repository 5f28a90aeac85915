"""Benchmark of contact handling at force scale (``python -m bench contact``, from the repository root).

Part 1, the caller look-up on PostgreSQL: a database (``peel_bench_contact``, kept between runs because loading
takes minutes) holds synthetic people, phones, incidents and contacts, written with ``COPY``, indexed exactly as
the migrations define and analysed. ``peel.contact.lookup.lookup`` then runs in-process, timed with the audited
commit it needs, for a shuffled mix of the queries a call handler makes. Part 2, intake: real uvicorn servers on
127.0.0.1 take 999 calls (``POST /api/v1/contacts``) from client threads over httpx, first as fast as a closed
loop of clients allows, then paced at the goal rate (latency counted from when each call was due, so a server
that falls behind is not flattered); ``GET /healthz`` on the same server is the baseline. Client and server share
the machine, which is printed with the numbers.

The code is measured as it stands in ``peel/``. Scale down with ``--people`` and ``--contacts`` for a quick check;
``--rebuild`` reloads the kept database, ``--drop`` removes it, ``--explain`` shows where a look-up's time goes,
with the slowest plan. Modules: ``synth`` (the synthetic force), ``load`` (the kept database), ``lookup`` and
``intake`` (the two parts and their tables).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sqlite3
import sys
from pathlib import Path

import psycopg
from rich.console import Console

from bench.contact.intake import intake_part, intake_table
from bench.contact.load import DATABASE, admin, conninfo
from bench.contact.lookup import lookup_part, lookup_table
from tests.support.services import postgres_server


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _machine(admin_url: str | None) -> str:
    postgres = "not available"
    if admin_url:
        with psycopg.connect(conninfo(admin_url)) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            settings = conn.execute("SELECT current_setting('shared_buffers'), current_setting('work_mem')").fetchone()
            postgres = f"{row[0] if row else '?'} (shared_buffers {settings[0] if settings else '?'})"
    load = os.getloadavg()[0]
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores (load {load:.1f} at start) · Python {platform.python_version()}"
        f" · PostgreSQL {postgres} · SQLite {sqlite3.sqlite_version}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench contact", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="synthetic people (default 1,000,000)")
    parser.add_argument("--contacts", type=int, default=5_000_000, help="synthetic contacts (default 5,000,000)")
    parser.add_argument("--incidents", type=int, default=0, help="synthetic incidents (default: contacts / 2)")
    parser.add_argument("--queries", type=int, default=500, help="timed look-ups, split evenly between the mixes")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each intake measurement")
    parser.add_argument("--clients", type=int, default=0, help="closed-loop intake clients (default 4 per worker)")
    parser.add_argument("--rebuild", action="store_true", help="reload the look-up database even if it matches")
    parser.add_argument("--drop", action="store_true", help="drop the look-up database and exit")
    parser.add_argument("--explain", action="store_true", help="show where one look-up's time goes, with a plan")
    parser.add_argument("--part", choices=("lookup", "intake"), action="append", help="default: both")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    console = Console() if sys.stdout.isatty() else Console(width=140)
    with postgres_server() as admin_url:
        if args.drop:
            if admin_url:
                admin(admin_url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            console.print(f"Dropped {DATABASE}")
            return
        machine, parts = _machine(admin_url), args.part or ["lookup", "intake"]
        if "lookup" in parts and admin_url is None:
            console.print("[yellow]PostgreSQL is not available here: the look-up benchmark is skipped")
        elif "lookup" in parts and admin_url:
            measured, notes = lookup_part(admin_url, args, console)
            console.print(lookup_table(measured, args, machine))
            for note in notes:
                console.print(note, markup=False, highlight=False)
        if "intake" in parts:
            loads = intake_part(admin_url, args, console)
            console.print(intake_table(loads, args, machine))
            for load in loads:
                if load.note:
                    console.print(f"{load.backend} {load.what}: server log ends\n{load.note}", markup=False)


if __name__ == "__main__":
    main()
