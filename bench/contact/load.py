"""The kept look-up database (``peel_bench_contact``): recognised when it holds the asked-for scale, otherwise built
with ``COPY``, its indexes created after the load from the migrations' own definitions, and analysed."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import psycopg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import make_url

from bench.contact.synth import Copy, Scale, incidents_and_contacts, people_and_places, synthesise
from peel.db.migrate import upgrade

SECRET = "bench-secret-key-0123456789abcdef0123456789"  # the audit chain's key, and the intake servers'
DATABASE = "peel_bench_contact"
CHUNK = 50_000

LOADED = ("locations", "people", "phone_numbers", "person_phones", "markers", "incidents", "contacts",
          "incident_people", "match_decisions")  # fmt: skip
_PLAIN_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
ORDER BY i.tablename, i.indexname
"""


def conninfo(url: str) -> str:
    u = make_url(url)
    parts = f"host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username or 'postgres'} dbname={u.database}"
    return parts + (f" password={u.password}" if u.password else "")


def _loaded(url: str, scale: Scale) -> int | None:
    """The end of the data's time span when the database holds exactly this scale, fully loaded and indexed."""
    with (
        contextlib.suppress(psycopg.OperationalError, psycopg.errors.UndefinedTable),
        psycopg.connect(conninfo(url)) as conn,
    ):
        row = conn.execute("SELECT people, contacts, incidents, seed, data_end FROM bench_load").fetchone()
        if row is None or tuple(row[:4]) != (scale.people, scale.contacts, scale.incidents, scale.seed):
            return None
        people, contacts = conn.execute(
            "SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM contacts)"
        ).fetchone() or (0, 0)
        return int(row[4]) if (people, contacts) == (scale.people, scale.contacts) else None
    return None


def admin(admin_url: str, sql: str) -> None:
    with psycopg.connect(conninfo(admin_url), autocommit=True) as conn:
        conn.execute(sql)


def _build(admin_url: str, url: str, scale: Scale, console: Console) -> int:
    started = time.perf_counter()
    admin(admin_url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin(admin_url, f'CREATE DATABASE "{DATABASE}"')
    upgrade(url)
    end = int(time.time()) // 60 * 60
    with console.status("Synthesising the force (people, calls, incidents)…"):
        world = synthesise(scale, end)
        copies = people_and_places(world) + incidents_and_contacts(world)
    with psycopg.connect(conninfo(url)) as conn:
        try:  # foreign keys stay declared but are not checked row by row: the rows are consistent by construction
            conn.execute("SET session_replication_role = replica")
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = conn.execute(_PLAIN_INDEXES, (list(LOADED),)).fetchall()
        for name, _definition in indexes:  # built once after the load, from the migrations' own definitions
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
        _copy_all(conn, copies, indexes, console)
    with psycopg.connect(conninfo(url), autocommit=True) as conn, console.status("VACUUM ANALYZE…"):
        for table in LOADED:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        conn.execute("CREATE TABLE bench_load (people int, contacts int, incidents int, seed int, data_end bigint)")
        conn.execute(
            "INSERT INTO bench_load VALUES (%s, %s, %s, %s, %s)",
            (scale.people, scale.contacts, scale.incidents, scale.seed, end),
        )
    console.print(f"Loaded {DATABASE} in {time.perf_counter() - started:.0f} s")
    return end


def _copy_all(conn: psycopg.Connection[Any], copies: list[Copy], indexes: list[Any], console: Console) -> None:
    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        for spec in copies:
            task = progress.add_task(spec.table, total=spec.count)
            with conn.cursor() as cur, cur.copy(f"COPY {spec.table} ({spec.columns}) FROM STDIN") as copy:
                for a in range(0, spec.count, CHUNK):
                    b = min(spec.count, a + CHUNK)
                    copy.write(spec.block(a, b))
                    progress.advance(task, b - a)
            conn.commit()
        task = progress.add_task("indexes", total=len(indexes))
        for _name, definition in indexes:
            conn.execute(definition)
            conn.commit()
            progress.advance(task)
        for spec in copies:
            if "id" in spec.columns.split(", "):
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{spec.table}', 'id'), {spec.count})")
        conn.commit()


def prepare(admin_url: str, scale: Scale, rebuild: bool, console: Console) -> tuple[str, int]:
    """The kept database's URL and the end of its data's time span, loading it first unless it already matches."""
    url = make_url(admin_url).set(database=DATABASE).render_as_string(hide_password=False)
    end = None if rebuild else _loaded(url, scale)
    if end is None:
        return url, _build(admin_url, url, scale, console)
    upgrade(url)  # a migration added since the load applies to the kept data too
    console.print(f"Reusing {DATABASE} ({scale.people:,} people, {scale.contacts:,} contacts; --rebuild reloads)")
    return url, end
