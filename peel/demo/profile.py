"""Hour-of-week demand profile derived from real crime records with exact times (St. Louis SLMPD).

The demo force's contact times are drawn from this profile so that its history has the weekly rhythm of real
demand. Derivation: rows with Count = 1 and a parseable ``DateOccur``; times at exactly 00:00, 00:01 and 12:00 are
dropped, being the recording defaults for an unknown time rather than real times; shares sum to 1, Monday 00:00
first. ``python -m peel.demo.profile FILE...`` recomputes it (the committed JSON came from 2015-01..2018-12).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Iterable
from datetime import datetime
from importlib import resources
from pathlib import Path

UNKNOWN_TIME_DEFAULTS = {(0, 0), (0, 1), (12, 0)}


def _rows(path: Path) -> Iterable[dict[str, str]]:
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace") as text:
        for row in csv.DictReader(text):
            yield {k.replace(" ", "").replace("-", "").lower(): (v or "") for k, v in row.items() if k}


def hour_of_week_counts(paths: Iterable[Path]) -> list[int]:
    counts = [0] * 168
    for path in paths:
        for row in _rows(path):
            if row.get("count", "").strip() != "1":
                continue
            try:
                when = datetime.strptime(row.get("dateoccur", "").strip(), "%m/%d/%Y %H:%M")
            except ValueError:
                continue
            if (when.hour, when.minute) in UNKNOWN_TIME_DEFAULTS:
                continue
            counts[when.weekday() * 24 + when.hour] += 1
    return counts


def shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    if total == 0:
        raise ValueError("no usable rows")
    return [c / total for c in counts]


def load_profile() -> list[float]:
    data = json.loads(resources.files("peel.demo").joinpath("hour_of_week.json").read_text())
    values: list[float] = data["shares"]
    return values


if __name__ == "__main__":
    files = [Path(p) for p in sys.argv[1:]]
    counts = hour_of_week_counts(files)
    json.dump(
        {
            "source": "St. Louis Metropolitan Police Department crime files (ODC-By), via slu-soc5650/crime-data-sp22",
            "files": len(files),
            "rows_used": sum(counts),
            "order": "Monday 00:00-00:59 first, 168 hours",
            "shares": [round(s, 6) for s in shares(counts)],
        },
        sys.stdout,
        indent=1,
    )
