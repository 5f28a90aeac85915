"""Near-repeat analysis: the Knox test with Monte-Carlo permutations, and alerts after a new crime.

Every pair of events is placed in a distance band and a time band. Band edges ``e_0 = 0 < e_1 < … < e_k`` make
bands ``[e_0, e_1), [e_1, e_2), …, [e_{k-1}, e_k)``: lower edge inclusive, upper edge exclusive, so a pair 100 m
apart with edges (0, 100, 200) falls in the second band, and same-place or same-day pairs fall in the first.
Pairs at or beyond the last edge form a final "beyond" band. Times are compared in days.

Under the null hypothesis, when a crime happened is independent of where. Permuting the times among the events
(locations fixed) gives the null distribution of each cell of the table; the p-value is
(1 + #{permutations with count ≥ observed}) / (1 + permutations). Spatial pairs within the last distance edge are
found once with a KD-tree; the all-pairs time histogram does not change under permutation, so the "beyond
distance" column is a subtraction. p-values of the finite cells are corrected with Benjamini–Hochberg.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from peel.analytics.events import FloatArray
from peel.analytics.grid import Points
from peel.analytics.methods.base import DAY

IntMatrix = np.ndarray


@dataclass(frozen=True)
class KnoxResult:
    distance_edges: tuple[float, ...]  # metres
    time_edges: tuple[float, ...]  # days
    observed: IntMatrix  # (distance bands + beyond) × (time bands + beyond)
    expected: FloatArray  # mean over permutations
    p_value: FloatArray
    q_value: FloatArray  # BH-adjusted, finite cells only (NaN in the beyond row/column)
    permutations: int
    n_events: int

    @property
    def ratio(self) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.observed / self.expected, dtype=np.float64)

    def significant(self, fdr: float = 0.05) -> np.ndarray:
        """Finite cells with more pairs than expected and BH q-value ≤ ``fdr``."""
        return (self.q_value <= fdr) & (self.ratio > 1)


def band_index(values: FloatArray, edges: tuple[float, ...]) -> np.ndarray:
    """0 … k−1 for the finite bands (lower edge inclusive), k for beyond the last edge."""
    return np.searchsorted(np.asarray(edges[1:]), values, side="right")


def benjamini_hochberg(p: FloatArray) -> FloatArray:
    """BH step-up adjusted p-values (q-values), same shape as ``p``."""
    flat = np.asarray(p, dtype=float).ravel()
    m = len(flat)
    order = np.argsort(flat)
    ranked = flat[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q.reshape(np.shape(p))


def _time_histogram_all_pairs(t_days: FloatArray, edges: tuple[float, ...]) -> np.ndarray:
    """Pairs per time band over *all* pairs, by counting pairs with gap < each edge on sorted times."""
    s = np.sort(t_days)
    n = len(s)
    below = [0]
    for e in edges[1:]:
        # for each i, the j > i with s[j] - s[i] < e
        below.append(int((np.searchsorted(s, s + e, side="left") - np.arange(1, n + 1)).sum()))
    total = n * (n - 1) // 2
    return np.diff(np.array([*below, total]))


def knox_test(
    points: Points,
    distance_edges: tuple[float, ...] = (0.0, 100.0, 200.0, 300.0, 400.0),
    time_edges: tuple[float, ...] = (0.0, 7.0, 14.0, 21.0, 28.0),
    permutations: int = 999,
    seed: int = 0,
) -> KnoxResult:
    if len(distance_edges) < 2 or len(time_edges) < 2:
        raise ValueError("give at least two edges for distance and for time")
    if list(distance_edges) != sorted(set(distance_edges)) or list(time_edges) != sorted(set(time_edges)):
        raise ValueError("band edges must be strictly increasing")
    if distance_edges[0] != 0 or time_edges[0] != 0:
        raise ValueError("the first band edge must be 0")
    t_days = points.t / DAY
    nd, nt = len(distance_edges), len(time_edges)  # bands incl. beyond = number of edges
    tree = cKDTree(np.column_stack([points.x, points.y]))
    pairs = tree.query_pairs(r=np.nextafter(distance_edges[-1], 0), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    d_band = band_index(np.hypot(points.x[i] - points.x[j], points.y[i] - points.y[j]), distance_edges)
    all_time = _time_histogram_all_pairs(t_days, time_edges)

    def table(times: FloatArray) -> np.ndarray:
        tb = band_index(np.abs(times[i] - times[j]), time_edges)
        near = np.bincount(d_band * nt + tb, minlength=(nd - 1) * nt).reshape(nd - 1, nt)
        return np.vstack([near, all_time - near.sum(axis=0)])

    observed = table(t_days)
    rng = np.random.default_rng(seed)
    at_least = np.zeros(observed.shape)
    total = np.zeros(observed.shape)
    for _ in range(permutations):
        sim = table(rng.permutation(t_days))
        at_least += sim >= observed
        total += sim
    p = (1 + at_least) / (1 + permutations)
    q = np.full(p.shape, np.nan)
    q[: nd - 1, : nt - 1] = benjamini_hochberg(p[: nd - 1, : nt - 1])
    return KnoxResult(
        tuple(distance_edges),
        tuple(time_edges),
        observed,
        total / max(permutations, 1),
        p,
        q,
        permutations,
        len(points),
    )


@dataclass(frozen=True)
class Alert:
    x: float
    y: float
    crs: str
    radius_m: float
    starts: int  # epoch seconds
    ends: int
    ratio: float  # observed / expected pairs in the closest band


def near_repeat_alert(x: float, y: float, t: int, crs: str, knox: KnoxResult, fdr: float = 0.05) -> Alert | None:
    """After a crime at (x, y, t): the circle and period where the Knox test shows raised risk.

    The radius is the upper edge of the widest run of significant distance bands from 0 in the first time band;
    the period is the upper edge of the longest run of significant time bands from 0 in the first distance band.
    None when even the closest band is not significant.
    """
    sig = knox.significant(fdr)
    if not sig[0, 0]:
        return None
    nd = 0
    while nd < len(knox.distance_edges) - 1 and sig[nd, 0]:
        nd += 1
    nt = 0
    while nt < len(knox.time_edges) - 1 and sig[0, nt]:
        nt += 1
    return Alert(x, y, crs, knox.distance_edges[nd], t, int(t + knox.time_edges[nt] * DAY), float(knox.ratio[0, 0]))
