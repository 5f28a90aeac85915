"""Importers: adapters from crime data files to :class:`~peel.analytics.events.EventSet`.

The ``parse_*`` functions take text and do no I/O; :func:`load` reads files (plain or gzipped) and merges the
result, de-duplicating by source id so that loading the same file twice gives the same events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from peel.analytics.events import ImportResult, merge
from peel.analytics.importers.common import read_text
from peel.analytics.importers.generic import ColumnMapping, parse_csv
from peel.analytics.importers.police_uk import parse_police_uk
from peel.analytics.importers.stl import parse_stl
from peel.analytics.importers.toronto import parse_toronto

Source = Literal["police-uk", "stl", "toronto", "csv"]
SOURCES: tuple[Source, ...] = ("police-uk", "stl", "toronto", "csv")

__all__ = [
    "SOURCES",
    "ColumnMapping",
    "Source",
    "load",
    "parse_csv",
    "parse_police_uk",
    "parse_stl",
    "parse_toronto",
]


def load(paths: Sequence[Path], source: Source, mapping: ColumnMapping | None = None) -> ImportResult:
    """Read every file and return one merged, de-duplicated, time-sorted import result."""
    texts: list[tuple[str, str]] = []
    seen: set[str] = set()
    for p in paths:
        text = read_text(p)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest not in seen:  # the same file given twice is read once
            seen.add(digest)
            texts.append((p.name, text))
    if source == "stl":
        return parse_stl(texts)  # withdrawals cross files, so St. Louis months are parsed together
    results: list[ImportResult] = []
    for name, text in texts:
        if source == "police-uk":
            results.append(parse_police_uk(name, text))
        elif source == "toronto":
            results.append(parse_toronto(name, text))
        elif source == "csv":
            if mapping is None:
                raise ValueError("a generic CSV import needs a column mapping")
            results.append(parse_csv(name, text, mapping))
        else:
            raise ValueError(f"unknown source {source!r}")
    rejected = [r for res in results for r in res.rejected]
    withdrawn = [w for res in results for w in res.withdrawn]
    return ImportResult(merge(*(res.events for res in results)), rejected, withdrawn)
