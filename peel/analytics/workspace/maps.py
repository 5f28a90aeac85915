"""GeoJSON for the workspace maps: events as points, counts per H3 hexagon or per square grid cell."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import h3
import numpy as np

from peel.analytics.events import EventSet
from peel.analytics.grid import SquareGrid, h3_counts, project
from peel.analytics.workspace.forecasting import cell_outlines

MAX_CELLS = 20_000


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def points_geojson(rows: Sequence[tuple[float, float, str, datetime]]) -> dict[str, Any]:
    return _collection(
        [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {"type": crime_type, "date": when.date().isoformat()},
            }
            for lat, lon, crime_type, when in rows
        ]
    )


def h3_geojson(events: EventSet, resolution: int) -> dict[str, Any]:
    counts = h3_counts(events, resolution) if len(events) else {}
    if len(counts) > MAX_CELLS:
        raise ValueError(f"{len(counts)} hexagons: choose a coarser resolution")
    features = []
    for cell, n in counts.items():
        ring = [[round(lng, 6), round(lat, 6)] for lat, lng in h3.cell_to_boundary(cell)]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                "properties": {"h3": cell, "count": n},
            }
        )
    return _collection(features)


def grid_geojson(events: EventSet, cell_size: float) -> dict[str, Any]:
    if len(events) == 0:
        return _collection([])
    points = project(events)
    grid = SquareGrid.covering(points, cell_size, margin_cells=0)
    counts = grid.counts(points)
    ii, jj = np.nonzero(counts)
    if len(ii) > MAX_CELLS:
        raise ValueError(f"{len(ii)} cells: choose a larger cell size")
    x0, y0 = grid.lower_left()
    outlines = cell_outlines(grid.crs, cell_size, x0[ii, jj].tolist(), y0[ii, jj].tolist())
    return _collection(
        [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[[lon, lat] for lat, lon in [*ring, ring[0]]]]},
                "properties": {"count": int(counts[i, j]), "x0": float(x0[i, j]), "y0": float(y0[i, j])},
            }
            for ring, i, j in zip(outlines, ii, jj, strict=True)
        ]
    )
