"""The force's road network (OpenStreetMap): travel times, routes, snapping, map layers, synthetic addresses.

Load once at start-up and keep the object::

    graph = load_road_graph(settings.road_graph)
    seconds = graph.travel_time((51.5136, -0.1365), (51.4994, -0.1245))

Nothing is read or built at import time.
"""

from peel.roads.graph import WALK_SPEED_MPS, Bounds, RoadGraph, load_road_graph
from peel.roads.graphml import GraphMLError
from peel.roads.speeds import default_speed_kmh, parse_maxspeed

__all__ = [
    "WALK_SPEED_MPS",
    "Bounds",
    "GraphMLError",
    "RoadGraph",
    "default_speed_kmh",
    "load_road_graph",
    "parse_maxspeed",
]
