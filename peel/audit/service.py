"""Audit use cases: verify the chain and read recent entries. Each is itself audited.

Verification reads the chain in a transaction of its own (it must see every committed entry, and the caller's own
entry would otherwise be part of what it checks); reading entries goes through the caller's unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from peel.audit import refs
from peel.audit.models import AuditEvent
from peel.audit.store import Verification, chain_head, verify_store
from peel.audit.witness import AuditWitness
from peel.db.uow import UnitOfWork


@dataclass(frozen=True)
class Verified:
    result: Verification
    head_seq: int
    head_hash: str


@dataclass(frozen=True)
class EntryFilter:
    object_type: str | None = None
    object_id: str | None = None
    username: str | None = None
    limit: int = 100


def verify(
    uow: UnitOfWork, sessions: sessionmaker[Session], key: bytes, witness: AuditWitness | None = None
) -> Verified:
    """Check the whole chain and the database against the witness, then record (in the caller's unit of work) that
    it was checked and the result."""
    with sessions() as session, session.begin():
        result = verify_store(session, key, witness)
        seq, digest = chain_head(session)
    verdict = result.verdict
    outcome = "ok" if verdict.ok else f"{len(verdict.problems)} problems"
    uow.audit("audit.verify", "audit", "chain", detail=outcome)
    return Verified(result, seq, digest)


def recent_entries(uow: UnitOfWork, where: EntryFilter) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if where.object_type:
        stmt = stmt.where(AuditEvent.object_type == where.object_type)
    if where.username:
        stmt = stmt.where(AuditEvent.username == where.username.lower())
    if not where.object_id:
        rows = list(uow.session.execute(stmt.limit(where.limit)).scalars())
    else:
        rows = _naming(uow, stmt, where.object_id, where.limit)
    asked = f"type={where.object_type} id={where.object_id} user={where.username}"
    uow.audit_list("audit.read", "audit", [r.seq for r in rows], detail=asked)
    return rows


def _naming(uow: UnitOfWork, stmt: Select[Any], ref: str, limit: int) -> list[AuditEvent]:
    """Entries about one record: those naming it as their object, and list or search reads that returned it
    (their refs are folded into ranges, so candidates are found by prefix and then expanded)."""
    about = AuditEvent.object_id == ref
    in_a_list = and_(AuditEvent.object_id == "*", AuditEvent.detail.contains(refs.prefix_of(ref), autoescape=True))
    out: list[AuditEvent] = []
    for row in uow.session.execute(stmt.where(or_(about, in_a_list))).scalars():
        if row.object_id == ref or refs.names(row.detail, ref):
            out.append(row)
            if len(out) >= limit:
                break
    return out
