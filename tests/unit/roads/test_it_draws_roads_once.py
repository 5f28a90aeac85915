"""The roads GeoJSON (the web map's base layer) is valid, compact, complete, and draws each road once."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

import numpy as np
import pytest

from peel.roads import RoadGraph
from peel.roads.graph import Bounds

Segment = tuple[tuple[float, float], tuple[float, float]]


@pytest.fixture(scope="module")
def layer(westminster: RoadGraph) -> dict[str, Any]:
    return westminster.roads_geojson()


def _segments(collection: dict[str, Any]) -> Counter[Segment]:
    """Every drawn segment, direction ignored."""
    found: Counter[Segment] = Counter()
    for feature in collection["features"]:
        line = [tuple(position) for position in feature["geometry"]["coordinates"]]
        for a, b in itertools.pairwise(line):
            found[(a, b) if a <= b else (b, a)] += 1
    return found


def _assert_valid(collection: dict[str, Any], box: Bounds) -> None:
    assert collection["type"] == "FeatureCollection"
    assert "OpenStreetMap" in collection["attribution"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"name", "highway"}
        geometry = feature["geometry"]
        assert geometry["type"] == "LineString"
        positions = np.array(geometry["coordinates"])
        assert positions.shape[0] >= 2 and positions.shape[1] == 2
        # [lon, lat] order: longitudes are the small negative numbers in London.
        assert ((box.west - 1e-6 <= positions[:, 0]) & (positions[:, 0] <= box.east + 1e-6)).all()
        assert ((box.south - 1e-6 <= positions[:, 1]) & (positions[:, 1] <= box.north + 1e-6)).all()
        assert np.array_equal(positions, np.round(positions, 6))


def test_it_is_valid_geojson(westminster: RoadGraph, layer: dict[str, Any]) -> None:
    _assert_valid(layer, westminster.bounds)
    json.dumps(layer, allow_nan=False)


def test_it_draws_no_segment_twice(layer: dict[str, Any]) -> None:
    assert max(_segments(layer).values()) == 1


def test_it_draws_every_edge(westminster: RoadGraph, layer: dict[str, Any]) -> None:
    drawn = _segments(layer)
    edges = westminster.edges
    for edge in range(0, westminster.edge_count, 7):
        a, b = (tuple(point) for point in np.round(edges.lonlat(edge)[:2], 6).tolist())
        assert ((a, b) if a <= b else (b, a)) in drawn


def test_it_draws_a_two_way_street_once(westminster: RoadGraph) -> None:
    edges = westminster.edges
    drawn = set(westminster.drawn_edges.tolist())
    by_shape = {np.round(edges.lonlat(e), 6).tobytes(): e for e in range(westminster.edge_count)}
    twins = 0
    for edge in range(westminster.edge_count):
        twin = by_shape.get(np.round(edges.lonlat(edge)[::-1], 6).tobytes())
        if twin is not None and twin != edge and edge < twin:
            twins += 1
            assert (edge in drawn) != (twin in drawn)
    assert twins > 2000  # Westminster has thousands of two-way blocks
    unmerged = westminster.roads_geojson(merge=False)
    assert len(unmerged["features"]) == len(drawn) == westminster.edge_count - twins
    assert max(_segments(unmerged).values()) == 1


def test_it_shrinks_when_merged_and_simplified(westminster: RoadGraph, layer: dict[str, Any]) -> None:
    def size(collection: dict[str, Any]) -> int:
        return len(json.dumps(collection, separators=(",", ":")))

    simplified = westminster.roads_geojson(simplify_m=1.0)
    _assert_valid(simplified, westminster.bounds)
    assert size(simplified) < size(layer) < size(westminster.roads_geojson(merge=False))
    assert size(simplified) < 600_000


def test_it_serialises_the_layer_once_per_tolerance(westminster: RoadGraph) -> None:
    body = westminster.roads_geojson_bytes(1.0)
    assert westminster.roads_geojson_bytes(1.0) is body
    assert json.loads(body) == json.loads(json.dumps(westminster.roads_geojson(1.0)))
