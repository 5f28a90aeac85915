"""Coordinates: WGS84 for exchange, British National Grid (EPSG:27700, OSTN15) for metric work."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from convertbng.cutil import convert_bng, convert_lonlat

from peel.core.errors import InvalidInput

# The Royal Mail format: outward code (area, district) then inward code (sector digit, unit letters).
# Q, V and X never start a postcode; I, J and Z are never its second letter.
_POSTCODE = re.compile(r"^([A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]?)\s*([0-9][ABD-HJLNP-UW-Z]{2})$")
# Great Britain's extent in WGS84, generously: points outside are not transformed to BNG.
_GB_LON = (-8.8, 2.0)
_GB_LAT = (49.8, 60.95)


@dataclass(frozen=True)
class GridRef:
    easting: float
    northing: float


def normalise_postcode(raw: str) -> str:
    """``sw1a2aa`` → ``SW1A 2AA``; raises InvalidInput for anything that is not a UK postcode."""
    compact = re.sub(r"\s+", "", raw.upper())
    match = _POSTCODE.match(compact)
    if not match:
        raise InvalidInput(f"{raw!r} is not a UK postcode")
    return f"{match.group(1)} {match.group(2)}"


def check_wgs84(lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):
        raise InvalidInput("latitude must be within ±90 and longitude within ±180")


def in_great_britain(lat: float, lon: float) -> bool:
    return _GB_LAT[0] <= lat <= _GB_LAT[1] and _GB_LON[0] <= lon <= _GB_LON[1]


def to_bng(lat: float, lon: float) -> GridRef | None:
    """WGS84 → BNG easting/northing in metres (OSTN15); None outside Great Britain."""
    check_wgs84(lat, lon)
    if not in_great_britain(lat, lon):
        return None
    eastings, northings = convert_bng(np.array([lon]), np.array([lat]))
    if not np.isfinite(eastings[0]):
        return None
    return GridRef(round(float(eastings[0]), 2), round(float(northings[0]), 2))


def from_bng(easting: float, northing: float) -> tuple[float, float]:
    """BNG → (lat, lon) in WGS84."""
    lons, lats = convert_lonlat(np.array([easting]), np.array([northing]))
    return float(lats[0]), float(lons[0])
