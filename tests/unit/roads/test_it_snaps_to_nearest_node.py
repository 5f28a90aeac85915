"""Snapping a point to the road network agrees with brute force on the British National Grid."""

from __future__ import annotations

import numpy as np
import pytest

from peel.core.errors import InvalidInput
from peel.roads import RoadGraph
from peel.roads.tables import to_bng


def _random_points(graph: RoadGraph, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    box = graph.bounds
    return rng.uniform(box.south, box.north, count), rng.uniform(box.west, box.east, count)


@pytest.mark.parametrize("main_only", [True, False])
def test_it_agrees_with_brute_force(westminster: RoadGraph, main_only: bool) -> None:
    lats, lons = _random_points(westminster, 300, seed=3)
    nodes, distances = westminster.nearest_nodes(lats, lons, main_only=main_only)
    easting, northing = to_bng(lons, lats)
    candidates = np.flatnonzero(westminster.main_component) if main_only else np.arange(westminster.node_count)
    gaps = np.hypot(
        easting[:, None] - westminster.nodes.easting[candidates][None, :],
        northing[:, None] - westminster.nodes.northing[candidates][None, :],
    )
    assert np.allclose(distances, gaps.min(axis=1))
    assert np.array_equal(nodes, candidates[gaps.argmin(axis=1)])


def test_it_returns_a_node_for_its_own_position(westminster: RoadGraph) -> None:
    node = int(np.flatnonzero(westminster.main_component)[10])
    assert westminster.nearest_node(westminster.nodes.lat[node], westminster.nodes.lon[node]) == node


def test_it_snaps_only_to_the_main_component_by_default(westminster: RoadGraph) -> None:
    stranded = int(np.flatnonzero(~westminster.main_component)[0])
    lat, lon = westminster.nodes.lat[stranded], westminster.nodes.lon[stranded]
    assert westminster.nearest_node(lat, lon, main_only=False) == stranded
    assert westminster.main_component[westminster.nearest_node(lat, lon)]


def test_it_rejects_points_outside_great_britain(westminster: RoadGraph) -> None:
    with pytest.raises(InvalidInput):
        westminster.nearest_node(48.8566, 2.3522)  # Paris
    with pytest.raises(InvalidInput):
        westminster.nearest_nodes([51.5], [-0.1, -0.2])
