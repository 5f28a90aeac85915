"""Synthetic demo addresses lie on named roads and are the same for the same seed."""

from __future__ import annotations

import numpy as np
import shapely

from peel.roads import RoadGraph
from peel.roads.tables import to_bng


def test_it_is_deterministic_per_seed(westminster: RoadGraph) -> None:
    first = westminster.sample_addresses_points(np.random.default_rng(42), 50)
    again = westminster.sample_addresses_points(np.random.default_rng(42), 50)
    other = westminster.sample_addresses_points(np.random.default_rng(43), 50)
    assert first == again
    assert first != other
    assert len(first) == 50


def test_it_puts_each_point_on_a_road_of_that_name(westminster: RoadGraph) -> None:
    points = westminster.sample_addresses_points(np.random.default_rng(1), 200)
    edges = westminster.edges
    by_name: dict[str, list[int]] = {}
    for edge, name in enumerate(edges.name):
        by_name.setdefault(name, []).append(edge)
    for lat, lon, name in points:
        assert name and "; " not in name
        roads = shapely.multilinestrings([shapely.linestrings(edges.xy(edge)) for edge in by_name[name]])
        easting, northing = to_bng(np.array([lon]), np.array([lat]))
        assert shapely.distance(roads, shapely.Point(easting[0], northing[0])) < 0.5  # metres


def test_it_spreads_points_over_many_streets(westminster: RoadGraph) -> None:
    points = westminster.sample_addresses_points(np.random.default_rng(5), 500)
    assert len({name for _, _, name in points}) > 150


def test_it_returns_nothing_for_zero(westminster: RoadGraph) -> None:
    assert westminster.sample_addresses_points(np.random.default_rng(0), 0) == []
