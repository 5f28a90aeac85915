"""Every random edit, deletion, insertion, reordering or truncation of the audit chain is detected."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

from peel.audit import chain

KEY = b"unit-test-key"
EVERY = 16


def build(n: int, seed: int = 1) -> tuple[list[chain.ChainedEntry], list[chain.Checkpoint], chain.Head]:
    rnd = random.Random(seed)
    start = datetime(2026, 11, 22, tzinfo=UTC)
    entries = [
        chain.AuditEntry(
            at=start + timedelta(seconds=i),
            action=rnd.choice(["incident.read", "person.read", "incident.create"]),
            object_type="incident",
            object_id=f"INC-20261122-{i:04d}",
            outcome=rnd.choice(["allowed", "denied"]),
            user_id=rnd.randint(1, 9),
            username=f"user{rnd.randint(1, 9)}",
            role="officer",
            source_ip="127.0.0.1",
            request_id=f"req-{i}",
        )
        for i in range(n)
    ]
    linked = chain.chain(entries)
    checkpoints, prev = [], chain.GENESIS
    for end in range(EVERY, n + 1, EVERY):
        cp = chain.make_checkpoint(KEY, linked[end - EVERY : end], prev)
        checkpoints.append(cp)
        prev = cp.signature
    head = chain.make_head(KEY, linked[-1].seq, linked[-1].hash)
    return linked, checkpoints, head


def tamper(rnd: random.Random, entries: list[chain.ChainedEntry]) -> tuple[str, list[chain.ChainedEntry]]:
    out = list(entries)
    kind = rnd.choice(["edit", "delete", "insert", "reorder", "truncate", "edit_and_rehash"])
    i = rnd.randrange(len(out))
    if kind == "edit":
        field = rnd.choice(["action", "object_id", "outcome", "username", "detail", "at"])
        e = out[i].entry
        value = e.at + timedelta(seconds=1) if field == "at" else getattr(e, field) + "x"
        out[i] = dataclasses.replace(out[i], entry=dataclasses.replace(e, **{field: value}))
    elif kind == "delete":
        del out[i]
    elif kind == "insert":
        forged = chain.AuditEntry(
            at=out[i].entry.at,
            action="person.read",
            object_type="person",
            object_id="PER-X",
            outcome="allowed",
        )
        prev = out[i - 1].hash if i else chain.GENESIS
        out.insert(i, chain.ChainedEntry(out[i].seq, forged, prev, chain.entry_hash(prev, out[i].seq, forged)))
    elif kind == "reorder":
        j = rnd.choice([k for k in range(len(out)) if k != i])
        out[i], out[j] = out[j], out[i]
    elif kind == "truncate":
        out = out[: rnd.randrange(len(out))]
    else:  # an insider edits an entry and recomputes every later hash without the signing key
        e = out[i].entry
        out[i] = dataclasses.replace(
            out[i], entry=dataclasses.replace(e, outcome="allowed" if e.outcome == "denied" else "denied")
        )
        rehashed = chain.chain(
            [c.entry for c in out[i:]], out[i - 1].seq if i else 0, out[i - 1].hash if i else chain.GENESIS
        )
        out[i:] = rehashed
    return kind, out


def test_an_untouched_chain_verifies() -> None:
    entries, checkpoints, head = build(200)
    verdict = chain.verify(KEY, entries, checkpoints, head)
    assert verdict.ok, verdict.problems
    assert verdict.entries_checked == 200
    assert verdict.checkpoints_checked == 200 // EVERY


def test_one_thousand_random_tamper_trials_are_all_caught() -> None:
    entries, checkpoints, head = build(120)
    rnd = random.Random(20261122)
    kinds: dict[str, int] = {}
    for _ in range(1000):
        kind, tampered = tamper(rnd, entries)
        verdict = chain.verify(KEY, tampered, checkpoints, head)
        assert not verdict.ok, f"{kind} went unnoticed"
        kinds[kind] = kinds.get(kind, 0) + 1
    assert set(kinds) == {"edit", "delete", "insert", "reorder", "truncate", "edit_and_rehash"}


def test_a_forged_head_without_the_key_is_rejected() -> None:
    entries, checkpoints, _ = build(40)
    short = entries[:30]
    forged = chain.make_head(b"wrong key", short[-1].seq, short[-1].hash)
    verdict = chain.verify(KEY, short, [c for c in checkpoints if c.last_seq <= 30], forged)
    assert any("signature" in p for p in verdict.problems)


def test_the_merkle_root_depends_on_every_leaf_and_its_position() -> None:
    leaves = [f"{i:064x}" for i in range(7)]
    root = chain.merkle_root(leaves)
    assert chain.merkle_root(leaves[:-1]) != root
    assert chain.merkle_root([leaves[1], leaves[0], *leaves[2:]]) != root
    assert chain.merkle_root(leaves) == root
