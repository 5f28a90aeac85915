"""The Knox near-repeat test on a dataset, bounded for the web, as plain data for the page and the API."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from peel.analytics.events import EventSet
from peel.analytics.grid import project
from peel.analytics.nearrepeat import knox_test, near_repeat_alert
from peel.analytics.periods import epoch

MAX_KNOX_EVENTS = 20_000


@dataclass(frozen=True)
class KnoxRequest:
    crime_type: str | None = None
    start: date | None = None
    end: date | None = None
    distance_bands: tuple[float, ...] = (0.0, 100.0, 200.0, 300.0, 400.0)
    time_bands: tuple[float, ...] = (0.0, 7.0, 14.0, 21.0, 28.0)
    permutations: int = 199
    fdr: float = 0.05


def _num(v: float) -> float | None:
    return round(float(v), 6) if math.isfinite(v) else None


def run_knox(events: EventSet, req: KnoxRequest) -> dict[str, Any]:
    chosen = events.of_types([req.crime_type]) if req.crime_type else events
    if req.start:
        chosen = chosen.take(chosen.time >= epoch(req.start))
    if req.end:
        chosen = chosen.take(chosen.time < epoch(req.end))
    if len(chosen) < 10:
        raise ValueError("the Knox test needs at least 10 events; widen the crime type or dates")
    if len(chosen) > MAX_KNOX_EVENTS:
        raise ValueError(f"{len(chosen)} events: at most {MAX_KNOX_EVENTS} on the web; narrow the crime type or dates")
    points = project(chosen)
    result = knox_test(points, req.distance_bands, req.time_bands, req.permutations)
    sig = result.significant(req.fdr)
    d, t = result.distance_edges, result.time_edges
    rows = [
        {
            "band": f"[{d[r]:g}, {d[r + 1]:g}) m",
            "cells": [
                {
                    "ratio": _num(result.ratio[r, k]),
                    "observed": int(result.observed[r, k]),
                    "expected": _num(result.expected[r, k]),
                    "p": _num(result.p_value[r, k]),
                    "q": _num(result.q_value[r, k]),
                    "significant": bool(sig[r, k]),
                }
                for k in range(len(t) - 1)
            ],
        }
        for r in range(len(d) - 1)
    ]
    alert = near_repeat_alert(0.0, 0.0, 0, points.crs, result, req.fdr)
    return {
        "n_events": result.n_events,
        "permutations": result.permutations,
        "fdr": req.fdr,
        "crime_type": req.crime_type,
        "time_bands": [f"[{t[k]:g}, {t[k + 1]:g}) days" for k in range(len(t) - 1)],
        "rows": rows,
        "alert": None
        if alert is None
        else {"radius_m": alert.radius_m, "days": (alert.ends - alert.starts) / 86_400, "ratio": _num(alert.ratio)},
        "first_event": str(np.datetime64(int(chosen.time.min()), "s"))[:10],
        "last_event": str(np.datetime64(int(chosen.time.max()), "s"))[:10],
    }
