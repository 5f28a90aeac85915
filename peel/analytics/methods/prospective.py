"""Prospective hotspotting (Bowers, Johnson & Pease 2004, *Br. J. Criminol.* 44:641-658).

Each past event within ``window_weeks`` and ``radius_m`` adds 1/(1 + d) × 1/(1 + w) to a cell, where d is the
distance from the event's cell to the cell in cell widths and w the event's age in whole weeks at the period
start. The original used 50 m cells, 400 m and two months; here the distance unit is the grid's cell size.
Because the weight factorises into space × time, the score is a time-weighted histogram convolved once with the
spatial kernel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from peel.analytics.events import FloatArray
from peel.analytics.grid import Points, SquareGrid
from peel.analytics.methods.base import DAY, past, tiny_tiebreak


def bowers_kernel(radius_m: float, cell_size: float) -> FloatArray:
    reach = int(np.floor(radius_m / cell_size))
    d = np.hypot(*np.meshgrid(np.arange(-reach, reach + 1), np.arange(-reach, reach + 1)))
    return np.where(d * cell_size <= radius_m, 1.0 / (1.0 + d), 0.0)


@dataclass(frozen=True)
class ProspectiveHotspot:
    radius_m: float = 150.0
    window_weeks: int = 52
    name: str = "prospective"

    def forecast(self, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        recent = past(history, start, self.window_weeks * 7.0)
        weeks = np.floor((start - recent.t) / (7 * DAY))
        hist = grid.counts(recent, 1.0 / (1.0 + weeks))
        score = ndimage.convolve(hist, bowers_kernel(self.radius_m, grid.cell_size), mode="constant")
        return np.asarray(score, dtype=np.float64) + tiny_tiebreak(grid, history, start)
