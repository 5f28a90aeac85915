"""The force area outline covers the roads, has about Westminster's area, and is valid GeoJSON."""

from __future__ import annotations

import numpy as np
import shapely

from peel.roads import RoadGraph
from peel.roads.tables import to_bng


def test_it_covers_every_road_point(westminster: RoadGraph) -> None:
    outline = westminster.boundary()
    assert outline.is_valid
    lonlat = westminster.edges.geom_lonlat
    # A hair of tolerance: the hull is exact on the grid, and its edges bend slightly in lon/lat.
    assert shapely.covers(outline.buffer(1e-7), shapely.points(lonlat)).all()


def test_it_has_about_westminsters_area(westminster: RoadGraph) -> None:
    ring = np.asarray(westminster.boundary().exterior.coords)
    easting, northing = to_bng(ring[:, 0], ring[:, 1])
    square_km = shapely.Polygon(np.column_stack([easting, northing])).area / 1e6
    assert 17 < square_km < 23  # the borough is 21.5 km²


def test_it_is_a_closed_anticlockwise_geojson_ring(westminster: RoadGraph) -> None:
    geometry = westminster.boundary_geojson()
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"]) == 1
    ring = geometry["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) >= 4
    assert shapely.LinearRing(ring).is_ccw
    box = westminster.bounds
    assert all(box.west - 1e-6 <= lon <= box.east + 1e-6 for lon, _ in ring)
    assert all(box.south - 1e-6 <= lat <= box.north + 1e-6 for _, lat in ring)
