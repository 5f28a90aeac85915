"""The audit witness: a port for keeping signed checkpoints and the signed chain head outside the database,
and the pure rules that compare what the database holds with what the witness saw.

Threat model. The chain alone (``peel.audit.chain``) stops an insider without the key. An intruder with the
database file can still drop the triggers and delete every entry, checkpoint and the head (an empty chain
verifies), and one who also holds the key can truncate or rewrite the chain and re-sign it. A witness that the
database cannot reach keeps every checkpoint and the newest head, so:

| Database after the intruder                          | Caught because                                     |
|------------------------------------------------------|----------------------------------------------------|
| wiped (entries, checkpoints, head)                   | witnessed checkpoints missing; head beyond the log |
| last checkpoint (or any) deleted                     | a witnessed checkpoint is missing                  |
| tail truncated, head re-signed with the key          | the witnessed head names an entry no longer there  |
| entries rewritten, checkpoints and head re-signed    | a checkpoint, or the entry at the witnessed head,  |
|                                                      | differs from what the witness saw                  |
| witness lines forged without the key                 | their signatures do not verify                     |

Not caught: entries after the newest witnessed head (the witness is written after the database commits, so a
crash in between leaves a few entries unwitnessed; they are reported as a note), and an intruder who controls
the witness as well as the database and the key. Keep the witness where the database's host cannot rewrite it
(an append-only file on another machine, ``chattr +a``, or the public feed of signed checkpoints).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from peel.audit import chain


@dataclass(frozen=True)
class Witnessed:
    """What a witness holds: signed checkpoints and the newest signed head it was shown."""

    checkpoints: Sequence[chain.Checkpoint] = ()
    head: chain.Head | None = None
    unreadable: Sequence[str] = ()  # lines or records the witness could not parse, with where they were
    where: str = ""


class AuditWitness(Protocol):
    """Somewhere outside the database that keeps what the audit store signed (a file, a remote service, a feed)."""

    def witness(self, checkpoints: Sequence[chain.Checkpoint], head: chain.Head | None) -> None:
        """Keep these checkpoints and (if newer than the one held) this head; called after the commit."""

    def read(self) -> Witnessed: ...


@dataclass
class WitnessReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checkpoints: int = 0
    head_seq: int = 0


def check_against_witness(
    key: bytes,
    checkpoints: Sequence[chain.Checkpoint],
    last_seq: int,
    hash_at: Mapping[int, str],
    witnessed: Witnessed,
) -> WitnessReport:
    """Compare the database's checkpoints, last entry and entry hashes with what the witness saw."""
    report = WitnessReport(checkpoints=len(witnessed.checkpoints), head_seq=witnessed.head.seq if witnessed.head else 0)
    report.problems += [f"witness record unreadable: {where}" for where in witnessed.unreadable]
    ours = {c.last_seq: c for c in checkpoints}
    seen_up_to = 0
    for w in witnessed.checkpoints:
        span = f"checkpoint {w.first_seq}-{w.last_seq}"
        message = chain.checkpoint_message(w.first_seq, w.last_seq, w.merkle_root, w.prev_signature)
        if not hmac.compare_digest(chain.sign(key, message), w.signature):
            report.problems.append(f"witnessed {span}: signature is invalid (not written by this server)")
            continue
        seen_up_to = max(seen_up_to, w.last_seq)
        if w.last_seq not in ours:
            report.problems.append(f"{span} is in the witness but missing from the database")
        elif ours[w.last_seq] != w:
            report.problems.append(f"{span} differs from the witnessed one: entries were rewritten and re-signed")
    seen_up_to = max(seen_up_to, _check_head(key, last_seq, hash_at, witnessed.head, report))
    _note_unwitnessed(checkpoints, last_seq, seen_up_to, {w.last_seq for w in witnessed.checkpoints}, report)
    return report


def _check_head(
    key: bytes, last_seq: int, hash_at: Mapping[int, str], head: chain.Head | None, report: WitnessReport
) -> int:
    if head is None:
        return 0
    if not hmac.compare_digest(chain.sign(key, chain.head_message(head.seq, head.hash)), head.signature):
        report.problems.append(f"witnessed head (entry {head.seq}): signature is invalid (not written by this server)")
        return 0
    if head.seq > last_seq:
        report.problems.append(
            f"the witness saw entry {head.seq} but the log ends at entry {last_seq}: entries were deleted"
        )
    elif hash_at.get(head.seq) != head.hash:
        report.problems.append(f"entry {head.seq} differs from the witnessed head: the chain was rewritten")
    return head.seq


def _note_unwitnessed(
    checkpoints: Sequence[chain.Checkpoint], last_seq: int, seen_up_to: int, witnessed: set[int], report: WitnessReport
) -> None:
    if seen_up_to == 0:
        if last_seq:
            report.notes.append(
                f"the witness holds nothing yet: nothing outside the database vouches for {last_seq} entries"
            )
        return
    missed = [c for c in checkpoints if c.last_seq <= seen_up_to and c.last_seq not in witnessed]
    report.notes += [f"checkpoint {c.first_seq}-{c.last_seq} was never witnessed" for c in missed]
    if last_seq > seen_up_to:
        report.notes.append(
            f"{last_seq - seen_up_to} entries after entry {seen_up_to} are not witnessed yet "
            "(written after the newest witnessed head)"
        )
