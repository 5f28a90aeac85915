"""Lists and searches name every record they return, compressed into ranges and split into entries that fit."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from peel.audit.refs import MAX_DETAIL, compress, expand, pieces


def test_consecutive_refs_become_one_range() -> None:
    refs = [f"INC-20261122-{i:04d}" for i in range(1, 121)] + ["PER-000007"]
    assert compress(refs) == "INC-20261122-0001..0120,PER-000007"


def test_refs_without_a_number_are_kept_as_they_are() -> None:
    assert expand(compress(["ABC", "x-1", "x-3", "x-2"])) == ["ABC", "x-1", "x-2", "x-3"]


@given(st.lists(st.from_regex(r"[A-Z]{2,4}-[0-9]{1,6}|[0-9]{1,5}", fullmatch=True), max_size=300))
def test_compressing_and_expanding_gives_back_the_same_set(refs: list[str]) -> None:
    assert sorted(set(expand(compress(refs)))) == sorted(set(refs))


def test_a_thousand_scattered_refs_split_into_pieces_that_each_fit_and_lose_nothing() -> None:
    rnd = random.Random(5)
    refs = sorted({f"INC-20261122-{rnd.randrange(100000):05d}" for _ in range(1000)})
    parts = pieces("q=smith", refs)
    assert len(parts) > 1
    assert all(len(p) <= MAX_DETAIL for p in parts)
    assert all(p.startswith("q=smith; n=") for p in parts)
    found = [r for p in parts for r in expand(p.split("refs=", 1)[1])]
    assert sorted(found) == refs


def test_an_empty_list_is_still_one_entry() -> None:
    assert pieces("", []) == ["n=0; refs="]
