"""Routes follow the roads from source to target, and point-to-point times add the walk at both ends."""

from __future__ import annotations

import numpy as np
import pytest

from peel.core.errors import InvalidInput
from peel.roads import WALK_SPEED_MPS, RoadGraph

PICCADILLY_CIRCUS = (51.5100, -0.1347)
WESTMINSTER_ABBEY = (51.4994, -0.1273)


def _main_nodes(graph: RoadGraph, count: int) -> list[int]:
    rng = np.random.default_rng(11)
    return [int(n) for n in rng.choice(np.flatnonzero(graph.main_component), size=count, replace=False)]


def test_it_routes_from_source_to_target_along_the_roads(westminster: RoadGraph) -> None:
    source, target = _main_nodes(westminster, 2)
    points = westminster.route(source, target)
    nodes = westminster.nodes
    assert points[0] == (nodes.lat[source], nodes.lon[source])
    assert points[-1] == (nodes.lat[target], nodes.lon[target])
    steps = westminster.route_edges(source, target)
    assert len(points) == 1 + sum(len(westminster.edges.lonlat(e)) - 1 for e in steps)


def test_its_route_takes_the_shortest_time(westminster: RoadGraph) -> None:
    for source, target in zip(*[iter(_main_nodes(westminster, 10))] * 2, strict=True):
        steps = westminster.route_edges(source, target)
        total = westminster.edges.time_s[steps].sum()
        assert np.isclose(total, westminster.travel_times_from(source)[target], rtol=0, atol=1e-6)


def test_it_returns_no_route_when_unreachable(westminster: RoadGraph) -> None:
    main = int(np.flatnonzero(westminster.main_component)[0])
    times = westminster.travel_times_from(main)
    unreachable = int(np.flatnonzero(np.isinf(times))[0])
    assert westminster.route(main, unreachable) == []
    assert westminster.route(main, main) == [(westminster.nodes.lat[main], westminster.nodes.lon[main])]


def test_it_rejects_unknown_nodes(westminster: RoadGraph) -> None:
    with pytest.raises(InvalidInput):
        westminster.route(0, westminster.node_count)
    with pytest.raises(InvalidInput):
        westminster.travel_times_from([-1])


def test_it_times_a_trip_between_two_places(westminster: RoadGraph) -> None:
    drive = westminster.travel_time(PICCADILLY_CIRCUS, WESTMINSTER_ABBEY, walk=False)
    total = westminster.travel_time(PICCADILLY_CIRCUS, WESTMINSTER_ABBEY)
    nodes, gaps = westminster.nearest_nodes(
        [PICCADILLY_CIRCUS[0], WESTMINSTER_ABBEY[0]], [PICCADILLY_CIRCUS[1], WESTMINSTER_ABBEY[1]]
    )
    assert drive == westminster.travel_times_from(int(nodes[0]))[nodes[1]]
    assert total == pytest.approx(drive + gaps.sum() / WALK_SPEED_MPS)
    # About 1.5 km apart: a few minutes at 20 mph, not seconds and not an hour.
    assert 120 < drive < 600


def test_it_looks_nodes_up_by_osm_id(westminster: RoadGraph) -> None:
    assert westminster.index_of(99936) == 0
    with pytest.raises(InvalidInput):
        westminster.index_of(1)
