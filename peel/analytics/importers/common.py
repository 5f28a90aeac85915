"""Shared pieces of the CSV importers: opening (gzip, byte-order marks), header normalisation, stable row ids."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from pyproj import Transformer

Row = dict[str, str]


def normalise_header(name: str) -> str:
    """``"X-Coord"``, ``"XCoord"`` and ``"\\ufeffx coord"`` all become ``"xcoord"``."""
    return re.sub(r"[^0-9a-z]", "", name.replace("\ufeff", "").lower())


def read_text(path: Path) -> str:
    """The file's text; gzip is detected by magic number, a UTF-8 byte-order mark is dropped."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig", errors="replace")


def rows(text: str | Iterable[str]) -> Iterator[tuple[int, Row]]:
    """Yield (line number, row with normalised keys). Line 1 is the header; data starts at line 2."""
    stream = io.StringIO(text) if isinstance(text, str) else text
    reader = csv.reader(stream)
    header: list[str] | None = None
    for record in _records(reader):
        if header is None:
            header = [normalise_header(h) for h in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        yield reader.line_num, {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}


def _records(reader: Any) -> Iterator[list[str]]:
    """The reader's records; a record the CSV module refuses (a field over its limit, a stray quote) is bad
    input, reported as a ``ValueError`` that names the line, rather than an error the web layer cannot place."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num
            if "field larger than field limit" in str(exc):
                limit = csv.field_size_limit()
                raise ValueError(f"line {line}: a field is too long (more than {limit:,} characters)") from exc
            raise ValueError(f"line {line}: {exc}") from exc
        yield record


def header_of(text: str) -> list[str]:
    first = text.split("\n", 1)[0]
    return [normalise_header(h) for h in next(_records(csv.reader([first])), [])]


class OrdinalIds:
    """Stable ids for sources without one: a hash of the row's content plus its ordinal among identical rows,
    so that importing the same file twice yields the same ids and true duplicates in one file stay distinct."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: dict[str, int] = {}

    def __call__(self, content: str) -> str:
        digest = hashlib.sha1(content.encode("utf-8")).hexdigest()[:16]
        k = self.seen.get(digest, 0)
        self.seen[digest] = k + 1
        return f"{self.prefix}:{digest}:{k}"


def local_to_epoch(year: int, month: int, day: int, hour: int, minute: int, tz: ZoneInfo) -> int:
    """Local wall-clock time → UTC epoch seconds (ambiguous autumn hour: the first, as fold=0)."""
    return int(datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC).timestamp())


_TRANSFORMERS: dict[str, Transformer] = {}


def to_lonlat(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Projected coordinates in ``crs`` → WGS84 lon/lat."""
    if crs not in _TRANSFORMERS:
        _TRANSFORMERS[crs] = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = _TRANSFORMERS[crs].transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def parse_float(value: str) -> float | None:
    try:
        f = float(value.strip())
    except ValueError:
        return None
    return f if np.isfinite(f) else None
