"""The unit of work: one transaction per request that also carries its audit entries and domain events.

``commit()`` writes the outbox rows and appends the audit entries inside the same transaction, so a change,
the record of who made it and the events it raises commit together or not at all. If the audit store fails,
the whole transaction rolls back: no audit record, no action.

A *read* unit of work (``reads=`` given) runs its queries in a read transaction that takes no writer lock, so
it never holds up call intake on SQLite. Its audit entries, events and small deferred writes (``later``, e.g. a
session's last-seen time) are written at ``commit()`` in a short write transaction of their own, opened only
then. That write is a new transaction rather than an upgrade of the read, because an upgraded SQLite read fails
once another writer has committed since its snapshot. It fails closed like any commit: if it fails, ``commit``
raises and the caller must not hand out what it read. A commit with nothing pending writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

from sqlalchemy import Executable
from sqlalchemy.orm import Session, sessionmaker

from peel.audit.chain import AuditEntry
from peel.audit.refs import pieces
from peel.audit.store import AuditStore
from peel.core.clock import Clock, utcnow
from peel.events.domain import DomainEvent
from peel.events.models import OutboxEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting, from where: what the audit log records about every entry."""

    user_id: int | None
    username: str
    role: str
    team_id: int | None = None
    source_ip: str = ""
    request_id: str = ""  # made by the server: what the audit trusts
    purpose: str = ""  # the reason the user gave for this request, if any
    client_request_id: str = ""  # what the client called its request (kept, never trusted)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(user_id=None, username=name, role="system")


class UnitOfWork:
    """``with platform.uow(actor) as uow: ...; uow.commit()`` outside a request; in a route, ``ctx.uow``, which
    the request dependency commits when the route returns (an extra ``commit()`` is harmless)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        audit: AuditStore,
        actor: Actor,
        after_commit: Callable[[], None] | None = None,
        reads: sessionmaker[Session] | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._sessions = sessions
        self.clock = clock
        self._reads = reads
        self._audit = audit
        self.actor = actor
        self._after_commit = after_commit
        self._entries: list[AuditEntry] = []
        self._events: list[DomainEvent] = []
        self._later: list[Executable] = []
        self.session: Session

    def now(self) -> datetime:
        """The time by the platform's one clock (a manual clock in tests and replays)."""
        return self.clock()

    @property
    def read_only(self) -> bool:
        """True when the queries run in a read transaction and everything written waits for ``commit()``."""
        return self._reads is not None

    def __enter__(self) -> UnitOfWork:
        self.session = (self._reads or self._sessions)()
        self.session.begin()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.session.in_transaction():
            self.session.rollback()
        self.session.close()

    def entry(self, action: str, object_type: str, object_id: object, outcome: str, detail: str) -> AuditEntry:
        a = self.actor
        return AuditEntry(
            at=self.clock(),
            action=action,
            object_type=object_type,
            object_id=_storable(str(object_id))[:64],
            outcome=outcome,
            user_id=a.user_id,
            username=_storable(a.username)[:64],
            role=a.role,
            source_ip=a.source_ip,
            request_id=_storable(a.request_id)[:64],
            detail=_storable(detail)[:2000],
            purpose=_storable(a.purpose)[:200],
            client_request_id=_storable(a.client_request_id)[:64],
        )

    def audit(
        self, action: str, object_type: str, object_id: object, detail: str = "", outcome: str = "allowed"
    ) -> None:
        """Record a read, write or attempt; it is written when (and only if) the transaction commits."""
        self._entries.append(self.entry(action, object_type, object_id, outcome, detail))

    def audit_list(
        self, action: str, object_type: str, refs: Iterable[object], detail: str = "", outcome: str = "allowed"
    ) -> None:
        """Record a list or search read naming every record it returned (``refs``), however many.

        Refs are folded into ranges and, past one entry's detail, spread over several entries (``part i/n``);
        ``peel.audit.refs.expand`` gives them back. ``detail`` says what was asked (e.g. ``q=smith``).
        """
        for piece in pieces(_storable(detail)[:200], [_storable(str(r)) for r in refs]):
            self._entries.append(self.entry(action, object_type, "*", outcome, piece))

    def emit(self, event: DomainEvent) -> None:
        self._events.append(event)

    def later(self, statement: Executable) -> None:
        """A small write that may wait for the commit (a read unit of work runs it in its final short write)."""
        if self._reads is None:
            self.session.execute(statement)
        else:
            self._later.append(statement)

    def commit(self) -> None:
        if self._reads is None:
            self._write(self.session)
            self.session.commit()
        else:
            self.session.commit()  # ends the read snapshot; it held no lock
            if self._entries or self._events or self._later:
                with self._sessions() as short, short.begin():
                    self._write(short)
        had_events = bool(self._events)
        self._entries, self._events, self._later = [], [], []
        if had_events and self._after_commit is not None:
            self._after_commit()

    def _write(self, session: Session) -> None:
        """What every commit adds to the transaction: deferred writes, outbox rows, then the audit entries."""
        for statement in self._later:
            session.execute(statement)
        for event in self._events:
            session.add(
                OutboxEvent(
                    event_id=event.event_id,
                    name=event.name,
                    object_type=event.object_type,
                    object_id=event.object_id,
                    team_id=event.team_id,
                    payload=event.stored_payload(),
                    occurred_at=event.occurred_at,
                )
            )
        self._audit.append(session, self._entries)

    def record_outcome(self, action: str, object_type: str, object_id: object, outcome: str, detail: str) -> None:
        """Abandon the work in progress and durably record that an attempt was denied or failed."""
        self.session.rollback()
        self._entries, self._events, self._later = [], [], []
        entry = [self.entry(action, object_type, object_id, outcome, detail)]
        with self._sessions() as short, short.begin():
            self._audit.append(short, entry)


def _storable(text: str) -> str:
    """Audit text as every backend can store it: PostgreSQL text cannot hold NUL, so it is shown escaped."""
    return text.replace("\x00", "\\0")
