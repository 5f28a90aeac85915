"""Toronto Police Service Major Crime Indicators → events.

``occurrencedate`` is local midnight written in UTC ("2019/03/05 05:00:00+00", 04:00 in summer), so its date part
is the local date; ``occurrencehour`` is the local hour. There is no event id, so ids are content hashes (see
:class:`~peel.analytics.importers.common.OrdinalIds`). Coordinates are WGS84, offset by TPS to the nearest
intersection; rows with no or zero coordinates are rejected.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from peel.analytics.events import REPORTED, ImportResult, Rejection, make_events
from peel.analytics.importers.common import OrdinalIds, local_to_epoch, parse_float, rows

TZ = ZoneInfo("America/Toronto")
_DATE = re.compile(r"^\s*(\d{4})[/-](\d{2})[/-](\d{2})")


def parse_toronto(source: str, text: str) -> ImportResult:
    rejected: list[Rejection] = []
    new_id = OrdinalIds("toronto")
    ids: list[str] = []
    times: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    types: list[str] = []
    for line, row in rows(text):
        m = _DATE.match(row.get("occurrencedate", ""))
        hour_text = row.get("occurrencehour", "").strip()
        if not m or not hour_text.isdigit() or int(hour_text) > 23:
            rejected.append(Rejection(source, line, "unreadable occurrence date or hour"))
            continue
        lat = parse_float(row.get("lat", ""))
        lon = parse_float(row.get("long", ""))
        if lat is None or lon is None or (lat == 0 and lon == 0) or abs(lat) > 90 or abs(lon) > 180:
            rejected.append(Rejection(source, line, "no coordinates"))
            continue
        mci = row.get("mci", "").strip()
        if not mci:
            rejected.append(Rejection(source, line, "no crime type (MCI)"))
            continue
        year, month, day = (int(g) for g in m.groups())
        try:
            t = local_to_epoch(year, month, day, int(hour_text), 0, TZ)
        except ValueError:
            rejected.append(Rejection(source, line, "unreadable occurrence date or hour"))
            continue
        ids.append(new_id("|".join(f"{k}={v}" for k, v in sorted(row.items()))))
        times.append(t)
        lons.append(lon)
        lats.append(lat)
        types.append(mci)
    # All five indicators (assault, break and enter, robbery, auto theft, theft over) are victim-reported crimes.
    return ImportResult(make_events(ids, times, lons, lats, types, [REPORTED] * len(ids)).sorted_by_time(), rejected)
