"""St. Louis (SLMPD) monthly crime files → events.

Format facts (see data/crime-samples/stl-slmpd-crimes/PROVENANCE.md): two header spellings ("CodedMonth" and
"Coded Month", "XCoord" and "X-Coord"), some files start with a UTF-8 byte-order mark, ``DateOccur`` is local
time ("M/D/YYYY H:MM", sometimes zero-padded), coordinates are NAD83 State Plane Missouri East in US survey feet
with 0,0 for "not geocoded", and a record withdrawn in a later month appears again with ``Count`` −1.

A record is identified by (complaint number, UCR offence code, ordinal). The files must be imported *together* so a
withdrawal in a later month can cancel the record it withdraws; the net count per key decides whether the event
exists. A reclassified offence keeps its complaint number but gets a new code (a new key).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from peel.analytics.events import OFFICER_INITIATED, REPORTED, ImportResult, Rejection, make_events
from peel.analytics.importers.common import local_to_epoch, rows, to_lonlat

STATE_PLANE_MO_EAST_FT = "ESRI:102696"
TZ = ZoneInfo("America/Chicago")
_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})")
# Earliest plausible occurrence: older dates in these files are placeholders such as 01/01/1900.
_EARLIEST_YEAR = 1970

# UCR class (leading digits of the offence code) → name. Codes have 5 digits (class 1-9) or 6 (class 10-29).
UCR_CLASSES: dict[int, str] = {
    1: "Homicide",
    2: "Rape",
    3: "Robbery",
    4: "Aggravated assault",
    5: "Burglary",
    6: "Larceny",
    7: "Vehicle theft",
    8: "Arson",
    9: "Other assault",
    10: "Forgery",
    11: "Fraud",
    12: "Embezzlement",
    13: "Stolen property",
    14: "Vandalism",
    15: "Weapons",
    16: "Prostitution",
    17: "Sex offence",
    18: "Drugs",
    19: "Gambling",
    20: "Family offence",
    21: "Driving under influence",
    22: "Liquor laws",
    24: "Disorderly conduct",
    25: "Vagrancy",
    26: "Other offence",
}
# Offences the police mostly *find* rather than have reported to them: they follow where officers look.
OFFICER_INITIATED_CLASSES = frozenset({15, 16, 18, 19, 21, 22, 24, 25})


def ucr_class(code: str) -> int | None:
    digits = code.strip()
    if not digits.isdigit() or len(digits) not in (5, 6):
        return None
    return int(digits[: len(digits) - 4])


@dataclass
class _Record:
    source: str
    line: int
    coded_month: str
    complaint: str
    code: str
    count: int
    date: str
    x: float
    y: float


def _read(sources: Iterable[tuple[str, str]], rejected: list[Rejection]) -> list[_Record]:
    records: list[_Record] = []
    for source, text in sources:
        for line, row in rows(text):
            complaint = row.get("complaint", "").strip()
            code = row.get("crime", "").strip()
            count_text = row.get("count", "").strip()
            if not complaint or not code or count_text not in ("1", "-1"):
                rejected.append(Rejection(source, line, "missing complaint, offence code or count"))
                continue
            try:
                x = float(row.get("xcoord", "") or 0)
                y = float(row.get("ycoord", "") or 0)
            except ValueError:
                x = y = 0.0
            records.append(
                _Record(
                    source,
                    line,
                    row.get("codedmonth", ""),
                    complaint,
                    code,
                    int(count_text),
                    row.get("dateoccur", ""),
                    x,
                    y,
                )
            )
    return records


def _net_records(records: list[_Record], rejected: list[Rejection], withdrawn: list[str]) -> list[tuple[_Record, int]]:
    """Apply withdrawals: each Count -1 cancels the earliest live copy of its key. Several live copies of one
    key in one month are separate offence counts (UCR counts assaults per victim), so each stays an event,
    numbered by its ordinal among the key's records in coding order (withdrawn ones included, so the ids of
    the others do not shift when a withdrawal arrives in a later import)."""
    by_key: dict[tuple[str, str], list[_Record]] = {}
    for r in records:
        by_key.setdefault((r.complaint, r.code), []).append(r)
    kept: list[tuple[_Record, int]] = []
    for group in by_key.values():
        group.sort(key=lambda r: (r.coded_month, r.source, r.line))
        adds = list(enumerate(r for r in group if r.count == 1))
        for w in (r for r in group if r.count == -1):
            if adds:
                k, cancelled = adds.pop(0)
                withdrawn.append(f"stl:{cancelled.complaint}:{cancelled.code}:{k}")
                rejected.append(Rejection(cancelled.source, cancelled.line, "withdrawn by a later Count -1 record"))
                rejected.append(Rejection(w.source, w.line, "withdrawal record (Count -1) applied"))
            else:
                rejected.append(Rejection(w.source, w.line, "withdrawal of a record not in this import"))
        kept.extend((r, k) for k, r in adds)
    return kept


def parse_stl(sources: Iterable[tuple[str, str]]) -> ImportResult:
    """Parse (source name, file text) pairs of SLMPD monthly files into events."""
    rejected: list[Rejection] = []
    records = _read(sources, rejected)
    # A re-coded row often loses its geocode (0,0); the same complaint's other rows still have it.
    place: dict[str, tuple[float, float]] = {}
    for r in records:
        if r.x and r.y:
            place[r.complaint] = (r.x, r.y)
    ids: list[str] = []
    times: list[int] = []
    xs: list[float] = []
    ys: list[float] = []
    types: list[str] = []
    channels: list[str] = []
    withdrawn: list[str] = []
    for r, k in _net_records(records, rejected, withdrawn):
        m = _DATE.match(r.date)
        if not m:
            rejected.append(Rejection(r.source, r.line, "unreadable occurrence date"))
            continue
        month, day, year, hour, minute = (int(g) for g in m.groups())
        if year < _EARLIEST_YEAR:
            rejected.append(Rejection(r.source, r.line, "placeholder occurrence date"))
            continue
        try:
            t = local_to_epoch(year, month, day, hour, minute, TZ)
        except ValueError:
            rejected.append(Rejection(r.source, r.line, "unreadable occurrence date"))
            continue
        x, y = (r.x, r.y) if (r.x and r.y) else place.get(r.complaint, (0.0, 0.0))
        if not (x and y):
            rejected.append(Rejection(r.source, r.line, "no coordinates (0,0: not geocoded)"))
            continue
        cls = ucr_class(r.code)
        if cls is None or cls not in UCR_CLASSES:
            rejected.append(Rejection(r.source, r.line, "unknown UCR offence code"))
            continue
        ids.append(f"stl:{r.complaint}:{r.code}:{k}")
        times.append(t)
        xs.append(x)
        ys.append(y)
        types.append(UCR_CLASSES[cls])
        channels.append(OFFICER_INITIATED if cls in OFFICER_INITIATED_CLASSES else REPORTED)
    lon, lat = to_lonlat(np.array(xs), np.array(ys), STATE_PLANE_MO_EAST_FT)
    events = make_events(ids, times, lon, lat, types, channels).sorted_by_time()
    return ImportResult(events, rejected, withdrawn)
