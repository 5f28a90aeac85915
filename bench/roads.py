"""Benchmark of the road network module (``python -m bench.roads [graphml]``).

Measures what the web app and dispatch pay: loading the graph at start-up, one-to-all travel times (scipy's
compiled Dijkstra against networkx on the same sources and weights, run here as the baseline), snapping points
to the network, and the size of the map's base layer. Prints the machine it ran on, since timings mean little
without it.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import networkx as nx
import numpy as np
import scipy

from peel.roads import RoadGraph, load_road_graph

DEFAULT_GRAPH = Path(__file__).resolve().parents[1] / "data" / "osm-westminster" / "westminster_drive.graphml.gz"
SOURCES = 30
SEED = 2024


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _median_seconds(work: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def _networkx_baseline(graph: RoadGraph) -> nx.MultiDiGraph:
    oracle = nx.MultiDiGraph()
    oracle.add_nodes_from(range(graph.node_count))
    edges = graph.edges
    oracle.add_weighted_edges_from(
        (int(u), int(v), float(t)) for u, v, t in zip(edges.u, edges.v, edges.time_s, strict=True)
    )
    return oracle


def _dijkstra_rows(graph: RoadGraph, sources: list[int]) -> list[tuple[str, str]]:
    baseline = _networkx_baseline(graph)
    ours = [_median_seconds(partial(graph.travel_times_from, source), 1) for source in sources]
    theirs = [
        _median_seconds(partial(nx.single_source_dijkstra_path_length, baseline, source), 1) for source in sources
    ]
    units = sources[:20]
    many = _median_seconds(lambda: graph.travel_times_to(units[0]), 5)
    ratio = statistics.median(theirs) / statistics.median(ours)
    return [
        (
            f"one-to-all travel times, scipy csgraph (median of {len(sources)})",
            f"{statistics.median(ours) * 1e3:.2f} ms",
        ),
        (
            f"one-to-all travel times, networkx baseline (same {len(sources)})",
            f"{statistics.median(theirs) * 1e3:.2f} ms",
        ),
        ("speed-up over networkx", f"{ratio:.1f}×"),
        ("all-to-one (every unit to an incident), reversed graph", f"{many * 1e3:.2f} ms"),
        (
            "route with shape points (predecessors)",
            f"{_median_seconds(lambda: graph.route(units[1], units[2]), 5) * 1e3:.2f} ms",
        ),
    ]


def _snapping_rows(graph: RoadGraph, rng: np.random.Generator) -> list[tuple[str, str]]:
    box = graph.bounds
    count = 100_000
    lats, lons = rng.uniform(box.south, box.north, count), rng.uniform(box.west, box.east, count)
    graph.nearest_nodes(lats[:10], lons[:10])  # build the KD-tree outside the timing
    batch = _median_seconds(lambda: graph.nearest_nodes(lats, lons), 3)
    singles = 2_000
    one_by_one = _median_seconds(
        lambda: [graph.nearest_node(a, b) for a, b in zip(lats[:singles], lons[:singles], strict=True)], 3
    )
    return [
        (f"nearest node, vectorised ({count:,} points incl. OSTN15)", f"{count / batch:,.0f} queries/s"),
        ("nearest node, one call per point", f"{singles / one_by_one:,.0f} queries/s"),
    ]


def _geojson_rows(graph: RoadGraph) -> list[tuple[str, str]]:
    rows = []
    for simplify_m in (0.0, 1.0, 2.0):
        start = time.perf_counter()
        layer = graph.roads_geojson(simplify_m)
        elapsed = time.perf_counter() - start
        body = json.dumps(layer, separators=(",", ":")).encode()
        rows.append(
            (
                f"roads GeoJSON, simplify {simplify_m:g} m ({len(layer['features']):,} lines)",
                f"{len(body):,} B ({len(gzip.compress(body)):,} B gzipped), built in {elapsed * 1e3:.0f} ms",
            )
        )
    return rows


def _print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{title}")
    print(f"{'-' * width}  {'-' * 40}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_GRAPH
    machine = [
        ("CPU", _cpu_model()),
        ("cores (os.cpu_count)", str(os.cpu_count())),
        ("Python", platform.python_version()),
        ("numpy / scipy / networkx", f"{np.__version__} / {scipy.__version__} / {nx.__version__}"),
    ]
    load = _median_seconds(lambda: load_road_graph(path), 3)
    graph = load_road_graph(path)
    rng = np.random.default_rng(SEED)
    sources = [int(n) for n in rng.choice(np.flatnonzero(graph.main_component), size=SOURCES, replace=False)]
    size = [
        ("graph", f"{path.name}: {graph.node_count:,} nodes, {graph.edge_count:,} directed edges"),
        ("load (parse GraphML, OSTN15, CSR, components; median of 3)", f"{load * 1e3:.0f} ms"),
    ]
    _print_table("Machine", machine)
    _print_table(
        "Road network",
        size + _dijkstra_rows(graph, sources) + _snapping_rows(graph, rng) + _geojson_rows(graph),
    )


if __name__ == "__main__":
    main()
