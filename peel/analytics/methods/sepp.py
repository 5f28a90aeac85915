"""A self-exciting point process (Mohler et al. 2011, *JASA* 106:100-108; 2015, *JASA* 110:1399-1411).

Intensity λ(t, x) = μ(x) + Σ_{t_i < t} θ ω e^{−ω (t − t_i)} · N(x − x_i; σ²): a smooth background plus an
exponential-in-time, Gaussian-in-space triggering kernel, each past crime raising nearby risk for a while.

Fitted by expectation-maximisation on the branching structure. The reference implementations keep an n × n
matrix of parent probabilities; here only *candidate parent pairs* within ``max_trigger_days`` and
``max_trigger_m`` are kept (found with a KD-tree in scaled space-time), so memory and time grow with the number of
close pairs, not n². The truncation is documented in docs/analytics.md; the kernel mass beyond it is ignored.

- Background μ: per-cell expected background events (Σ of background probabilities), Gaussian-smoothed with
  ``background_bandwidth_m``, divided by the window length.
- θ: expected offspring per event, normalised by each event's observable kernel mass in the window.
- ω, σ: closed-form weighted MLEs; σ has a floor because coordinates are snapped to blocks or intersections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from peel.analytics.events import FloatArray, IntArray
from peel.analytics.grid import Points, SquareGrid
from peel.analytics.methods.base import DAY, past, smooth


@dataclass(frozen=True)
class SEPPFit:
    background: FloatArray  # expected background events per day per cell, shaped like the grid
    theta: float
    omega: float  # per day
    sigma_m: float
    iterations: int
    n_events: int
    n_pairs: int


@dataclass(frozen=True)
class _Pairs:
    parent: IntArray
    child: IntArray
    dt: FloatArray  # days
    d2: FloatArray  # squared metres


def trigger_pairs(points: Points, max_days: float, max_m: float) -> _Pairs:
    """All (parent, child) with 0 < t_child − t_parent ≤ max_days and distance ≤ max_m."""
    t_days = points.t / DAY
    scale = max_m / max_days  # one day of time ≙ this many metres, so the box is a cube of side 2·max_m
    tree = cKDTree(np.column_stack([points.x, points.y, t_days * scale]))
    pairs = tree.query_pairs(r=max_m, p=np.inf, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    dt = t_days[j] - t_days[i]
    swap = dt < 0
    parent = np.where(swap, j, i)
    child = np.where(swap, i, j)
    dt = np.abs(dt)
    d2 = (points.x[child] - points.x[parent]) ** 2 + (points.y[child] - points.y[parent]) ** 2
    keep = (dt > 0) & (dt <= max_days) & (d2 <= max_m**2)
    return _Pairs(parent[keep].astype(np.int64), child[keep].astype(np.int64), dt[keep], d2[keep])


@dataclass(frozen=True)
class SelfExcitingPP:
    lookback_days: float = 730.0
    max_trigger_days: float = 42.0
    max_trigger_m: float = 400.0
    background_bandwidth_m: float = 0.0
    min_sigma_m: float = 25.0
    iterations: int = 50
    tolerance: float = 1e-4
    name: str = "sepp"

    def fit(self, history: Points, grid: SquareGrid, start: int) -> SEPPFit:
        events = past(history, start, self.lookback_days)
        n = len(events)
        window = self.lookback_days
        if n < 2:
            return SEPPFit(smooth(grid, events, self.background_bandwidth_m) / window, 0.0, 1.0, 100.0, 0, n, 0)
        pairs = trigger_pairs(events, self.max_trigger_days, self.max_trigger_m)
        row, col, inside = grid.cell_of(events.x, events.y)
        cell_area = grid.cell_size**2
        age = (start - events.t) / DAY  # how long each event has had to produce offspring
        theta, omega, sigma = 0.2, 0.1, 100.0
        p_background = np.full(n, 0.8)
        background = smooth(grid, events, self.background_bandwidth_m, p_background) / window
        done = 0
        for _ in range(self.iterations):
            done += 1
            mu = background[row, col] / cell_area * inside + 1e-12  # per day per m²
            g = theta * omega * np.exp(-omega * pairs.dt) * np.exp(-pairs.d2 / (2 * sigma**2)) / (2 * np.pi * sigma**2)
            lam = mu + np.bincount(pairs.child, weights=g, minlength=n)
            p = g / lam[pairs.child]
            new_pb = mu / lam
            s = float(p.sum())
            observable = 1.0 - np.exp(-omega * np.minimum(age, self.max_trigger_days))
            theta = min(s / max(float(observable.sum()), 1e-9), 0.95)
            if s > 0:
                omega = max(s / float((p * pairs.dt).sum()), 1.0 / self.max_trigger_days)
                sigma = max(float(np.sqrt((p * pairs.d2).sum() / (2 * s))), self.min_sigma_m)
            background = smooth(grid, events, self.background_bandwidth_m, new_pb) / window
            change = float(np.abs(new_pb - p_background).max())
            p_background = new_pb
            if change < self.tolerance:
                break
        return SEPPFit(background, theta, omega, sigma, done, n, len(pairs.dt))

    def forecast(self, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        fitted = self.fit(history, grid, start)
        return self.predict(fitted, history, grid, start, end)

    def predict(self, fitted: SEPPFit, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        """Expected events per cell in [start, end): background plus the remaining offspring of past events."""
        length = (end - start) / DAY
        recent = past(history, start, self.max_trigger_days)
        a = (start - recent.t) / DAY
        w = fitted.theta * (np.exp(-fitted.omega * a) - np.exp(-fitted.omega * (a + length)))
        triggered = smooth(grid, recent, fitted.sigma_m, w)
        return np.asarray(fitted.background * length + triggered, dtype=np.float64)
