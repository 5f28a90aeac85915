"""Fairness helpers: calibration, disparity by area, and the feedback-loop guard.

Place-based only: every function here is about cells and areas, never people.

The feedback loop (Lum & Isaac 2016; Ensign et al. 2018): if a forecast is trained on crimes officers *find*,
patrols sent to flagged cells find more crime there, which flags those cells again, whatever the true rates.
Victim-reported crime mostly reaches the police whether or not a patrol was there, so training on it by default
(:data:`TRAINING_CHANNELS`) breaks the loop. :func:`simulate_feedback` shows the effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from peel.analytics.backtest.metrics import flagged_share
from peel.analytics.events import REPORTED, EventSet, FloatArray

TRAINING_CHANNELS: tuple[str, ...] = (REPORTED,)


def training_events(events: EventSet, channels: Sequence[str] = TRAINING_CHANNELS) -> EventSet:
    """The events a forecast trains on: by default only victim-reported crime."""
    return events.of_channels(channels)


@dataclass(frozen=True)
class AreaDisparity:
    area: str
    share_flagged: float
    share_crime: float
    share_population: float | None

    @property
    def flagged_to_crime(self) -> float:
        """> 1: the area gets more of the flagged cells than its share of crime."""
        return self.share_flagged / self.share_crime if self.share_crime > 0 else float("inf")


def disparity_by_area(
    labels: Sequence[str] | np.ndarray,
    scores: FloatArray,
    actual: FloatArray,
    coverage: float,
    population: dict[str, float] | None = None,
) -> list[AreaDisparity]:
    """Per area label (one per cell), its share of the flagged cells, of crime and (if given) of population.

    Population shares are over the labelled areas found in ``population`` (the areas the cells cover), so they sum
    to 1 over those; an area missing from ``population`` gets ``None``, as does every area when none is given.
    """
    lab = np.asarray(labels, dtype=np.str_)
    share = flagged_share(scores, max(1, round(coverage * len(scores))))
    total_flag, total_crime = share.sum(), max(float(actual.sum()), 1e-12)
    names = [str(n) for n in np.unique(lab)]
    pops = {n: float(population[n]) for n in names if n in population} if population else {}
    total_pop = sum(pops.values())
    out = []
    for name in names:
        sel = lab == name
        pop = pops[name] / total_pop if name in pops and total_pop > 0 else None
        out.append(
            AreaDisparity(name, float(share[sel].sum() / total_flag), float(actual[sel].sum() / total_crime), pop)
        )
    return out


@dataclass(frozen=True)
class CalibrationBin:
    lower: float
    upper: float
    cells: int
    predicted: float  # mean score in the bin
    observed: float  # mean actual count in the bin


def calibration(scores: FloatArray, actual: FloatArray, bins: int = 10) -> list[CalibrationBin]:
    """Cells grouped by score quantile; for expected-count scores, predicted ≈ observed when calibrated."""
    edges = np.unique(np.quantile(scores, np.linspace(0, 1, bins + 1)))
    idx = np.clip(np.searchsorted(edges, scores, side="right") - 1, 0, max(len(edges) - 2, 0))
    out = []
    for b in range(max(len(edges) - 1, 1)):
        sel = idx == b
        if sel.any():
            out.append(
                CalibrationBin(
                    float(edges[b]),
                    float(edges[min(b + 1, len(edges) - 1)]),
                    int(sel.sum()),
                    float(scores[sel].mean()),
                    float(actual[sel].mean()),
                )
            )
    return out


@dataclass(frozen=True)
class FeedbackRun:
    flagged_share_by_round: FloatArray  # (rounds, cells): how often each cell was flagged


def simulate_feedback(
    true_reported: FloatArray,
    true_findable: FloatArray,
    rounds: int,
    flagged_cells: int,
    guard: bool,
    prior_found: FloatArray | None = None,
    detection: float = 0.5,
    seed: int = 0,
) -> FeedbackRun:
    """Forecast → patrol → recorded crime → forecast, for ``rounds`` periods.

    Victims report ``Poisson(true_reported)`` per cell wherever patrols are. Officers find
    ``Poisson(detection × true_findable)`` only in the cells they patrol (the flagged ones). ``prior_found`` is
    crime found by earlier, possibly biased, patrolling. The forecast is the cumulative count of training crimes:
    reported only when ``guard`` is on; reported + found (including ``prior_found``) when off.
    """
    rng = np.random.default_rng(seed)
    n = len(true_reported)
    counts = np.zeros(n) if guard or prior_found is None else np.asarray(prior_found, dtype=float).copy()
    flagged = np.zeros((rounds, n))
    for r in range(rounds):
        # Ties (e.g. the first round, with no data) are broken at random, as a patrol planner would.
        order = np.lexsort((rng.random(n), -counts))
        patrol = np.zeros(n, dtype=bool)
        patrol[order[:flagged_cells]] = True
        flagged[r] = patrol
        reported = rng.poisson(true_reported)
        found = rng.poisson(detection * true_findable) * patrol
        counts += reported if guard else reported + found
    return FeedbackRun(flagged)
