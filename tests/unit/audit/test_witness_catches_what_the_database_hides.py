"""An intruder who holds the database file and the signing key can rebuild a chain that verifies on its own;
the witness (checkpoints and the signed head kept outside the database) still catches every such rebuild."""

from __future__ import annotations

import dataclasses
import random

from peel.audit import chain
from peel.audit.witness import Witnessed, check_against_witness
from tests.unit.audit.test_tampering_is_always_detected import EVERY, KEY, build


@dataclasses.dataclass
class Db:
    """What the database holds: entries, checkpoints and head, all consistent with the key."""

    entries: list[chain.ChainedEntry]
    checkpoints: list[chain.Checkpoint]
    head: chain.Head | None


def resign(entries: list[chain.ChainedEntry]) -> Db:
    """Recompute every hash, checkpoint and the head with the key, as an intruder holding it would."""
    linked = chain.chain([c.entry for c in entries])
    checkpoints, prev = [], chain.GENESIS
    for end in range(EVERY, len(linked) + 1, EVERY):
        cp = chain.make_checkpoint(KEY, linked[end - EVERY : end], prev)
        checkpoints.append(cp)
        prev = cp.signature
    head = chain.make_head(KEY, linked[-1].seq, linked[-1].hash) if linked else None
    return Db(linked, checkpoints, head)


def rebuild(rnd: random.Random, entries: list[chain.ChainedEntry]) -> tuple[str, Db]:
    kind = rnd.choice(["wipe", "truncate", "rewrite", "delete_last_checkpoint", "delete_entry"])
    i = rnd.randrange(len(entries))
    if kind == "wipe":
        return kind, Db([], [], None)
    if kind == "truncate":
        return kind, resign(entries[: rnd.randrange(len(entries))])
    if kind == "rewrite":
        out = list(entries)
        e = out[i].entry
        out[i] = dataclasses.replace(out[i], entry=dataclasses.replace(e, username=e.username + "-forged"))
        return kind, resign(out)
    if kind == "delete_entry":
        return kind, resign(entries[:i] + entries[i + 1 :])
    db = resign(entries)
    return kind, Db(db.entries, db.checkpoints[:-1], db.head)


def check(db: Db, witnessed: Witnessed) -> list[str]:
    own = chain.verify(KEY, db.entries, db.checkpoints, db.head)
    report = check_against_witness(
        KEY, db.checkpoints, db.entries[-1].seq if db.entries else 0, {c.seq: c.hash for c in db.entries}, witnessed
    )
    return own.problems + report.problems


def test_a_rebuilt_chain_fools_the_database_check_alone() -> None:
    entries, _, _ = build(120)
    db = resign(entries[:50])
    assert chain.verify(KEY, db.entries, db.checkpoints, db.head).ok


def test_one_thousand_rebuilds_with_the_key_are_all_caught_by_the_witness() -> None:
    entries, checkpoints, head = build(120)
    witnessed = Witnessed(checkpoints=checkpoints, head=head)
    assert check(Db(entries, checkpoints, head), witnessed) == []
    rnd = random.Random(20261123)
    kinds: dict[str, int] = {}
    for _ in range(1000):
        kind, db = rebuild(rnd, entries)
        assert check(db, witnessed), f"{kind} went unnoticed"
        kinds[kind] = kinds.get(kind, 0) + 1
    assert set(kinds) == {"wipe", "truncate", "rewrite", "delete_last_checkpoint", "delete_entry"}


def test_a_witness_written_without_the_key_is_refused() -> None:
    entries, checkpoints, head = build(40)
    forged = chain.make_head(b"not the key", head.seq + 5, "f" * 64)
    report = check_against_witness(
        KEY, checkpoints, 40, {c.seq: c.hash for c in entries}, Witnessed(checkpoints, forged)
    )
    assert any("witnessed head" in p and "signature" in p for p in report.problems)


def test_entries_after_the_last_witnessed_head_are_reported_but_do_not_fail() -> None:
    entries, checkpoints, _ = build(40)
    early = chain.make_head(KEY, 35, entries[34].hash)
    report = check_against_witness(
        KEY, checkpoints, 40, {c.seq: c.hash for c in entries}, Witnessed(checkpoints, early)
    )
    assert report.problems == []
    assert any("5 entries after entry 35" in n for n in report.notes)


def test_an_empty_witness_vouches_for_nothing_and_says_so() -> None:
    entries, checkpoints, _ = build(40)
    report = check_against_witness(KEY, checkpoints, 40, {c.seq: c.hash for c in entries}, Witnessed([], None))
    assert report.problems == []
    assert any("nothing" in n for n in report.notes)
