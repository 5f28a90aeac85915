"""The witness file keeps every checkpoint it was shown, only moves its head forward, and reports damage."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from peel.audit import chain
from peel.audit.file_witness import FileWitness

KEY = b"witness-test-key"


def checkpoints(n: int) -> list[chain.Checkpoint]:
    out, prev = [], chain.GENESIS
    for i in range(n):
        cp = chain.make_checkpoint(KEY, _run(i), prev)
        out.append(cp)
        prev = cp.signature
    return out


def _run(i: int) -> list[chain.ChainedEntry]:
    return [chain.ChainedEntry(i * 2 + k, _entry(), "0" * 64, f"{i * 2 + k:064x}") for k in (1, 2)]


def _entry() -> chain.AuditEntry:
    return chain.AuditEntry(datetime(2026, 11, 23, tzinfo=UTC), "incident.read", "incident", "INC-1", "allowed")


def test_it_keeps_every_checkpoint_and_the_newest_head(tmp_path: Path) -> None:
    witness = FileWitness(tmp_path / "deep" / "witness.jsonl")
    cps = checkpoints(3)
    witness.witness(cps[:2], chain.make_head(KEY, 4, "a" * 64))
    witness.witness(cps[2:], chain.make_head(KEY, 7, "b" * 64))
    held = witness.read()
    assert list(held.checkpoints) == cps
    assert held.head == chain.make_head(KEY, 7, "b" * 64)
    assert len((tmp_path / "deep" / "witness.jsonl").read_text().splitlines()) == 3


def test_its_head_never_moves_backwards(tmp_path: Path) -> None:
    witness = FileWitness(tmp_path / "witness.jsonl")
    witness.witness([], chain.make_head(KEY, 20, "c" * 64))
    witness.witness([], chain.make_head(KEY, 15, "d" * 64))  # a slower process commits earlier, writes later
    assert witness.read().head == chain.make_head(KEY, 20, "c" * 64)


def test_it_reports_a_damaged_line_and_keeps_reading(tmp_path: Path) -> None:
    path = tmp_path / "witness.jsonl"
    witness = FileWitness(path)
    cps = checkpoints(2)
    witness.witness(cps[:1], None)
    with path.open("a") as f:
        f.write("{not json\n")
    witness.witness(cps[1:], None)
    held = witness.read()
    assert list(held.checkpoints) == cps
    assert held.unreadable == [f"{path} line 2"]


def test_a_missing_witness_holds_nothing(tmp_path: Path) -> None:
    held = FileWitness(tmp_path / "absent.jsonl").read()
    assert list(held.checkpoints) == [] and held.head is None and not held.unreadable


def test_a_witness_file_that_cannot_be_read_is_reported_not_a_crash(tmp_path: Path) -> None:
    witness = FileWitness(tmp_path / "w.jsonl")
    witness.head_path.mkdir()  # an intruder swapped the head record for a folder
    seen = witness.read()
    assert seen.head is None and any(str(witness.head_path) in u for u in seen.unreadable)
