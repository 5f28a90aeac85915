"""The SQL audit store: appends entries inside the caller's transaction, so the audit record and the action
it describes commit together or not at all.

Every checkpoint and the new signed head are also handed to the witness, *after* the transaction commits: a
witness written first would vouch for entries a failed or crashed commit never stored, and verification would
then report a truncation that did not happen. The price is a window: a crash between the commit and the witness
write leaves that commit's entries unwitnessed (verification says so, as a note). A witness that cannot be
written is logged, not raised: the action and its audit entries are already durable in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from peel.audit import chain
from peel.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from peel.audit.witness import AuditWitness, WitnessReport, check_against_witness
from peel.core.clock import Clock, utcnow
from peel.core.errors import AuditUnavailable

log = logging.getLogger(__name__)
_PENDING = "peel.audit.witness"  # session.info key: what to witness once this session's transaction commits


class AuditStore(Protocol):
    def append(self, session: Session, entries: Sequence[chain.AuditEntry]) -> None: ...


class SqlAuditStore:
    def __init__(
        self, key: bytes, checkpoint_every: int = 256, witness: AuditWitness | None = None, clock: Clock = utcnow
    ) -> None:
        self._key = key
        self._clock = clock
        self._every = checkpoint_every
        self.witness = witness

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
        made = [self._checkpoint(session, c.seq) for c in linked if c.seq % self._every == 0]
        new_head = chain.make_head(self._key, linked[-1].seq, linked[-1].hash)
        head.seq, head.hash, head.signature = new_head.seq, new_head.hash, new_head.signature
        session.flush()
        if self.witness is not None:
            self._witness_after_commit(session, made, new_head)

    def _witness_after_commit(self, session: Session, made: list[chain.Checkpoint], head: chain.Head) -> None:
        if _PENDING not in session.info:
            # Listeners live as long as this session (one per unit of work); registered once.
            event.listen(session, "after_commit", self._flush_witness)
            event.listen(session, "after_rollback", _forget_witness)
        pending = session.info.setdefault(_PENDING, _Pending())
        pending.checkpoints.extend(made)
        pending.head = head

    def _flush_witness(self, session: Session) -> None:
        pending = session.info.get(_PENDING)
        if pending is None or self.witness is None or (not pending.checkpoints and pending.head is None):
            return
        checkpoints, head = list(pending.checkpoints), pending.head
        pending.checkpoints.clear()
        pending.head = None
        try:
            self.witness.witness(checkpoints, head)
        except OSError:
            log.exception("audit witness could not be written; `peel audit verify` will report the gap")

    def _checkpoint(self, session: Session, last_seq: int) -> chain.Checkpoint:
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
                at=self._clock(),
            )
        )
        return cp


class _Pending:
    """Checkpoints and the head made in this session's open transaction, to witness once it commits."""

    def __init__(self) -> None:
        self.checkpoints: list[chain.Checkpoint] = []
        self.head: chain.Head | None = None


def _forget_witness(session: Session) -> None:
    # Rolled back: nothing was stored, so nothing may be witnessed.
    pending = session.info.get(_PENDING)
    if pending is not None:
        pending.checkpoints.clear()
        pending.head = None


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
        purpose=e.purpose,
        client_request_id=e.client_request_id,
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
        purpose=r.purpose,
        client_request_id=r.client_request_id,
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


@dataclass
class Verification:
    """The chain's own verdict with the witness's findings merged in, and what the witness holds."""

    verdict: chain.Verdict
    witness: WitnessReport | None = None
    witness_where: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict.ok

    @property
    def problems(self) -> list[str]:
        return self.verdict.problems

    @property
    def notes(self) -> list[str]:
        return self.verdict.notes


def verify_store(
    session: Session,
    key: bytes,
    witness: AuditWitness | None = None,
    on_entry: Callable[[], None] | None = None,
) -> Verification:
    """Verify the stored chain, and (given a witness) the database against what the witness saw."""
    checkpoints = [
        chain.Checkpoint(c.first_seq, c.last_seq, c.merkle_root, c.prev_signature, c.signature)
        for c in session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.first_seq)).scalars()
    ]
    head_row = session.get(AuditHead, 1)
    head = chain.Head(head_row.seq, head_row.hash, head_row.signature) if head_row else None
    witnessed = witness.read() if witness is not None else None
    seen = _Seen({witnessed.head.seq} if witnessed and witnessed.head else set())
    verdict = chain.verify(key, seen.watch(iter_chain(session), on_entry), checkpoints, head)
    if witnessed is None:
        return Verification(verdict)
    report = check_against_witness(key, checkpoints, seen.last_seq, seen.hashes, witnessed)
    verdict.problems += report.problems
    verdict.notes += report.notes
    return Verification(verdict, report, witnessed.where)


class _Seen:
    """Watches entries go by: the last sequence number, and the hashes at the sequence numbers asked for."""

    def __init__(self, wanted: set[int]) -> None:
        self.wanted = wanted
        self.hashes: dict[int, str] = {}
        self.last_seq = 0

    def watch(
        self, entries: Iterator[chain.ChainedEntry], on_entry: Callable[[], None] | None
    ) -> Iterator[chain.ChainedEntry]:
        for c in entries:
            self.last_seq = max(self.last_seq, c.seq)
            if c.seq in self.wanted:
                self.hashes[c.seq] = c.hash
            if on_entry is not None:
                on_entry()
            yield c


def chain_head(session: Session) -> tuple[int, str]:
    row = session.get(AuditHead, 1)
    return (row.seq, row.hash) if row else (0, chain.GENESIS)
