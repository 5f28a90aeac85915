"""One-way streets are driven one way only: a trip against the flow must go round."""

from __future__ import annotations

import numpy as np

from peel.roads import RoadGraph


def _one_way_edges(graph: RoadGraph) -> list[int]:
    """Edges u → v in the main component with no edge v → u at all."""
    edges, main = graph.edges, graph.main_component
    return [
        edge
        for edge in range(graph.edge_count)
        if edges.u[edge] != edges.v[edge]
        and main[edges.u[edge]]
        and main[edges.v[edge]]
        and graph.edge_between(int(edges.v[edge]), int(edges.u[edge])) == -1
    ]


def test_it_has_one_way_streets_and_marks_them(westminster: RoadGraph) -> None:
    one_way = _one_way_edges(westminster)
    assert len(one_way) > 500
    assert westminster.edges.oneway[one_way].mean() > 0.95


def test_it_makes_the_reverse_trip_longer(westminster: RoadGraph) -> None:
    edges = westminster.edges
    one_way = _one_way_edges(westminster)[::10]
    starts = edges.u[one_way]
    ends = edges.v[one_way]
    forward = westminster.travel_times_from(starts)[np.arange(len(one_way)), ends]
    backward = westminster.travel_times_from(ends)[np.arange(len(one_way)), starts]
    # With the edge itself available, going with the flow never costs more than the edge.
    assert (forward <= edges.time_s[one_way] + 1e-9).all()
    # Against the flow the trip must detour; for a one-way street it is (almost always) strictly longer.
    assert (backward > forward).mean() > 0.9


def test_it_routes_a_reverse_trip_only_along_the_flow(westminster: RoadGraph) -> None:
    edges = westminster.edges
    edge = _one_way_edges(westminster)[0]
    start, end = int(edges.u[edge]), int(edges.v[edge])
    route = westminster.route_edges(end, start)
    assert route and edge not in route
    node = end
    for step in route:
        assert edges.u[step] == node  # each step is driven from its source to its target
        node = int(edges.v[step])
    assert node == start
    assert np.isclose(edges.time_s[route].sum(), westminster.travel_times_from(end)[start], rtol=0, atol=1e-6)
