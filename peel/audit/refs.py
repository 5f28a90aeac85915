"""Pure rules for naming every record a list or search returned, compactly, in audit entries.

Records shown in a list are named by reference. Refs that share a prefix and differ only in a trailing number of
the same width are folded into ranges (``INC-20261122-0001..0120``), so a page of consecutive records costs a few
characters. What still does not fit one entry's detail is split over several entries (``part 2/3``): nothing is
cut off. ``expand`` reverses ``compress`` exactly (as a sorted set), so an auditor can ask "which lists showed
PER-000123".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_DETAIL = 2000
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def _key(ref: str) -> tuple[str, int, int, str]:
    m = _NUMBERED.match(ref)
    if m is None:
        return (ref, -1, 0, ref)
    return (m.group(1), len(m.group(2)), int(m.group(2)), ref)


def _tokens(refs: Iterable[str]) -> list[str]:
    """Sorted, de-duplicated refs as tokens: single refs and ``first..last-digits`` ranges."""
    out: list[str] = []
    run: list[tuple[str, int, int, str]] = []

    def close() -> None:
        if len(run) == 1:
            out.append(run[0][3])
        elif run:
            out.append(f"{run[0][3]}..{run[-1][3][len(run[-1][0]) :]}")
        run.clear()

    for key in sorted({_key(r) for r in refs if r}):
        prefix, width, number, _ = key
        if run and width >= 0 and (prefix, width) == run[-1][:2] and number == run[-1][2] + 1:
            run.append(key)
            continue
        close()
        if width < 0:
            out.append(key[3])
        else:
            run.append(key)
    close()
    return out


def compress(refs: Iterable[str]) -> str:
    return ",".join(_tokens(refs))


def expand(text: str) -> list[str]:
    out: list[str] = []
    for token in filter(None, text.split(",")):
        first, sep, last_digits = token.partition("..")
        m = _NUMBERED.match(first)
        if not sep or m is None:
            out.append(token)
            continue
        prefix, width = m.group(1), len(m.group(2))
        out.extend(f"{prefix}{n:0{width}d}" for n in range(int(m.group(2)), int(last_digits) + 1))
    return out


def pieces(detail: str, refs: Iterable[str], limit: int = MAX_DETAIL) -> list[str]:
    """Audit details naming every ref, each at most ``limit`` characters (a ref is never split)."""
    tokens = _tokens(refs)
    count = len(expand(",".join(tokens)))
    lead = f"{detail}; n={count}" if detail else f"n={count}"
    room = limit - len(lead) - len("; part 999/999; refs=")
    groups: list[list[str]] = [[]]
    size = 0
    for token in tokens:
        if groups[-1] and size + len(token) + 1 > room:
            groups.append([])
            size = 0
        groups[-1].append(token)
        size += len(token) + 1
    if len(groups) == 1:
        return [f"{lead}; refs={','.join(groups[0])}"]
    return [f"{lead}; part {i}/{len(groups)}; refs={','.join(g)}" for i, g in enumerate(groups, 1)]


def prefix_of(ref: str) -> str:
    """What every token naming ``ref`` starts with: the ref less its trailing number (``PER-20261201-``)."""
    m = _NUMBERED.match(ref)
    return m.group(1) if m else ref


def names(detail: str, ref: str) -> bool:
    """Does a list entry's detail (``…; refs=A,B..C``) name ``ref``?"""
    _, sep, listed = detail.rpartition("refs=")
    return bool(sep) and ref in expand(listed)
