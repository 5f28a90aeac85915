"""Small synthetic event sets shared by the analytics unit tests (a uniquely named module, because the
repository's root conftest would shadow ``import conftest``)."""

from __future__ import annotations

import numpy as np

from peel.analytics.grid import Points

DAY = 86_400
T0 = 1_546_300_800  # 2019-01-01T00:00Z


def synthetic_points(n: int = 3000, days: int = 400, seed: int = 1, crs: str = "EPSG:32615") -> Points:
    """A few persistent hotspots over a uniform background, in a 6 km square, spread over ``days`` days."""
    rng = np.random.default_rng(seed)
    centres = np.array([[1000.0, 1000.0], [4000.0, 2500.0], [2500.0, 5000.0]])
    k = rng.integers(0, 4, size=n)
    x = rng.uniform(0, 6000, size=n)
    y = rng.uniform(0, 6000, size=n)
    hot = k < 3
    x[hot] = centres[k[hot], 0] + rng.normal(0, 120, hot.sum())
    y[hot] = centres[k[hot], 1] + rng.normal(0, 120, hot.sum())
    t = np.sort(T0 - days * DAY + rng.integers(0, days * DAY, size=n))
    return Points(x + 500_000.0, y + 4_000_000.0, t.astype(np.int64), crs)
