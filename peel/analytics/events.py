"""A typed, columnar set of crime events: the one shape every analytics method consumes.

Times are UTC epoch seconds (int64); positions are WGS84 longitude/latitude. Each event carries the id it had in its
source (so that re-importing the same file changes nothing), a crime type and a discovery channel. The channel says
how the police came to know of the crime, which matters for the feedback-loop guard: crimes *found* by officers
follow patrols, crimes *reported* by victims mostly do not. An optional ``area_code`` names the statistical area the
source placed the event in (the LSOA code of data.police.uk rows); it is ``""`` where the source has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Final

import numpy as np
from numpy.typing import NDArray

REPORTED: Final = "reported"
OFFICER_INITIATED: Final = "officer-initiated"
FOUND_ON_PATROL: Final = "found-on-patrol"
UNKNOWN: Final = "unknown"
CHANNELS: Final = (REPORTED, OFFICER_INITIATED, FOUND_ON_PATROL, UNKNOWN)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
StrArray = NDArray[np.str_]


@dataclass(frozen=True)
class Rejection:
    """A source row that did not become an event, and why."""

    source: str
    line: int
    reason: str


@dataclass(frozen=True)
class EventSet:
    """Columnar events; all arrays have the same length. Build with :func:`make_events`."""

    source_id: StrArray
    time: IntArray
    lon: FloatArray
    lat: FloatArray
    crime_type: StrArray
    channel: StrArray
    # The source's statistical area per event ("" = none); left out, every event gets "".
    area_code: StrArray = field(default_factory=lambda: np.zeros(0, dtype=np.str_))

    def __post_init__(self) -> None:
        n = len(self.time)
        if n and len(self.area_code) == 0:
            object.__setattr__(self, "area_code", np.full(n, "", dtype=np.str_))
        for name in ("source_id", "lon", "lat", "crime_type", "channel", "area_code"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"column {name} has {len(getattr(self, name))} rows, expected {n}")

    def __len__(self) -> int:
        return len(self.time)

    @property
    def datetimes(self) -> NDArray[np.datetime64]:
        return self.time.astype("datetime64[s]")

    def take(self, index: NDArray[np.bool_] | NDArray[np.intp]) -> EventSet:
        return EventSet(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @property
    def has_area_codes(self) -> bool:
        """True when some event carries a source area code (an LSOA for data.police.uk)."""
        return bool(len(self)) and bool(np.any(self.area_code != ""))

    def before(self, t: int) -> EventSet:
        """Events strictly before epoch second ``t``: what a forecaster standing at ``t`` may know."""
        return self.take(self.time < t)

    def between(self, start: int, end: int) -> EventSet:
        """Events with ``start <= time < end``."""
        return self.take((self.time >= start) & (self.time < end))

    def of_types(self, types: Iterable[str]) -> EventSet:
        return self.take(np.isin(self.crime_type, list(types)))

    def of_channels(self, channels: Iterable[str]) -> EventSet:
        return self.take(np.isin(self.channel, list(channels)))

    def sorted_by_time(self) -> EventSet:
        return self.take(np.argsort(self.time, kind="stable"))


@dataclass
class ImportResult:
    """What an importer produced: the events, every row it refused (with the reason), and the source ids of
    events that a later record withdrew (to delete from an earlier import)."""

    events: EventSet
    rejected: list[Rejection] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    def rejection_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.rejected:
            counts[r.reason] = counts.get(r.reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def make_events(
    source_id: Sequence[str],
    time: Sequence[int] | IntArray,
    lon: Sequence[float] | FloatArray,
    lat: Sequence[float] | FloatArray,
    crime_type: Sequence[str],
    channel: Sequence[str] | None = None,
    area_code: Sequence[str] | None = None,
) -> EventSet:
    """Build an :class:`EventSet` from plain sequences, checking channels and coordinates."""
    n = len(time)
    channels = np.asarray(channel if channel is not None else [REPORTED] * n, dtype=np.str_)
    bad = set(np.unique(channels).tolist()) - set(CHANNELS)
    if bad:
        raise ValueError(f"unknown discovery channel(s): {sorted(bad)}")
    lons = np.asarray(lon, dtype=np.float64)
    lats = np.asarray(lat, dtype=np.float64)
    if n and (np.any(np.abs(lats) > 90) or np.any(np.abs(lons) > 180)):
        raise ValueError("coordinates outside WGS84 range")
    return EventSet(
        source_id=np.asarray(source_id, dtype=np.str_).reshape(n),
        time=np.asarray(time, dtype=np.int64).reshape(n),
        lon=lons.reshape(n),
        lat=lats.reshape(n),
        crime_type=np.asarray(crime_type, dtype=np.str_).reshape(n),
        channel=channels.reshape(n),
        area_code=np.asarray(area_code if area_code is not None else [""] * n, dtype=np.str_).reshape(n),
    )


def empty_events() -> EventSet:
    return make_events([], [], [], [], [])


def merge(*sets: EventSet) -> EventSet:
    """Concatenate event sets, keeping the *last* occurrence of each source id (so a re-import replaces,
    never duplicates), and sort by time."""
    if not sets:
        return empty_events()
    cat = EventSet(**{f.name: np.concatenate([getattr(s, f.name) for s in sets]) for f in fields(EventSet)})
    # np.unique returns the first index; reverse so that "first" means "last imported".
    reversed_ids = cat.source_id[::-1]
    _, first_in_reversed = np.unique(reversed_ids, return_index=True)
    keep = len(cat) - 1 - first_in_reversed
    kept = cat.take(np.sort(keep))
    return kept.sorted_by_time()


def apply_import(existing: EventSet, result: ImportResult) -> EventSet:
    """Fold an import into events already held: withdrawn ids are removed, re-imported ids replaced, new added.
    Applying the same import twice gives the same events as applying it once."""
    kept = existing.take(~np.isin(existing.source_id, result.withdrawn)) if result.withdrawn else existing
    return merge(kept, result.events)
