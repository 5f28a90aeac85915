"""Turn GraphML records into column arrays: one table of nodes, one of directed edges with their geometry.

Columns (numpy arrays) rather than per-edge objects keep a 7,500-edge network at a few hundred kilobytes and
let routing, snapping and drawing work vectorised. Edge geometry is stored CSR-style: the points of edge ``e``
are ``geom_lonlat[geom_offsets[e]:geom_offsets[e + 1]]``, always starting at the edge's source node and ending
at its target (a straight two-point line when OSMnx stored no geometry, which it omits for straight edges).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from convertbng.cutil import convert_bng

from peel.roads.geometry import edge_lengths
from peel.roads.graphml import GraphMLDocument, GraphMLError
from peel.roads.speeds import edge_speed_kmh, main_highway_class, parse_maxspeed, parse_osm_list


@dataclass(frozen=True, eq=False)
class NodeTable:
    """Road junctions and dead ends. Index ``i`` in every array is the same node."""

    osm_id: np.ndarray  # int64 OpenStreetMap node id
    lat: np.ndarray  # WGS84 degrees
    lon: np.ndarray
    easting: np.ndarray  # British National Grid metres (OSTN15)
    northing: np.ndarray

    def __len__(self) -> int:
        return len(self.osm_id)


@dataclass(frozen=True, eq=False)
class EdgeTable:
    """Directed road segments between nodes; a two-way street appears once in each direction."""

    u: np.ndarray  # int64 source node index
    v: np.ndarray  # int64 target node index
    length_m: np.ndarray  # float64, OSMnx great-circle length
    name: tuple[str, ...]  # "" when unnamed; several merged ways' names joined with "; " (the OSM separator)
    highway: tuple[str, ...]  # the most important class when several were merged
    maxspeed_kmh: np.ndarray  # float64, the posted limit, NaN when none was usable
    speed_kmh: np.ndarray  # float64, the speed routing uses (posted, else the class default)
    time_s: np.ndarray  # float64, free-flow travel time in seconds
    oneway: np.ndarray  # bool, OSM oneway flag as OSMnx recorded it
    geom_offsets: np.ndarray  # int64, len E + 1
    geom_lonlat: np.ndarray  # float64 (P, 2): lon, lat
    geom_xy: np.ndarray  # float64 (P, 2): BNG easting, northing

    def __len__(self) -> int:
        return len(self.u)

    def lonlat(self, edge: int) -> np.ndarray:
        return self.geom_lonlat[self.geom_offsets[edge] : self.geom_offsets[edge + 1]]

    def xy(self, edge: int) -> np.ndarray:
        return self.geom_xy[self.geom_offsets[edge] : self.geom_offsets[edge + 1]]


def to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → BNG with OSTN15 (convertbng); NaN for points outside Great Britain."""
    if len(lon) == 0:
        return np.empty(0), np.empty(0)
    easting, northing = convert_bng(np.ascontiguousarray(lon, float), np.ascontiguousarray(lat, float))
    return np.asarray(easting, dtype=float), np.asarray(northing, dtype=float)


def _float(attrs: dict[str, str], name: str, what: str) -> float:
    try:
        return float(attrs[name])
    except (KeyError, ValueError) as exc:
        raise GraphMLError(f"{what} has no numeric {name!r}") from exc


def build_nodes(doc: GraphMLDocument) -> tuple[NodeTable, dict[str, int]]:
    """The node table and a map from GraphML node id to index."""
    count = len(doc.nodes)
    osm_id = np.empty(count, dtype=np.int64)
    lat = np.empty(count)
    lon = np.empty(count)
    index: dict[str, int] = {}
    for i, node in enumerate(doc.nodes):
        try:
            osm_id[i] = int(node.id)
        except ValueError as exc:
            raise GraphMLError(f"node id {node.id!r} is not an OSM id") from exc
        lat[i] = _float(node.attrs, "y", f"node {node.id}")
        lon[i] = _float(node.attrs, "x", f"node {node.id}")
        index[node.id] = i
    easting, northing = to_bng(lon, lat)
    if not (np.isfinite(easting).all() and np.isfinite(northing).all()):
        raise GraphMLError("some nodes lie outside Great Britain, so they have no BNG coordinates")
    return NodeTable(osm_id, lat, lon, easting, northing), index


def _geometry(doc: GraphMLDocument, nodes: NodeTable, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edge polylines as (offsets, lonlat): the WKT geometry, else the straight line from u to v."""
    wkt = [edge.attrs.get("geometry") or None for edge in doc.edges]
    geoms = shapely.from_wkt(np.array(wkt, dtype=object))
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    counts = np.bincount(owner, minlength=len(wkt)) if len(owner) else np.zeros(len(wkt), dtype=np.int64)
    straight = counts == 0
    counts = np.where(straight, 2, counts)
    offsets = np.zeros(len(wkt) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    lonlat = np.empty((int(offsets[-1]), 2))
    # get_coordinates yields the WKT points edge by edge, so they fill the non-straight slots in order.
    from_wkt = np.repeat(~straight, counts)
    lonlat[from_wkt] = coords
    starts = offsets[:-1][straight]
    lonlat[starts] = np.column_stack([nodes.lon[u[straight]], nodes.lat[u[straight]]])
    lonlat[starts + 1] = np.column_stack([nodes.lon[v[straight]], nodes.lat[v[straight]]])
    return offsets, lonlat


def build_edges(doc: GraphMLDocument, nodes: NodeTable, index: dict[str, int]) -> EdgeTable:
    count = len(doc.edges)
    u = np.empty(count, dtype=np.int64)
    v = np.empty(count, dtype=np.int64)
    length = np.empty(count)
    maxspeed = np.full(count, np.nan)
    speed = np.empty(count)
    oneway = np.zeros(count, dtype=bool)
    names: list[str] = []
    highways: list[str] = []
    for i, edge in enumerate(doc.edges):
        try:
            u[i], v[i] = index[edge.source], index[edge.target]
        except KeyError as exc:
            raise GraphMLError(f"edge {edge.source}→{edge.target} names an unknown node") from exc
        attrs = edge.attrs
        length[i] = float(attrs["length"]) if attrs.get("length") else np.nan
        highway = main_highway_class(attrs.get("highway"))
        posted = parse_maxspeed(attrs.get("maxspeed"))
        if posted is not None:
            maxspeed[i] = posted
        speed[i] = edge_speed_kmh(attrs.get("maxspeed"), highway)
        oneway[i] = attrs.get("oneway", "False").strip() in {"True", "true", "yes", "1"}
        names.append("; ".join(parse_osm_list(attrs.get("name"))))
        highways.append(highway)
    offsets, lonlat = _geometry(doc, nodes, u, v)
    easting, northing = to_bng(lonlat[:, 0], lonlat[:, 1])
    xy = np.column_stack([easting, northing])
    missing = ~np.isfinite(length)
    if missing.any():
        # No OSMnx length: measure the polyline on the grid (BNG scale error is under 0.1 % in England).
        length[missing] = edge_lengths(offsets, xy)[missing]
    time_s = length / (speed / 3.6)
    return EdgeTable(
        u=u,
        v=v,
        length_m=length,
        name=tuple(names),
        highway=tuple(highways),
        maxspeed_kmh=maxspeed,
        speed_kmh=speed,
        time_s=time_s,
        oneway=oneway,
        geom_offsets=offsets,
        geom_lonlat=lonlat,
        geom_xy=xy,
    )
