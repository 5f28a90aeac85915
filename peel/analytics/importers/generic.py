"""Any CSV with one event per row, described by a :class:`ColumnMapping`.

Column names are matched after normalisation (case, spaces and punctuation ignored). Times are ISO 8601 or a
``strptime`` format; naive times are read in the mapping's time zone. Positions are WGS84 lon/lat columns, or
projected x/y columns with their CRS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from peel.analytics.events import CHANNELS, REPORTED, ImportResult, Rejection, make_events
from peel.analytics.importers.common import OrdinalIds, normalise_header, parse_float, rows, to_lonlat


@dataclass(frozen=True)
class ColumnMapping:
    time: str
    crime_type: str
    lon: str = "longitude"
    lat: str = "latitude"
    source_id: str | None = None
    channel: str | None = None
    time_format: str | None = None
    timezone: str = "UTC"
    xy_crs: str | None = None  # when set, ``lon``/``lat`` name projected x/y columns in this CRS
    id_prefix: str = "csv"


def _parse_time(value: str, mapping: ColumnMapping, tz: ZoneInfo) -> int | None:
    text = value.strip()
    try:
        dt = datetime.strptime(text, mapping.time_format) if mapping.time_format else datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return int(dt.astimezone(UTC).timestamp())


def parse_csv(source: str, text: str, mapping: ColumnMapping) -> ImportResult:
    tz = ZoneInfo(mapping.timezone)
    key = {f: normalise_header(getattr(mapping, f)) for f in ("time", "crime_type", "lon", "lat")}
    id_key = normalise_header(mapping.source_id) if mapping.source_id else None
    channel_key = normalise_header(mapping.channel) if mapping.channel else None
    new_id = OrdinalIds(mapping.id_prefix)
    rejected: list[Rejection] = []
    ids: list[str] = []
    times: list[int] = []
    xs: list[float] = []
    ys: list[float] = []
    types: list[str] = []
    channels: list[str] = []
    for line, row in rows(text):
        t = _parse_time(row.get(key["time"], ""), mapping, tz)
        if t is None:
            rejected.append(Rejection(source, line, "unreadable time"))
            continue
        x = parse_float(row.get(key["lon"], ""))
        y = parse_float(row.get(key["lat"], ""))
        if x is None or y is None or (mapping.xy_crs is None and (abs(y) > 90 or abs(x) > 180)):
            rejected.append(Rejection(source, line, "no location"))
            continue
        crime_type = row.get(key["crime_type"], "").strip()
        if not crime_type:
            rejected.append(Rejection(source, line, "no crime type"))
            continue
        channel = row.get(channel_key, "").strip().lower() if channel_key else REPORTED
        if channel not in CHANNELS:
            rejected.append(Rejection(source, line, f"unknown discovery channel {channel!r}"))
            continue
        given_id = row.get(id_key, "").strip() if id_key else ""
        content = "|".join(f"{k}={v}" for k, v in sorted(row.items()))
        ids.append(f"{mapping.id_prefix}:{given_id}" if given_id else new_id(content))
        times.append(t)
        xs.append(x)
        ys.append(y)
        types.append(crime_type)
        channels.append(channel)
    lon, lat = np.array(xs, dtype=float), np.array(ys, dtype=float)
    if mapping.xy_crs is not None and len(xs):
        lon, lat = to_lonlat(lon, lat, mapping.xy_crs)
    return ImportResult(make_events(ids, times, lon, lat, types, channels).sorted_by_time(), rejected)
