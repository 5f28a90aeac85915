"""Engine construction: SQLite in WAL mode with foreign keys, or PostgreSQL through psycopg 3.

Transactions come in two kinds. A *write* transaction (the default) takes SQLite's write lock up front
(``BEGIN IMMEDIATE``, queued behind this process's other writers). A *read* transaction, on a connection of
``read_only(engine)``, takes no lock at all: WAL gives it a snapshot while writers carry on (on PostgreSQL it is
``READ ONLY``). The database refuses writes inside a read transaction, so a read can never half-upgrade into a
writer (a deferred SQLite transaction that later writes fails with SQLITE_BUSY once another writer has
committed since its snapshot). A writer that waits longer than ``busy_seconds`` raises ``DatabaseBusy``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from peel.core.errors import DatabaseBusy
from peel.db.fairlock import FairLock

_HOLDS_WRITER = "peel_holds_writer_lock"
_QUERY_ONLY = "peel_query_only"
READ_ONLY = "peel_read_only"  # execution option that marks a connection's transactions as reads
# SQLSTATE 55P03 (lock_not_available): PostgreSQL gave up waiting for a row lock after lock_timeout.
_PG_LOCK_TIMEOUT = "55P03"


def make_engine(url: str, sqlite_synchronous: str = "FULL", pool_size: int = 10, busy_seconds: float = 30.0) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, sqlite_synchronous, busy_seconds)
    if parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"options": f"-c lock_timeout={max(1, round(busy_seconds * 1000))}"},
    )
    _busy_as_domain_error(engine, busy_seconds)
    return engine


def read_only(engine: Engine) -> Engine:
    """The same engine and pool, with every transaction started as a read (no writer lock, writes refused)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(**{READ_ONLY: True}, postgresql_readonly=True)
    return engine.execution_options(**{READ_ONLY: True})


def is_busy(exc: BaseException | None) -> bool:
    """True for the database's own "gave up waiting for another writer" errors, on either backend."""
    if not isinstance(exc, DBAPIError) or exc.orig is None:
        return False
    if getattr(exc.orig, "sqlstate", None) == _PG_LOCK_TIMEOUT:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def _busy_as_domain_error(engine: Engine, busy_seconds: float) -> None:
    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        if is_busy(context.sqlalchemy_exception):
            raise DatabaseBusy(busy_seconds) from context.original_exception


def _sqlite_engine(url: str, synchronous: str, busy_seconds: float) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_seconds})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that the BEGIN below is what runs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={max(1, round(busy_seconds * 1000))}")
        cursor.close()

    # SQLite admits one writer at a time, and its busy handler makes waiting writers sleep in steps of up to
    # 100 ms, which stretches the latency tail under load. Writers of this process queue on a lock instead, and
    # wake as soon as it is free; the busy timeout still arbitrates between processes. Reads take no lock.
    writer = FairLock()  # first come, first served: a job's chunks cannot starve a call handler's write

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            _query_only(conn, True)
            conn.exec_driver_sql("BEGIN")
            return
        if not writer.acquire(timeout=busy_seconds):
            raise DatabaseBusy(busy_seconds)
        conn.info[_HOLDS_WRITER] = True
        try:
            _query_only(conn, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.info)
            raise

    def _release(info: dict[Any, Any]) -> None:
        if info.pop(_HOLDS_WRITER, False):
            writer.release()

    event.listen(engine, "commit", lambda conn: _release(conn.info))
    event.listen(engine, "rollback", lambda conn: _release(conn.info))
    # A connection returned to the pool mid-transaction (an error path) must not keep the lock.
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _release(record.info))
    _busy_as_domain_error(engine, busy_seconds)
    return engine


def _query_only(conn: Any, on: bool) -> None:
    """SQLite's own guard that a read transaction stays a read; switched only when it changes."""
    if conn.info.get(_QUERY_ONLY, False) != on:
        conn.exec_driver_sql(f"PRAGMA query_only={int(on)}")
        conn.info[_QUERY_ONLY] = on


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
