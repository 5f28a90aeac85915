"""The force's road network: load it once, then snap points, time journeys, route and draw.

``load_road_graph`` reads an OSMnx GraphML file into a :class:`RoadGraph`; the web app builds one at start-up
and keeps it (it is immutable, so one object can serve every request and thread). Derived structures
(KD-trees, reverse graph, outline) are built on first use and cached on the object.

Conventions: node and edge *indices* are positions in the arrays (not OSM ids); times are seconds of free-flow
driving at the posted limit (see :mod:`peel.roads.speeds`); coordinates are (lat, lon) in Python APIs and
[lon, lat] in GeoJSON. Only the largest strongly connected component is routable from anywhere to anywhere: a
node outside it (a one-way stub cut off at the area's edge, say) may not reach or be reached, and such
journeys come back as ``inf`` seconds. ``nearest_node`` therefore snaps to the main component unless asked
otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree
from shapely.geometry import Polygon

from peel.core.errors import InvalidInput
from peel.roads.geometry import (
    OSM_ATTRIBUTION,
    concave_outline,
    drawn_once,
    geojson_positions,
    merged_polylines,
    sample_on_edges,
)
from peel.roads.graphml import read_graphml
from peel.roads.tables import EdgeTable, NodeTable, build_edges, build_nodes, to_bng

# Straight-line gap between a point and its snapped node, covered on foot: the officer walks from where the
# car stops to the door (and the GPS fix of a unit is rarely exactly on a junction). 1.4 m/s is a typical
# walking pace.
WALK_SPEED_MPS = 1.4

NodeIndices = int | Sequence[int] | np.ndarray


class Bounds(NamedTuple):
    """A lat/lon box; ``[[south, west], [north, east]]`` is what Leaflet's ``fitBounds`` takes."""

    south: float
    west: float
    north: float
    east: float


def _min_time_matrix(edges: EdgeTable, n: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """CSR matrix of the fastest edge per (u, v) pair, and the edge index behind each stored entry.

    Building CSR from COO would *sum* parallel edges (two roads between the same junctions), so the fastest
    one is chosen first. Self-loops are dropped: they never shorten a journey.
    """
    real = np.flatnonzero(edges.u != edges.v)
    order = real[np.lexsort((edges.time_s[real], edges.v[real], edges.u[real]))]
    u, v = edges.u[order], edges.v[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    chosen = order[first]
    indptr = np.searchsorted(edges.u[chosen], np.arange(n + 1))
    matrix = sp.csr_matrix((edges.time_s[chosen], edges.v[chosen], indptr), shape=(n, n))
    return matrix, chosen


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed road network with travel times. Build it with :func:`load_road_graph`."""

    nodes: NodeTable
    edges: EdgeTable
    times: sp.csr_matrix  # N × N, seconds; entry (u, v) is the fastest edge u → v
    matrix_edge: np.ndarray  # edge index behind each stored entry of ``times``
    component: np.ndarray  # strongly connected component label per node
    main_component: np.ndarray  # bool per node: in the largest strongly connected component
    source: str = ""

    def warm_up(self) -> RoadGraph:
        """Build the lazily cached structures now (KD-trees, reverse graph, drawn edges, outline) so that the
        first request after start-up is not the slow one. Returns the graph, so ``load(p).warm_up()`` chains.
        """
        cached = ("_tree_main", "_tree_all", "_reverse_times", "drawn_edges", "_outline", "_address_edges")
        for name in cached:
            getattr(self, name)
        return self

    # ----- sizes and lookups -------------------------------------------------------------------------------
    @property
    def node_count(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.edges)

    @cached_property
    def _index_by_osm_id(self) -> dict[int, int]:
        return {int(osm_id): i for i, osm_id in enumerate(self.nodes.osm_id)}

    def index_of(self, osm_id: int) -> int:
        """The node index of an OSM node id."""
        try:
            return self._index_by_osm_id[osm_id]
        except KeyError:
            raise InvalidInput(f"OSM node {osm_id} is not in the road graph") from None

    def edge_between(self, u: int, v: int) -> int:
        """Index of the fastest edge u → v (the one routing uses); -1 when there is none."""
        row = slice(self.times.indptr[u], self.times.indptr[u + 1])
        targets = self.times.indices[row]
        position = int(np.searchsorted(targets, v))
        if position < len(targets) and targets[position] == v:
            return int(self.matrix_edge[row][position])
        return -1

    @cached_property
    def bounds(self) -> Bounds:
        lon, lat = self.edges.geom_lonlat[:, 0], self.edges.geom_lonlat[:, 1]
        lat = np.concatenate([lat, self.nodes.lat])
        lon = np.concatenate([lon, self.nodes.lon])
        return Bounds(float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max()))

    # ----- snapping -----------------------------------------------------------------------------------------
    @cached_property
    def _main_nodes(self) -> np.ndarray:
        return np.flatnonzero(self.main_component)

    @cached_property
    def _tree_main(self) -> cKDTree:
        main = self._main_nodes
        return cKDTree(np.column_stack([self.nodes.easting[main], self.nodes.northing[main]]))

    @cached_property
    def _tree_all(self) -> cKDTree:
        return cKDTree(np.column_stack([self.nodes.easting, self.nodes.northing]))

    def nearest_nodes(
        self,
        lats: Sequence[float] | np.ndarray,
        lons: Sequence[float] | np.ndarray,
        *,
        main_only: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Snap many points: (node indices, straight-line distances in metres on the grid).

        With ``main_only`` (the default) only nodes of the largest strongly connected component are
        candidates, so every snapped pair has a finite journey time.
        """
        lat_arr, lon_arr = np.atleast_1d(np.asarray(lats, float)), np.atleast_1d(np.asarray(lons, float))
        if lat_arr.shape != lon_arr.shape:
            raise InvalidInput("latitudes and longitudes must come in pairs")
        easting, northing = to_bng(lon_arr, lat_arr)
        if not (np.isfinite(easting).all() and np.isfinite(northing).all()):
            raise InvalidInput("a point lies outside Great Britain, where the road network cannot reach")
        tree = self._tree_main if main_only else self._tree_all
        distance, found = tree.query(np.column_stack([easting, northing]))
        nodes = self._main_nodes[found] if main_only else np.asarray(found)
        return nodes.astype(np.int64), np.asarray(distance, dtype=float)

    def nearest_node(self, lat: float, lon: float, *, main_only: bool = True) -> int:
        """The index of the node nearest to a point (see :meth:`nearest_nodes`)."""
        nodes, _ = self.nearest_nodes([lat], [lon], main_only=main_only)
        return int(nodes[0])

    # ----- travel times and routes --------------------------------------------------------------------------
    @cached_property
    def _reverse_times(self) -> sp.csr_matrix:
        return self.times.T.tocsr()

    def _check_nodes(self, nodes: NodeIndices) -> np.ndarray:
        array = np.asarray(nodes)
        if array.size and (array.min() < 0 or array.max() >= self.node_count):
            raise InvalidInput(f"node index out of range 0..{self.node_count - 1}")
        return array

    def travel_times_from(self, sources: NodeIndices, *, limit: float = np.inf, min_only: bool = False) -> np.ndarray:
        """Seconds from each source to every node (``inf``: unreachable, or beyond ``limit`` seconds).

        One source → shape (N,); a sequence of k → (k, N); ``min_only`` → (N,) the time from the nearest
        source.
        """
        indices = self._check_nodes(sources)
        result = dijkstra(self.times, directed=True, indices=indices, limit=limit, min_only=min_only)
        return np.asarray(result)

    def travel_times_to(self, targets: NodeIndices, *, limit: float = np.inf, min_only: bool = False) -> np.ndarray:
        """Seconds from every node to each target: one search on the reversed graph.

        This is dispatch's question ("how far is every unit from this incident?") in one call. Shapes as in
        :meth:`travel_times_from`; entry ``[i, j]`` is the time from node ``j`` to target ``i``.
        """
        indices = self._check_nodes(targets)
        result = dijkstra(self._reverse_times, directed=True, indices=indices, limit=limit, min_only=min_only)
        return np.asarray(result)

    def travel_time(self, origin: tuple[float, float], destination: tuple[float, float], *, walk: bool = True) -> float:
        """Seconds from one (lat, lon) to another: drive between the snapped nodes, plus (with ``walk``) the
        straight-line gaps at both ends at :data:`WALK_SPEED_MPS`."""
        nodes, gaps = self.nearest_nodes([origin[0], destination[0]], [origin[1], destination[1]])
        drive = float(self.travel_times_from(int(nodes[0]))[nodes[1]])
        return drive + (float(gaps.sum()) / WALK_SPEED_MPS if walk else 0.0)

    def route_edges(self, source: int, target: int) -> list[int]:
        """Edge indices of a fastest route; empty when ``target`` is unreachable or equals ``source``."""
        self._check_nodes([source, target])
        _, predecessors = dijkstra(self.times, directed=True, indices=source, return_predecessors=True)
        if source != target and predecessors[target] < 0:
            return []
        path: list[int] = []
        node = target
        while node != source:
            previous = int(predecessors[node])
            path.append(self.edge_between(previous, node))
            node = previous
        return path[::-1]

    def route(self, source: int, target: int) -> list[tuple[float, float]]:
        """A fastest route as (lat, lon) points along the roads' shapes; [] when unreachable."""
        if source == target:
            self._check_nodes([source])
            return [(float(self.nodes.lat[source]), float(self.nodes.lon[source]))]
        points: list[tuple[float, float]] = []
        for edge in self.route_edges(source, target):
            lonlat = self.edges.lonlat(edge)
            # Each edge starts where the previous one ended: skip the repeated junction.
            for lon, lat in lonlat[1:] if points else lonlat:
                points.append((float(lat), float(lon)))
        return points

    # ----- map layers ---------------------------------------------------------------------------------------
    @cached_property
    def drawn_edges(self) -> np.ndarray:
        """Edge indices that draw every road once (two-way pairs merged)."""
        return drawn_once(self.edges.geom_offsets, self.edges.geom_lonlat)

    def roads_geojson(self, simplify_m: float = 0, *, merge: bool = True) -> dict[str, Any]:
        """The road lines as a GeoJSON FeatureCollection (properties: name, highway), each road drawn once.

        With ``merge`` (the default) consecutive blocks of one street become one LineString. ``simplify_m`` >
        0 applies Douglas–Peucker with that tolerance in metres. Serialise with compact separators
        (``json.dumps(..., separators=(",", ":"))``) and serve gzipped: it is the web map's base layer.
        """
        if simplify_m < 0:
            raise InvalidInput("simplify_m must not be negative")
        drawn = self.drawn_edges
        offsets, lonlat = self.edges.geom_offsets, self.edges.geom_lonlat
        if merge:
            groups = [(self.edges.name[e], self.edges.highway[e]) for e in drawn.tolist()]
            lines, owners = merged_polylines(offsets, lonlat, drawn, groups)
        else:
            lines, owners = [lonlat[offsets[e] : offsets[e + 1]] for e in drawn], drawn.tolist()
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": positions},
                "properties": {"name": self.edges.name[edge] or None, "highway": self.edges.highway[edge]},
            }
            for edge, positions in zip(owners, geojson_positions(lines, simplify_m), strict=True)
        ]
        return {"type": "FeatureCollection", "attribution": OSM_ATTRIBUTION, "features": features}

    @cached_property
    def _serialised_layers(self) -> dict[float, bytes]:
        return {}

    def roads_geojson_bytes(self, simplify_m: float = 1.0) -> bytes:
        """:meth:`roads_geojson` as compact UTF-8 JSON, built once per tolerance and then reused.

        Serve this (``application/geo+json``, gzipped) rather than the dict: re-encoding 20,000 positions
        per request costs a web framework about a quarter of a second. 1 m of simplification is invisible at
        street zoom and cuts the layer by a third.
        """
        cache = self._serialised_layers
        if simplify_m not in cache:
            layer = self.roads_geojson(simplify_m)
            cache[simplify_m] = json.dumps(layer, separators=(",", ":"), ensure_ascii=False).encode()
        return cache[simplify_m]

    @cached_property
    def _outline(self) -> Polygon:
        # The roads' shape points, not only junctions: a long curved road (Regent's Park's Outer Circle) has
        # few junctions, and the outline should follow the road, not cut its corner.
        return concave_outline(self.edges.geom_xy, self.edges.geom_lonlat)

    def boundary(self) -> Polygon:
        """The force area as a polygon in (lon, lat): a concave hull of the roads (approximate; see
        :func:`peel.roads.geometry.concave_outline`)."""
        return self._outline

    def boundary_geojson(self) -> dict[str, Any]:
        """The force area as a GeoJSON Polygon geometry (wrap it in a Feature as needed), rounded to 6 dp."""
        ring = [[round(lon, 6), round(lat, 6)] for lon, lat in self._outline.exterior.coords]
        return {"type": "Polygon", "coordinates": [ring]}

    # ----- synthetic addresses ------------------------------------------------------------------------------
    @cached_property
    def _address_edges(self) -> np.ndarray:
        """Drawn-once edges with exactly one street name (a merged edge's name is ambiguous along it)."""
        names = self.edges.name
        single = [e for e in self.drawn_edges.tolist() if names[e] and "; " not in names[e]]
        return np.array(single, dtype=np.int64)

    def sample_addresses_points(self, rng: np.random.Generator, n: int) -> list[tuple[float, float, str]]:
        """``n`` (lat, lon, street name) points on named roads, uniform by road length; the same seed gives
        the same points. Each two-way road counts once, so it is not sampled twice as often as a one-way
        street."""
        edges, points = sample_on_edges(
            rng, n, self._address_edges, self.edges.geom_offsets, self.edges.geom_lonlat, self.edges.geom_xy
        )
        names = self.edges.name
        pairs = zip(edges.tolist(), points.tolist(), strict=True)
        return [(lat, lon, names[edge]) for edge, (lon, lat) in pairs]


def load_road_graph(path: Path) -> RoadGraph:
    """Read an OSMnx GraphML file (gzipped or plain) into a :class:`RoadGraph`."""
    doc = read_graphml(Path(path))
    nodes, index = build_nodes(doc)
    edges = build_edges(doc, nodes, index)
    times, matrix_edge = _min_time_matrix(edges, len(nodes))
    _, labels = connected_components(times, directed=True, connection="strong")
    main_label = np.bincount(labels).argmax() if len(labels) else 0
    return RoadGraph(
        nodes=nodes,
        edges=edges,
        times=times,
        matrix_edge=matrix_edge,
        component=labels,
        main_component=labels == main_label,
        source=str(path),
    )
