"""Shortest travel times equal networkx's Dijkstra on the same weights (networkx is only the test oracle)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from peel.roads import RoadGraph


def _oracle(graph: RoadGraph, *, reverse: bool = False) -> nx.MultiDiGraph:
    """Every directed edge, parallel edges and self-loops included: the oracle sees the raw network."""
    oracle = nx.MultiDiGraph()
    oracle.add_nodes_from(range(graph.node_count))
    edges = graph.edges
    pairs = zip(edges.v, edges.u, strict=True) if reverse else zip(edges.u, edges.v, strict=True)
    oracle.add_weighted_edges_from((int(a), int(b), float(t)) for (a, b), t in zip(pairs, edges.time_s, strict=True))
    return oracle


def _as_array(lengths: dict[int, float], size: int) -> np.ndarray:
    expected = np.full(size, np.inf)
    for node, seconds in lengths.items():
        expected[node] = seconds
    return expected


@pytest.fixture(scope="module")
def sources(westminster: RoadGraph) -> list[int]:
    rng = np.random.default_rng(7)
    picked = rng.choice(westminster.node_count, size=12, replace=False).tolist()
    # Include nodes outside the main component: their reachability differs and must still agree.
    outside = np.flatnonzero(~westminster.main_component)[:3].tolist()
    return [int(node) for node in picked + outside]


def test_it_agrees_from_each_source(westminster: RoadGraph, sources: list[int]) -> None:
    oracle = _oracle(westminster)
    ours = westminster.travel_times_from(sources)
    for row, source in enumerate(sources):
        lengths, _ = nx.single_source_dijkstra(oracle, source, weight="weight")
        expected = _as_array(lengths, westminster.node_count)
        assert np.array_equal(np.isinf(ours[row]), np.isinf(expected))
        finite = np.isfinite(expected)
        assert np.allclose(ours[row][finite], expected[finite], rtol=0, atol=1e-6)


def test_it_agrees_towards_each_target(westminster: RoadGraph, sources: list[int]) -> None:
    oracle = _oracle(westminster, reverse=True)
    targets = sources[:4]
    ours = westminster.travel_times_to(targets)
    for row, target in enumerate(targets):
        lengths, _ = nx.single_source_dijkstra(oracle, target, weight="weight")
        expected = _as_array(lengths, westminster.node_count)
        assert np.allclose(ours[row], expected, rtol=0, atol=1e-6, equal_nan=False)


def test_it_takes_the_nearest_of_several_sources(westminster: RoadGraph, sources: list[int]) -> None:
    each = westminster.travel_times_from(sources[:5])
    nearest = westminster.travel_times_from(sources[:5], min_only=True)
    assert np.array_equal(nearest, each.min(axis=0))


def test_it_stops_at_the_limit(westminster: RoadGraph, sources: list[int]) -> None:
    full = westminster.travel_times_from(sources[0])
    limited = westminster.travel_times_from(sources[0], limit=120.0)
    within = full <= 120.0
    assert np.array_equal(limited[within], full[within])
    assert np.isinf(limited[~within]).all()


def test_it_reports_unreachable_nodes_as_infinite(westminster: RoadGraph) -> None:
    main = np.flatnonzero(westminster.main_component)[0]
    times = westminster.travel_times_from(int(main))
    assert np.isfinite(times[westminster.main_component]).all()
    # Outside the main component, some nodes cannot be reached from it (or it from them).
    back = westminster.travel_times_to(int(main))
    stranded = ~westminster.main_component
    assert (np.isinf(times[stranded]) | np.isinf(back[stranded])).all()
