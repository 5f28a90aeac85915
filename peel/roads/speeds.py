"""Road speeds: parse OpenStreetMap ``maxspeed`` tags and choose a speed for roads without one.

All speeds here are in km/h. The travel time of an edge is its length at the chosen speed, i.e. free-flow time
at the posted limit; it does not model congestion, junction delay or blue-light driving. That keeps the
numbers explainable ("420 m of 20 mph road"), and a uniform factor would not change which unit is nearest
anyway.
"""

from __future__ import annotations

import ast
import math
import re
from functools import lru_cache

MPH_TO_KMH = 1.609344

# Fallback speeds for edges without a usable maxspeed, by OSM highway class. UK law: roads with street
# lighting default to 30 mph; London boroughs (Westminster included) have moved most minor roads to 20 mph, so
# residential and unclassified roads take 20 mph. Living streets are "walking pace" (about 5 mph in practice).
DEFAULT_SPEED_KMH: dict[str, float] = {
    "motorway": 70 * MPH_TO_KMH,
    "trunk": 30 * MPH_TO_KMH,
    "primary": 30 * MPH_TO_KMH,
    "secondary": 30 * MPH_TO_KMH,
    "tertiary": 30 * MPH_TO_KMH,
    "unclassified": 20 * MPH_TO_KMH,
    "residential": 20 * MPH_TO_KMH,
    "road": 20 * MPH_TO_KMH,
    "busway": 20 * MPH_TO_KMH,
    "service": 10 * MPH_TO_KMH,
    "living_street": 5 * MPH_TO_KMH,
}
# Used when the highway class itself is unknown to the table above.
FALLBACK_SPEED_KMH = 20 * MPH_TO_KMH

# Most important class first; "*_link" roads rank just after their parent. Used to pick one class for an edge
# that OSMnx merged from several ways (its highway tag then reads like "['primary', 'tertiary']").
HIGHWAY_RANK: tuple[str, ...] = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "road",
    "busway",
    "living_street",
    "service",
)

# Symbolic UK limits (OSM "GB:..." zone tags): national speed limit on single and dual carriageways,
# motorways.
_SYMBOLIC_KMH = {
    "gb:nsl_single": 60 * MPH_TO_KMH,
    "gb:nsl_dual": 70 * MPH_TO_KMH,
    "gb:motorway": 70 * MPH_TO_KMH,
    "uk:nsl_single": 60 * MPH_TO_KMH,
    "uk:nsl_dual": 70 * MPH_TO_KMH,
    "uk:motorway": 70 * MPH_TO_KMH,
}
_NUMBER_UNIT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.IGNORECASE)


def parse_osm_list(raw: str | None) -> list[str]:
    """Split an OSMnx attribute into its values.

    OSMnx writes a merged edge's attribute as a Python list literal (``"['20 mph', '30 mph']"``); OSM itself
    separates several values with ``;``. Both become a list; a plain value becomes a one-item list.
    """
    if raw is None:
        return []
    text = raw.strip()
    if not text:
        return []
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            parsed = None
        if isinstance(parsed, list):
            return [str(item).strip() for item in parsed if str(item).strip()]
    return [part.strip() for part in text.split(";") if part.strip()]


def _parse_one_speed(value: str) -> float | None:
    symbolic = _SYMBOLIC_KMH.get(value.strip().lower())
    if symbolic is not None:
        return symbolic
    match = _NUMBER_UNIT.match(value)
    if match is None:
        # "none", "signals", "variable", "walk" …: no usable number, so the class default applies.
        return None
    number = float(match.group(1))
    if number <= 0:
        return None
    unit = (match.group(2) or "").lower()
    # A bare number is km/h by OSM convention (UK mappers are asked to write "mph" explicitly).
    return number * MPH_TO_KMH if unit == "mph" else number


@lru_cache(maxsize=1024)  # a city has a handful of distinct tag values; loading parses thousands
def parse_maxspeed(raw: str | None) -> float | None:
    """An OSM ``maxspeed`` value in km/h, or None when it carries no usable speed.

    ``"20 mph"`` → 32.19; ``"30"`` → 30 (bare numbers are km/h); ``"GB:nsl_single"`` → 96.56. For a list
    (``"['20 mph', '30 mph']"`` or ``"20 mph;30 mph"``) the lower speed is taken: the edge was merged from
    ways with different limits, and under-estimating speed is the safer error for a response-time promise.
    """
    speeds = [speed for value in parse_osm_list(raw) if (speed := _parse_one_speed(value)) is not None]
    return min(speeds) if speeds else None


@lru_cache(maxsize=1024)
def main_highway_class(raw: str | None) -> str:
    """One highway class for an edge: the most important of the listed classes ("" when none)."""
    values = parse_osm_list(raw)
    if not values:
        return ""
    rank = {name: position for position, name in enumerate(HIGHWAY_RANK)}
    return min(values, key=lambda value: rank.get(value, len(rank)))


def default_speed_kmh(highway: str) -> float:
    """The fallback speed for a highway class; a link road takes its parent's speed."""
    base = highway.removesuffix("_link")
    return DEFAULT_SPEED_KMH.get(base, FALLBACK_SPEED_KMH)


def edge_speed_kmh(maxspeed: str | None, highway: str) -> float:
    """The speed used for routing: the posted limit when there is one, else the class default."""
    posted = parse_maxspeed(maxspeed)
    if posted is not None and math.isfinite(posted):
        return posted
    return default_speed_kmh(highway)
