"""Hand-made GraphML files pin down the reader's rules: keys, parallel edges, self-loops, one-way sinks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peel.roads import GraphMLError, load_road_graph
from peel.roads.speeds import MPH_TO_KMH

# Four junctions about 100 m apart around Soho Square. Keys are deliberately not OSMnx's ids.
_HEADER = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="k_lat" for="node" attr.name="y" attr.type="string"/>
<key id="k_lon" for="node" attr.name="x" attr.type="string"/>
<key id="k_len" for="edge" attr.name="length" attr.type="string"/>
<key id="k_hw" for="edge" attr.name="highway" attr.type="string"><default>residential</default></key>
<key id="k_ms" for="edge" attr.name="maxspeed" attr.type="string"/>
<key id="k_name" for="edge" attr.name="name" attr.type="string"/>
<key id="k_geom" for="edge" attr.name="geometry" attr.type="string"/>
<graph edgedefault="{direction}">
<node id="1"><data key="k_lat">51.5150</data><data key="k_lon">-0.1320</data></node>
<node id="2"><data key="k_lat">51.5150</data><data key="k_lon">-0.1305</data></node>
<node id="3"><data key="k_lat">51.5159</data><data key="k_lon">-0.1305</data></node>
<node id="4"><data key="k_lat">51.5159</data><data key="k_lon">-0.1320</data></node>
"""
_FOOTER = "</graph>\n</graphml>\n"


def _edge(source: int, target: int, length: float | None, **data: str) -> str:
    fields = dict(data)
    if length is not None:
        fields["len"] = str(length)
    body = "".join(f'<data key="k_{key}">{value}</data>' for key, value in fields.items())
    return f'<edge source="{source}" target="{target}">{body}</edge>\n'


def _write(tmp_path: Path, edges: str, direction: str = "directed") -> Path:
    path = tmp_path / "small.graphml"
    path.write_text(_HEADER.format(direction=direction) + edges + _FOOTER, encoding="utf-8")
    return path


def test_it_keeps_the_fastest_of_parallel_edges_and_drops_self_loops(tmp_path: Path) -> None:
    edges = (
        _edge(1, 2, 200.0, ms="20 mph", name="Soho Square")
        + _edge(1, 2, 100.0, ms="20 mph", name="Soho Square")
        + _edge(2, 2, 50.0, ms="20 mph")
        + _edge(2, 1, 100.0, ms="20 mph")
    )
    graph = load_road_graph(_write(tmp_path, edges))
    assert graph.edge_count == 4 and graph.times.nnz == 2
    assert graph.edge_between(0, 1) == 1
    assert graph.travel_times_from(0)[1] == pytest.approx(100.0 / (20 * MPH_TO_KMH / 3.6))


def test_it_uses_key_defaults_and_class_speeds(tmp_path: Path) -> None:
    graph = load_road_graph(_write(tmp_path, _edge(1, 2, 100.0) + _edge(2, 1, 100.0, hw="primary")))
    assert graph.edges.highway == ("residential", "primary")
    assert np.isnan(graph.edges.maxspeed_kmh).all()
    assert graph.edges.speed_kmh.tolist() == pytest.approx([20 * MPH_TO_KMH, 30 * MPH_TO_KMH])


def test_it_measures_edges_without_a_length_along_their_geometry(tmp_path: Path) -> None:
    bent = "LINESTRING (-0.1320 51.5150, -0.1320 51.5159, -0.1305 51.5159, -0.1305 51.5150)"
    graph = load_road_graph(_write(tmp_path, _edge(1, 2, None, geom=bent) + _edge(2, 1, None)))
    around, straight = graph.edges.length_m
    assert straight == pytest.approx(104, abs=2)  # 0.0015° of longitude at 51.5° N
    assert around == pytest.approx(straight + 2 * 100, abs=4)
    assert len(graph.edges.lonlat(0)) == 4 and len(graph.edges.lonlat(1)) == 2


def test_it_reads_an_undirected_graph_as_two_way(tmp_path: Path) -> None:
    graph = load_road_graph(_write(tmp_path, _edge(1, 2, 100.0) + _edge(2, 3, 100.0), "undirected"))
    assert graph.edge_count == 4
    assert np.isfinite(graph.travel_times_from(2)[[0, 1]]).all()


def test_it_marks_a_one_way_dead_end_as_unreachable_onwards(tmp_path: Path) -> None:
    # 1 ⇄ 2 ⇄ 3 form the main component; 3 → 4 is a one-way stub with no way back.
    edges = "".join(_edge(a, b, 100.0) for a, b in [(1, 2), (2, 1), (2, 3), (3, 2), (3, 1), (1, 3), (3, 4)])
    graph = load_road_graph(_write(tmp_path, edges))
    assert graph.main_component.tolist() == [True, True, True, False]
    assert np.isfinite(graph.travel_times_from(0)[3])
    assert np.isinf(graph.travel_times_from(3)[:3]).all()
    assert graph.route(3, 0) == []
    # Snapping at the stub's end picks the nearest node that can get anywhere (node 1, 100 m south).
    assert graph.nearest_node(51.5159, -0.1320, main_only=False) == 3
    assert graph.nearest_node(51.5159, -0.1320) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<node id='9'><data key='k_lat'>51.5</data></node>", "numeric"),
        (_edge(1, 99, 10.0), "unknown node"),
        ("<node id='abc'><data key='k_lat'>51.5</data><data key='k_lon'>0</data></node>", "OSM id"),
        ("<edge source='1' target=", "well-formed"),
    ],
)
def test_it_rejects_broken_files(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(GraphMLError, match=message):
        load_road_graph(_write(tmp_path, body))


def test_it_rejects_a_file_without_a_graph(tmp_path: Path) -> None:
    path = tmp_path / "empty.graphml"
    path.write_text('<graphml xmlns="http://graphml.graphdrawing.org/xmlns"></graphml>', encoding="utf-8")
    with pytest.raises(GraphMLError, match="no <graph>"):
        load_road_graph(path)
