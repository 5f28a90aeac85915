"""Loading the real Westminster drive network gives the sizes PROVENANCE.md states, in the right place."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from peel.roads import RoadGraph, load_road_graph

# A generous box around the City of Westminster.
SOUTH, NORTH, WEST, EAST = 51.47, 51.55, -0.23, -0.10


def test_it_has_the_documented_number_of_nodes_and_edges(westminster: RoadGraph) -> None:
    assert westminster.node_count == 3311
    assert westminster.edge_count == 7478


def test_it_puts_every_point_inside_westminster(westminster: RoadGraph) -> None:
    lat, lon = westminster.nodes.lat, westminster.nodes.lon
    assert ((lat > SOUTH) & (lat < NORTH)).all() and ((lon > WEST) & (lon < EAST)).all()
    box = westminster.bounds
    assert SOUTH < box.south < box.north < NORTH and WEST < box.west < box.east < EAST


def test_it_projects_to_the_british_national_grid_near_westminster(westminster: RoadGraph) -> None:
    assert abs(np.median(westminster.nodes.easting) - 529_000) < 3_000
    assert abs(np.median(westminster.nodes.northing) - 180_000) < 3_000


def test_it_gives_every_edge_a_positive_finite_time(westminster: RoadGraph) -> None:
    edges = westminster.edges
    assert np.isfinite(edges.time_s).all() and (edges.time_s > 0).all()
    assert np.allclose(edges.time_s, edges.length_m / (edges.speed_kmh / 3.6))
    # Westminster's roads are almost all posted at 20 mph.
    assert np.median(edges.speed_kmh) == np.float64(20 * 1.609344)


def test_it_keeps_names_and_geometry(westminster: RoadGraph) -> None:
    edges = westminster.edges
    assert "Marylebone Road" in set(edges.name)
    for edge in range(0, len(edges), 97):
        line = edges.lonlat(edge)
        assert len(line) >= 2
        start, end = edges.u[edge], edges.v[edge]
        assert np.allclose(line[0], [westminster.nodes.lon[start], westminster.nodes.lat[start]])
        assert np.allclose(line[-1], [westminster.nodes.lon[end], westminster.nodes.lat[end]])


def test_it_reads_plain_graphml_the_same_as_gzipped(westminster_path: Path, tmp_path: Path) -> None:
    plain = tmp_path / "westminster.graphml"
    plain.write_bytes(gzip.decompress(westminster_path.read_bytes()))
    graph = load_road_graph(plain)
    gzipped = load_road_graph(westminster_path)
    assert graph.node_count == gzipped.node_count and graph.edge_count == gzipped.edge_count
    assert np.array_equal(graph.edges.time_s, gzipped.edges.time_s)


def test_it_finds_one_main_strongly_connected_component(westminster: RoadGraph) -> None:
    main = westminster.main_component
    assert 0.95 * westminster.node_count < main.sum() < westminster.node_count
