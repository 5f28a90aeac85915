"""Part 1 of the contact benchmark: ``peel.contact.lookup.lookup`` in-process on the kept PostgreSQL database, with
the audited commit it needs, for a shuffled mix of the queries a call handler makes."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, event, text

from bench.contact.load import DATABASE, SECRET, prepare
from bench.contact.synth import Scale
from bench.core import Timing
from peel.audit.store import SqlAuditStore
from peel.contact.lookup import lookup
from peel.db.engine import make_engine, make_session_factory
from peel.db.uow import Actor, UnitOfWork

LOOKUP_P95_GOAL = 0.100

MIXES = (
    "phone of a heavy repeat caller",
    "phone of a one-off caller",
    "phone + name of a one-off caller",
    "name + date of birth",
    "forenames + surname only",
    "unknown phone",
)


@dataclass(frozen=True)
class Query:
    mix: str
    args: dict[str, Any]
    expect: str | None  # the person who should come top, when there is one


def _spoken(number: str) -> str:
    """``+447712345678`` → ``07712 345678``, as a call handler would type it."""
    national = "0" + number[3:]
    return f"{national[:5]} {national[5:]}"


def _queries(engine: Engine, scale: Scale, count: int) -> list[Query]:
    rng = random.Random(scale.seed)
    per = max(1, count // len(MIXES))
    owner = (
        "SELECT n.e164, p.ref, p.forenames, p.surname, p.date_of_birth FROM phone_numbers n "
        "JOIN person_phones pp ON pp.phone_id = n.id JOIN people p ON p.id = pp.person_id WHERE n.id = ANY(:ids)"
    )
    with engine.connect() as conn:
        heavy = (
            conn.execute(
                text(
                    "SELECT caller_phone_id FROM contacts WHERE caller_phone_id IS NOT NULL "
                    "GROUP BY 1 ORDER BY count(*) DESC LIMIT :k"
                ),
                {"k": scale.heavy},
            )
            .scalars()
            .all()
        )
        once = (
            conn.execute(
                text(
                    "SELECT caller_phone_id FROM contacts WHERE caller_phone_id IS NOT NULL AND caller_phone_id <= :n "
                    "GROUP BY 1 HAVING count(*) = 1 LIMIT 20000"
                ),
                {"n": scale.people},
            )
            .scalars()
            .all()
        )
        heavy_rows = conn.execute(text(owner), {"ids": [rng.choice(heavy) for _ in range(per)]}).all()
        once_rows = conn.execute(text(owner), {"ids": rng.sample(list(once), min(2 * per, len(once)))}).all()
        people = conn.execute(
            text("SELECT ref, forenames, surname, date_of_birth FROM people WHERE id = ANY(:ids)"),
            {"ids": rng.sample(range(1, scale.people + 1), 2 * per)},
        ).all()
        places = conn.execute(
            text("SELECT lat, lon FROM locations WHERE id = ANY(:ids)"),
            {"ids": rng.sample(range(1, scale.locations + 1), 200)},
        ).all()
    heavy_rows = [heavy_rows[i % len(heavy_rows)] for i in range(per)]  # a caller may ring in twice
    queries = [Query(MIXES[0], {"phone": _spoken(r.e164)}, r.ref) for r in heavy_rows]
    queries += [Query(MIXES[1], {"phone": _spoken(r.e164)}, r.ref) for r in once_rows[:per]]
    queries += [
        Query(MIXES[2], {"phone": _spoken(r.e164), "forenames": r.forenames, "surname": r.surname}, r.ref)
        for r in once_rows[per:]
    ]
    queries += [
        Query(MIXES[3], {"forenames": r.forenames, "surname": r.surname, "date_of_birth": r.date_of_birth}, r.ref)
        for r in people[:per]
    ]
    queries += [Query(MIXES[4], {"forenames": r.forenames, "surname": r.surname}, r.ref) for r in people[per:]]
    queries += [Query(MIXES[5], {"phone": f"07800 {rng.randrange(1_000_000):06d}"}, None) for _ in range(per)]
    for q in queries:
        lat, lon = rng.choice(places)
        q.args.update(lat=lat, lon=lon)  # the handler has the caller's location too
    rng.shuffle(queries)
    return queries


@dataclass
class Measured:
    timings: dict[str, list[float]] = field(default_factory=dict)
    found: dict[str, list[bool]] = field(default_factory=dict)
    runs: list[tuple[float, Query]] = field(default_factory=list)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # this process's CPU time (not PostgreSQL's)

    def add(self, query: Query, seconds: float, cpu: float, found: bool | None) -> None:
        self.timings.setdefault(query.mix, []).append(seconds)
        self.cpu.setdefault(query.mix, []).append(cpu)
        self.runs.append((seconds, query))
        if found is not None:
            self.found.setdefault(query.mix, []).append(found)

    def at_p95(self, mix: str) -> Query:
        ordered = sorted((r for r in self.runs if r[1].mix == mix), key=lambda r: r[0])
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))][1]


@contextlib.contextmanager
def _gc_pauses() -> Iterator[list[float]]:
    """Durations of Python's full (generation 2) garbage collections while the block runs."""
    pauses: list[float] = []
    began = [0.0]

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        elif info["generation"] == 2:
            pauses.append(time.perf_counter() - began[0])

    gc.callbacks.append(record)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(record)


def _run_lookups(sessions: Any, queries: list[Query], now: datetime) -> Measured:
    """Each query once, in its shuffled order, after 25 that warm the pool, the plans and the caches."""
    store, actor = SqlAuditStore(SECRET.encode()), Actor.system("bench")
    measured = Measured()
    for n, q in enumerate(queries[:25] + queries):
        began, cpu = time.perf_counter(), time.thread_time()
        with UnitOfWork(sessions, store, actor) as uow:
            out = lookup(uow, now, **q.args)
            uow.commit()
        elapsed, cpu = time.perf_counter() - began, time.thread_time() - cpu
        if n >= 25:
            top = [m.person_ref for m in out.matches]
            measured.add(q, elapsed, cpu, None if q.expect is None else q.expect in top[:1])
    return measured


def _statements(engine: Engine, sessions: Any, query: Query, now: datetime) -> list[tuple[float, str, Any]]:
    """Every SQL statement one look-up runs, with its time, slowest first."""
    seen: list[tuple[float, str, Any]] = []
    began: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        began[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        seen.append((time.perf_counter() - began.pop(id(cursor), time.perf_counter()), statement, params))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        with UnitOfWork(sessions, SqlAuditStore(SECRET.encode()), Actor.system("bench")) as uow:
            lookup(uow, now, **query.args)
            uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return sorted(seen, key=lambda s: -s[0])


def _explain(engine: Engine, statement: str, params: Any) -> str:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
        conn.rollback()
    return "\n".join(r[0][:220] for r in rows)


def lookup_part(admin_url: str, args: argparse.Namespace, console: Console) -> tuple[Measured, list[str]]:
    """The timed look-ups on the kept database (loaded first when it does not match), and notes to print."""
    scale = Scale(args.people, args.contacts, args.incidents or args.contacts // 2)
    url, end = prepare(admin_url, scale, args.rebuild, console)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    notes: list[str] = []
    try:
        now = datetime.fromtimestamp(end, UTC)
        with console.status("Choosing callers…"):
            queries = _queries(engine, scale, args.queries)
        with console.status(f"Timing {len(queries)} look-ups…"), _gc_pauses() as gcs:
            measured = _run_lookups(sessions, queries, now)
        if gcs:
            notes.append(
                f"Python's full garbage collections during the look-ups: {len(gcs)}, pausing {ms(gcs, 0.5)} ms "
                f"(median) to {max(gcs) * 1e3:.1f} ms; a look-up that meets one lands in the tail"
            )
        if args.explain:
            notes += _diagnose(engine, sessions, measured, now)
        return measured, notes
    finally:
        engine.dispose()


def _diagnose(engine: Engine, sessions: Any, measured: Measured, now: datetime) -> list[str]:
    """For each mix, the look-up at its p95: its slowest statements; then the plan of the slowest of all."""
    notes, slowest = ["Where the time goes (the look-up at each mix's p95, run again):"], (0.0, "", None)
    for mix in MIXES:
        began = time.perf_counter()
        statements = _statements(engine, sessions, measured.at_p95(mix), now)
        wall, total = time.perf_counter() - began, sum(s[0] for s in statements)
        notes.append(f"{mix}: {wall * 1e3:.1f} ms, of which {total * 1e3:.1f} ms in {len(statements)} statements")
        for seconds, statement, _params in statements[:3]:
            notes.append(f"  {seconds * 1e3:7.1f} ms  {' '.join(statement.split())[:140]}")
        if statements and statements[0][0] > slowest[0]:
            slowest = statements[0]
    if slowest[1]:
        notes.append(f"Slowest statement ({slowest[0] * 1e3:.1f} ms), parameters {str(slowest[2])[:300]}:")
        notes.append(" ".join(slowest[1].split()))
        notes.append(_explain(engine, slowest[1], slowest[2]))
    return notes


def ms(values: list[float], q: float) -> str:
    return f"{Timing(values, 1.0).percentile(q) * 1e3:.1f}"


def lookup_table(run: Measured, args: argparse.Namespace, machine: str) -> Table:
    table = Table(
        title=f"Caller look-up on PostgreSQL ({DATABASE}): {args.people:,} people, {args.contacts:,} contacts, "
        f"{args.incidents or args.contacts // 2:,} incidents",
        caption=f"look-up and its audited commit, in-process; CPU: this process's (PostgreSQL's not counted); "
        f"found: the person sought is the top match\n{machine} · load {os.getloadavg()[0]:.1f} at the end",
    )
    for column in ("query mix", "n", "p50 ms", "p95 ms", "p99 ms", "goal p95", "met", "CPU p50", "found"):
        table.add_column(column, justify="left" if column == "query mix" else "right")
    everything = [t for mix in MIXES for t in run.timings.get(mix, [])]
    for mix in (*MIXES, "all"):
        values = everything if mix == "all" else run.timings.get(mix, [])
        if not values:
            continue
        found = [f for m in MIXES for f in run.found.get(m, [])] if mix == "all" else run.found.get(mix, [])
        cpu = [c for m in MIXES for c in run.cpu.get(m, [])] if mix == "all" else run.cpu.get(mix, [])
        p95 = Timing(values, 1.0).percentile(0.95)
        table.add_row(
            f"[bold]{mix}[/bold]" if mix == "all" else mix,
            str(len(values)),
            ms(values, 0.5),
            f"{p95 * 1e3:.1f}",
            ms(values, 0.99),
            f"< {LOOKUP_P95_GOAL * 1e3:.0f} ms",
            "yes" if p95 < LOOKUP_P95_GOAL else "[red]no[/red]",
            ms(cpu, 0.5),
            f"{sum(found) / len(found):.0%}" if found else "—",
            end_section=mix == MIXES[-1],
        )
    return table
