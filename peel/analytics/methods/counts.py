"""Count baselines: long-run counts per cell (naive) and counts in a recent window."""

from __future__ import annotations

from dataclasses import dataclass

from peel.analytics.events import FloatArray
from peel.analytics.grid import Points, SquareGrid
from peel.analytics.methods.base import past, tiny_tiebreak


@dataclass(frozen=True)
class NaiveCounts:
    """Past events within ``lookback_days`` (``None``: all history) counted in their cell: "where it always
    happens"."""

    lookback_days: float | None = 730.0
    name: str = "naive"

    def forecast(self, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        return grid.counts(past(history, start, self.lookback_days))


@dataclass(frozen=True)
class RecentCounts:
    """Counts in the last ``window_days``; ties (mostly zeros) are broken by long-run counts."""

    window_days: float = 182.0
    name: str = "recent"

    def forecast(self, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        return grid.counts(past(history, start, self.window_days)) + tiny_tiebreak(grid, history, start)
