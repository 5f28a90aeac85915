"""Which hot cells are patrolled and which are held back as controls: pure, seeded, reproducible.

The eligible cells are the top ``eligible`` cells of a forecast. A share of them, chosen uniformly at random by a
seeded generator (``numpy.random.default_rng(seed)``), become *control* cells: recorded, never tasked, so the crime
and patrol exposure in treated and control cells can be compared afterwards. Because controls are drawn from the
same hot cells, the two arms have comparable forecast risk; the same seed always gives the same split.
"""

from __future__ import annotations

import numpy as np

from peel.analytics.patrol.models import CONTROL, TREATED


def control_count(eligible: int, control_share: float) -> int:
    return round(eligible * control_share)


def assign_arms(eligible: int, control_share: float, seed: int) -> list[str]:
    """The arm of each eligible cell, in rank order (index 0 = highest score)."""
    if eligible < 1:
        raise ValueError("at least one cell must be eligible")
    if not 0 <= control_share < 1:
        raise ValueError("the control share must be at least 0 and below 1")
    n_control = control_count(eligible, control_share)
    if n_control >= eligible:
        raise ValueError("the control share leaves no cell to patrol")
    rng = np.random.default_rng(seed)
    controls = set(rng.choice(eligible, size=n_control, replace=False).tolist()) if n_control else set()
    return [CONTROL if i in controls else TREATED for i in range(eligible)]
