"""What every forecasting method is: given past events and a period, a score per grid cell.

A method sees only the events it is handed and, defensively, drops any at or after the period start itself, so
no method can peek into its own period. Scores are expected counts (or anything monotone in them); only their
ranking matters to the hit-rate metrics.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from scipy import ndimage

from peel.analytics.events import FloatArray
from peel.analytics.grid import Points, SquareGrid, pool

DAY = 86_400.0
# Kernel smoothing works on cells subdivided this many times, then sums back: the density is integrated over
# each cell rather than sampled at its centre.
FINE = 3


class Forecaster(Protocol):
    @property
    def name(self) -> str:
        """Unique label in reports and back-tests."""
        ...

    def forecast(self, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        """Scores shaped ``grid.shape`` for the period [start, end), from events strictly before ``start``."""
        ...


def past(history: Points, start: int, lookback_days: float | None) -> Points:
    """Events strictly before ``start`` and, if given, within ``lookback_days`` of it."""
    keep = history.t < start
    if lookback_days is not None:
        keep &= history.t >= start - lookback_days * DAY
    return history.take(keep)


def smooth(grid: SquareGrid, points: Points, bandwidth_m: float, weights: FloatArray | None = None) -> FloatArray:
    """Binned Gaussian kernel density of ``points`` integrated over each cell (expected share per cell ×
    total weight). Bandwidth 0 means plain counts."""
    if bandwidth_m <= 0:
        return grid.counts(points, weights)
    fine = grid.fine_counts(points, FINE, weights)
    sigma = bandwidth_m / (grid.cell_size / FINE)
    return pool(ndimage.gaussian_filter(fine, sigma=sigma, mode="constant", truncate=4.0), FINE)


def tiny_tiebreak(grid: SquareGrid, history: Points, start: int) -> FloatArray:
    """A score far below any real difference that prefers cells with long-run history: used so that methods
    with many zero scores (e.g. recent counts) do not rank empty cells arbitrarily."""
    counts = grid.counts(history.take(history.t < start))
    total = max(float(counts.sum()), 1.0)
    return np.asarray(counts / total * 1e-6, dtype=np.float64)
