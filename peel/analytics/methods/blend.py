"""A learned blend: Poisson regression on the simple methods' outputs, refitted at every forecast origin.

Features per cell are log(1 + x) of long-run counts, counts in recent windows (1 year, 13, 4 and 1 weeks), Gaussian
KDEs at three bandwidths and neighbourhood counts. The model is trained on the ``training_periods`` periods of the
same length immediately before the forecast origin, each with features computed only from events before *that*
period's start — so the blend learns, from the recent past alone, how much weight recency and smoothing deserve.
All of its training data is strictly before the origin; the leakage test covers it like any other method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import PoissonRegressor

from peel.analytics.events import FloatArray
from peel.analytics.grid import Points, SquareGrid
from peel.analytics.methods.base import DAY, past, smooth

FEATURES = ("all", "730d", "365d", "91d", "28d", "7d", "decay30", "kde50", "kde150", "kde400", "ring")


def features(history: Points, grid: SquareGrid, start: int, lookback_days: float) -> FloatArray:
    """One row per cell (flattened grid order), one column per name in :data:`FEATURES`."""
    base = past(history, start, lookback_days)
    year = past(base, start, 365.0)
    age_days = (start - year.t) / DAY
    cols = [
        grid.counts(base),
        grid.counts(past(base, start, 730.0)),
        grid.counts(year),
        grid.counts(past(year, start, 91.0)),
        grid.counts(past(year, start, 28.0)),
        grid.counts(past(year, start, 7.0)),
        grid.counts(year, np.exp(-age_days / 30.0)),
        smooth(grid, year, 50.0),
        smooth(grid, year, 150.0),
        smooth(grid, year, 400.0),
    ]
    # The eight neighbours' 1-year counts: whether a cell sits inside a wider hot area.
    padded = np.pad(cols[2], 1)
    ring = sum(
        padded[1 + dy : 1 + dy + grid.ny, 1 + dx : 1 + dx + grid.nx]
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if (dy, dx) != (0, 0)
    )
    cols.append(np.asarray(ring, dtype=np.float64))
    return np.log1p(np.column_stack([c.ravel() for c in cols]))


@dataclass(frozen=True)
class LearnedBlend:
    training_periods: int = 12
    lookback_days: float = 3 * 365.0
    alpha: float = 1e-4
    model: str = "poisson"  # or "boosting": gradient-boosted trees with a Poisson loss
    name: str = "blend"

    def forecast(self, history: Points, grid: SquareGrid, start: int, end: int) -> FloatArray:
        history = past(history, start, None)
        length = end - start
        xs: list[FloatArray] = []
        ys: list[FloatArray] = []
        for k in range(1, self.training_periods + 1):
            s = start - k * length
            x = features(history, grid, s, self.lookback_days)
            y = grid.counts(history.between(s, s + length)).ravel()
            known = x[:, 0] > 0  # train on cells with some history; elsewhere the model extrapolates to ~0
            xs.append(x[known])
            ys.append(y[known])
        x_now = features(history, grid, start, self.lookback_days)
        x_train, y_train = np.vstack(xs), np.concatenate(ys)
        if len(y_train) == 0 or y_train.sum() == 0:
            return np.asarray(np.expm1(x_now[:, 0]).reshape(grid.shape), dtype=np.float64)
        mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 1e-9
        model: PoissonRegressor | HistGradientBoostingRegressor
        if self.model == "boosting":
            model = HistGradientBoostingRegressor(
                loss="poisson", max_iter=150, learning_rate=0.05, min_samples_leaf=50, random_state=0
            )
        else:
            model = PoissonRegressor(alpha=self.alpha, max_iter=300)
        model.fit((x_train - mean) / std, y_train)
        rate = model.predict((x_now - mean) / std)
        return np.asarray(rate.reshape(grid.shape), dtype=np.float64)
