"""Pure rules of the audit chain: canonical form, entry hashes, Merkle roots, signatures and verification.

Each entry's hash covers its own fields and the previous entry's hash, so editing, deleting, inserting or
reordering an entry breaks every link after it. Anyone can recompute the chain; to stop a writer with database
access from recomputing it after an edit, every checkpoint (a Merkle root over a run of entries) and the chain
head are signed with an HMAC key the database does not hold. The signed head also catches truncation.

What this module cannot catch on its own: an intruder who holds the key (or the development key) can rebuild a
consistent shorter or edited chain, and one who wipes entries, checkpoints and head leaves an empty chain that
verifies. Both are caught by comparing with a witness outside the database (``peel.audit.witness``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """What happened, before it is given a place in the chain."""

    at: datetime
    action: str
    object_type: str
    object_id: str
    outcome: str  # "allowed", "denied", "failed"
    user_id: int | None = None
    username: str = ""
    role: str = ""
    source_ip: str = ""
    request_id: str = ""
    detail: str = ""
    purpose: str = ""  # why the user said they looked, where they gave a reason
    client_request_id: str = ""  # what the client called its request (untrusted; request_id is the server's)


@dataclass(frozen=True)
class ChainedEntry:
    seq: int
    entry: AuditEntry
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Checkpoint:
    first_seq: int
    last_seq: int
    merkle_root: str
    prev_signature: str
    signature: str


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    signature: str


@dataclass
class Verdict:
    entries_checked: int = 0
    checkpoints_checked: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, but not a sign of tampering

    @property
    def ok(self) -> bool:
        return not self.problems


def canonical(seq: int, e: AuditEntry) -> bytes:
    record = [
        seq,
        e.at.isoformat(timespec="microseconds"),
        e.user_id,
        e.username,
        e.role,
        e.action,
        e.object_type,
        e.object_id,
        e.outcome,
        e.source_ip,
        e.request_id,
        e.detail,
    ]
    if e.purpose or e.client_request_id:
        # Entries written before these fields existed keep their original form, so their hashes still verify.
        record += [e.purpose, e.client_request_id]
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, seq: int, entry: AuditEntry) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(seq, entry)).hexdigest()


def chain(entries: Iterable[AuditEntry], after_seq: int = 0, after_hash: str = GENESIS) -> list[ChainedEntry]:
    out: list[ChainedEntry] = []
    seq, prev = after_seq, after_hash
    for entry in entries:
        seq += 1
        digest = entry_hash(prev, seq, entry)
        out.append(ChainedEntry(seq, entry, prev, digest))
        prev = digest
    return out


def merkle_root(leaf_hashes: Sequence[str]) -> str:
    """Root of a binary Merkle tree over hex leaf hashes (an odd node is paired with itself)."""
    if not leaf_hashes:
        return GENESIS
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in leaf_hashes]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0].hex()


def sign(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def checkpoint_message(first_seq: int, last_seq: int, root: str, prev_signature: str) -> str:
    return f"checkpoint:{first_seq}:{last_seq}:{root}:{prev_signature}"


def head_message(seq: int, digest: str) -> str:
    return f"head:{seq}:{digest}"


def make_checkpoint(key: bytes, run: Sequence[ChainedEntry], prev_signature: str) -> Checkpoint:
    root = merkle_root([c.hash for c in run])
    first, last = run[0].seq, run[-1].seq
    return Checkpoint(
        first, last, root, prev_signature, sign(key, checkpoint_message(first, last, root, prev_signature))
    )


def make_head(key: bytes, seq: int, digest: str) -> Head:
    return Head(seq, digest, sign(key, head_message(seq, digest)))


def verify(
    key: bytes,
    entries: Iterable[ChainedEntry],
    checkpoints: Sequence[Checkpoint],
    head: Head | None,
) -> Verdict:
    """Check links, hashes, checkpoints and the signed head. Entries must come in stored order."""
    verdict = Verdict()
    by_last = {c.last_seq: c for c in checkpoints}
    expected_seq, prev_hash = 1, GENESIS
    run: list[str] = []
    for stored in _limit_problems(entries, verdict):
        verdict.entries_checked += 1
        if stored.seq != expected_seq:
            verdict.problems.append(f"entry {stored.seq}: expected sequence number {expected_seq}")
        if stored.prev_hash != prev_hash:
            verdict.problems.append(f"entry {stored.seq}: link to previous entry broken")
        if entry_hash(stored.prev_hash, stored.seq, stored.entry) != stored.hash:
            verdict.problems.append(f"entry {stored.seq}: content does not match its hash")
        run.append(stored.hash)
        if stored.seq in by_last:
            _check_checkpoint(key, by_last[stored.seq], run, verdict)
            run = []
        expected_seq, prev_hash = stored.seq + 1, stored.hash
    last_seq = expected_seq - 1
    _check_checkpoint_chain(key, checkpoints, last_seq, verdict)
    if head is None:
        if last_seq:
            verdict.problems.append("chain head is missing")
    else:
        if not hmac.compare_digest(sign(key, head_message(head.seq, head.hash)), head.signature):
            verdict.problems.append("chain head signature is invalid")
        if head.seq != last_seq or head.hash != prev_hash:
            verdict.problems.append(f"chain head says entry {head.seq} but the log ends at entry {last_seq}")
    return verdict


def _check_checkpoint(key: bytes, cp: Checkpoint, run: list[str], verdict: Verdict) -> None:
    verdict.checkpoints_checked += 1
    if len(run) != cp.last_seq - cp.first_seq + 1 or merkle_root(run) != cp.merkle_root:
        verdict.problems.append(f"checkpoint {cp.first_seq}-{cp.last_seq}: Merkle root does not match")


def _check_checkpoint_chain(key: bytes, checkpoints: Sequence[Checkpoint], last_seq: int, verdict: Verdict) -> None:
    prev_sig, next_first = GENESIS, 1
    for cp in sorted(checkpoints, key=lambda c: c.first_seq):
        message = checkpoint_message(cp.first_seq, cp.last_seq, cp.merkle_root, cp.prev_signature)
        if not hmac.compare_digest(sign(key, message), cp.signature):
            verdict.problems.append(f"checkpoint {cp.first_seq}-{cp.last_seq}: signature is invalid")
        if cp.prev_signature != prev_sig or cp.first_seq != next_first:
            verdict.problems.append(f"checkpoint {cp.first_seq}-{cp.last_seq}: out of sequence")
        if cp.last_seq > last_seq:
            verdict.problems.append(f"checkpoint {cp.first_seq}-{cp.last_seq}: covers entries that are missing")
        prev_sig, next_first = cp.signature, cp.last_seq + 1


def _limit_problems(entries: Iterable[ChainedEntry], verdict: Verdict) -> Iterator[ChainedEntry]:
    # One break cascades into many reports; keep the first few hundred, they say where to look.
    for stored in entries:
        yield stored
        if len(verdict.problems) > 500:
            verdict.problems.append("… further problems not listed")
            return
