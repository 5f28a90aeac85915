"""Retrospective kernel density estimation: a Gaussian kernel over past events, integrated over each cell."""

from __future__ import annotations

from dataclasses import dataclass

from peel.analytics.events import FloatArray
from peel.analytics.grid import Points, SquareGrid
from peel.analytics.methods.base import past, smooth


@dataclass(frozen=True)
class RetrospectiveKDE:
    """Fixed-bandwidth Gaussian KDE of events within ``lookback_days`` (``None``: all history)."""

    bandwidth_m: float = 30.0
    lookback_days: float | None = 365.0
    name: str = "kde"

    def forecast(self, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        return smooth(grid, past(history, start, self.lookback_days), self.bandwidth_m)
