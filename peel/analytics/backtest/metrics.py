"""Hit rate, PAI and PEI at a coverage of the study area, and bootstrap confidence intervals.

For coverage c of N cells, the ``k = max(1, round(c·N))`` highest-scoring cells are flagged. Ties at the cut-off are
shared out: each tied cell is flagged with probability (slots left)/(tied cells), and hits are the expectation,
so no method gains or loses from an arbitrary tie order.

- hit rate = crimes in flagged cells / crimes in the study area during the period
- PAI (Chainey et al. 2008) = hit rate / (k / N)
- PEI (Hunt 2016) = crimes in flagged cells / most crimes any k cells held in that period
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from peel.analytics.events import FloatArray

COVERAGES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.10)


@dataclass(frozen=True)
class Scores:
    hit_rate: float
    pai: float
    pei: float


def flagged_share(scores: FloatArray, k: int) -> FloatArray:
    """Per cell, the probability it is among the top ``k`` (1 above the cut-off, shared at a tie, 0 below)."""
    n = len(scores)
    k = min(max(k, 0), n)
    if k == 0:
        return np.zeros(n)
    cut = np.partition(scores, n - k)[n - k]
    above = scores > cut
    tied = scores == cut
    share = np.where(above, 1.0, 0.0)
    share[tied] = (k - int(above.sum())) / int(tied.sum())
    return share


def score_at(scores: FloatArray, actual: FloatArray, coverage: float) -> Scores:
    """Metrics for flat arrays of cell scores and actual counts over the study area's cells."""
    n = len(scores)
    total = float(actual.sum())
    k = max(1, round(coverage * n))
    if total <= 0:
        return Scores(float("nan"), float("nan"), float("nan"))
    hits = float((flagged_share(scores, k) * actual).sum())
    best = float(np.sort(actual)[::-1][:k].sum())
    hit_rate = hits / total
    return Scores(hit_rate, hit_rate / (k / n), hits / best if best > 0 else float("nan"))


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float


def bootstrap_mean(values: FloatArray, n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> Interval:
    """Mean across periods and a percentile bootstrap interval, resampling periods with replacement."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(n_boot, len(v)))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    return Interval(float(v.mean()), float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail)))
