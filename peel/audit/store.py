"""The SQL audit store: appends entries inside the caller's transaction, so the audit record and the action
it describes commit together or not at all."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from peel.audit import chain
from peel.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from peel.core.clock import utcnow
from peel.core.errors import AuditUnavailable


class AuditStore(Protocol):
    def append(self, session: Session, entries: Sequence[chain.AuditEntry]) -> None: ...


class SqlAuditStore:
    def __init__(self, key: bytes, checkpoint_every: int = 256) -> None:
        self._key = key
        self._every = checkpoint_every

    def append(self, session: Session, entries: Sequence[chain.AuditEntry]) -> None:
        if not entries:
            return
        # The caller's own pending changes reach the database first, outside the guard below: a foreign-key or
        # unique violation in them is that change's error (a conflict), not an audit store that is down.
        session.flush()
        try:
            self._append(session, entries)
        except SQLAlchemyError as exc:
            raise AuditUnavailable("the audit record could not be written, so nothing was done") from exc

    def _append(self, session: Session, entries: Sequence[chain.AuditEntry]) -> None:
        head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
        if head is None:
            head = AuditHead(id=1, seq=0, hash=chain.GENESIS, signature="")
            session.add(head)
        linked = chain.chain(entries, head.seq, head.hash)
        session.add_all([_row(c) for c in linked])
        for c in linked:
            if c.seq % self._every == 0:
                self._checkpoint(session, c.seq)
        new_head = chain.make_head(self._key, linked[-1].seq, linked[-1].hash)
        head.seq, head.hash, head.signature = new_head.seq, new_head.hash, new_head.signature
        session.flush()

    def _checkpoint(self, session: Session, last_seq: int) -> None:
        session.flush()
        previous = session.execute(
            select(AuditCheckpoint).order_by(AuditCheckpoint.last_seq.desc()).limit(1)
        ).scalar_one_or_none()
        first = previous.last_seq + 1 if previous else 1
        prev_sig = previous.signature if previous else chain.GENESIS
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.seq >= first, AuditEvent.seq <= last_seq).order_by(AuditEvent.seq)
        ).scalars()
        run = [_chained(r) for r in rows]
        cp = chain.make_checkpoint(self._key, run, prev_sig)
        session.add(
            AuditCheckpoint(
                first_seq=cp.first_seq,
                last_seq=cp.last_seq,
                merkle_root=cp.merkle_root,
                prev_signature=cp.prev_signature,
                signature=cp.signature,
                at=utcnow(),
            )
        )


def _row(c: chain.ChainedEntry) -> AuditEvent:
    e = c.entry
    return AuditEvent(
        seq=c.seq,
        at=e.at,
        user_id=e.user_id,
        username=e.username,
        role=e.role,
        action=e.action,
        object_type=e.object_type,
        object_id=e.object_id,
        outcome=e.outcome,
        source_ip=e.source_ip,
        request_id=e.request_id,
        detail=e.detail,
        prev_hash=c.prev_hash,
        hash=c.hash,
    )


def _chained(r: AuditEvent) -> chain.ChainedEntry:
    entry = chain.AuditEntry(
        at=r.at,
        action=r.action,
        object_type=r.object_type,
        object_id=r.object_id,
        outcome=r.outcome,
        user_id=r.user_id,
        username=r.username,
        role=r.role,
        source_ip=r.source_ip,
        request_id=r.request_id,
        detail=r.detail,
    )
    return chain.ChainedEntry(r.seq, entry, r.prev_hash, r.hash)


def iter_chain(session: Session, batch: int = 5000) -> Iterator[chain.ChainedEntry]:
    """Stored entries in stored (sequence) order, fetched in batches so a long log stays in bounded memory."""
    last = None
    while True:
        stmt = select(AuditEvent).order_by(AuditEvent.seq).limit(batch)
        if last is not None:
            stmt = stmt.where(AuditEvent.seq > last)
        rows = list(session.execute(stmt).scalars())
        if not rows:
            return
        for r in rows:
            yield _chained(r)
        last = rows[-1].seq
        session.expunge_all()


def verify_store(session: Session, key: bytes) -> chain.Verdict:
    checkpoints = [
        chain.Checkpoint(c.first_seq, c.last_seq, c.merkle_root, c.prev_signature, c.signature)
        for c in session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.first_seq)).scalars()
    ]
    head_row = session.get(AuditHead, 1)
    head = chain.Head(head_row.seq, head_row.hash, head_row.signature) if head_row else None
    return chain.verify(key, iter_chain(session), checkpoints, head)


def chain_head(session: Session) -> tuple[int, str]:
    row = session.get(AuditHead, 1)
    return (row.seq, row.hash) if row else (0, chain.GENESIS)
