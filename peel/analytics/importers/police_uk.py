"""data.police.uk street-level CSVs (``YYYY-MM-<force>-street.csv``) → events.

Twelve columns: Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code, LSOA name,
Crime type, Last outcome category, Context. Times are month-level only, so each event is placed at 00:00 UTC on
the first of its month and only monthly periods make sense. Anti-social behaviour rows have no Crime ID and get a
content-hash id. Points are already snapped to anonymous map points; rows with no location are rejected. The LSOA
code is kept as the event's ``area_code`` (for population shares in the fairness tables; "" when blank).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from peel.analytics.events import OFFICER_INITIATED, REPORTED, ImportResult, Rejection, make_events
from peel.analytics.importers.common import OrdinalIds, parse_float, rows

_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
# Crime types recorded mostly when officers find them (stop and search, patrol), not when a victim reports them.
OFFICER_INITIATED_TYPES = frozenset({"Drugs", "Possession of weapons"})


def parse_police_uk(source: str, text: str) -> ImportResult:
    rejected: list[Rejection] = []
    new_id = OrdinalIds("police-uk")
    ids: list[str] = []
    times: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    types: list[str] = []
    channels: list[str] = []
    lsoas: list[str] = []
    for line, row in rows(text):
        m = _MONTH.match(row.get("month", ""))
        if not m or not 1 <= int(m.group(2)) <= 12:
            rejected.append(Rejection(source, line, "unreadable month"))
            continue
        lon = parse_float(row.get("longitude", ""))
        lat = parse_float(row.get("latitude", ""))
        if lon is None or lat is None or abs(lat) > 90 or abs(lon) > 180:
            rejected.append(Rejection(source, line, "no location"))
            continue
        crime_type = row.get("crimetype", "").strip()
        if not crime_type:
            rejected.append(Rejection(source, line, "no crime type"))
            continue
        crime_id = row.get("crimeid", "").strip()
        content = "|".join(f"{k}={v}" for k, v in sorted(row.items()))
        ids.append(f"police-uk:{crime_id}" if crime_id else new_id(content))
        times.append(int(datetime(int(m.group(1)), int(m.group(2)), 1, tzinfo=UTC).timestamp()))
        lons.append(lon)
        lats.append(lat)
        types.append(crime_type)
        channels.append(OFFICER_INITIATED if crime_type in OFFICER_INITIATED_TYPES else REPORTED)
        lsoas.append(row.get("lsoacode", "").strip()[:16])
    events = make_events(ids, times, lons, lats, types, channels, area_code=lsoas)
    return ImportResult(events.sorted_by_time(), rejected)
