"""Forecast periods: consecutive [start, end) intervals of days, weeks or calendar months, in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_SPEC = re.compile(r"^\s*(\d+)\s*(d|w|m)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    start: int  # epoch seconds, inclusive
    end: int  # epoch seconds, exclusive

    @property
    def start_date(self) -> date:
        return datetime.fromtimestamp(self.start, UTC).date()

    @property
    def end_date(self) -> date:
        return datetime.fromtimestamp(self.end, UTC).date()


def epoch(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, min(d.day, 28) if d.day > 28 else d.day)


def make_periods(start: date, end: date, spec: str) -> list[Period]:
    """Whole periods of ``spec`` ("1d", "7d", "2w", "1m") from ``start`` that end on or before ``end``."""
    m = _SPEC.match(spec)
    if not m or int(m.group(1)) == 0:
        raise ValueError(f"period must look like 1d, 7d, 2w or 1m, not {spec!r}")
    n, unit = int(m.group(1)), m.group(2).lower()
    out: list[Period] = []
    cur = start
    while True:
        nxt = _add_months(cur, n) if unit == "m" else cur + timedelta(days=n * (7 if unit == "w" else 1))
        if nxt > end:
            return out
        out.append(Period(epoch(cur), epoch(nxt)))
        cur = nxt
