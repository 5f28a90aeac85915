"""Pure generation of the synthetic demo force from a seed: no database, no clock, fully deterministic.

Everything it makes is fictional (marked ``synthetic``): telephone numbers come from Ofcom's ranges reserved
for drama (07700 900xxx, 020 7946 0xxx), vehicle marks use an unissued memory tag, addresses are house numbers
on real street names of the road graph with postcodes of the district nearest to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from peel.demo import names
from peel.demo.scenarios import CATEGORY_MIX, NUISANCE_SUMMARIES, summary_for

Point = tuple[float, float, str]  # lat, lon, street name


@dataclass
class PersonPlan:
    forenames: str
    surname: str
    dob: date
    phones: list[str]
    address: str
    postcode: str
    lat: float
    lon: float
    markers: list[tuple[str, str, str]] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class IncidentPlan:
    at: datetime
    channel: str
    category: str
    summary: str
    grade: str
    status: str
    lat: float
    lon: float
    address: str
    postcode: str
    people: list[tuple[int, str]]  # (person index, role)
    nuisance: bool = False  # a nuisance caller's call: no police matter


@dataclass
class VehiclePlan:
    vrm: str
    make: str
    model: str
    colour: str
    keeper: int


@dataclass
class DemoPlan:
    people: list[PersonPlan]
    vehicles: list[VehiclePlan]
    incidents: list[IncidentPlan]
    nuisance: list[int]
    repeat_victims: list[int]


def postcode_for(rng: np.random.Generator, lat: float, lon: float) -> str:
    district = min(names.DISTRICTS, key=lambda d: (d[1] - lat) ** 2 + ((d[2] - lon) * 0.62) ** 2)[0]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{district} {rng.integers(1, 10)}{letters[rng.integers(0, 20)]}{letters[rng.integers(0, 20)]}"


def _person(rng: np.random.Generator, point: Point, index: int, today: date) -> PersonPlan:
    female = rng.random() < 0.5
    forenames = str(rng.choice(names.FORENAMES_F if female else names.FORENAMES_M))
    surname = str(rng.choice(names.SURNAMES))
    age_days = int(rng.integers(16 * 365, 85 * 365))
    phones = [f"07700 900{index % 1000:03d}"]
    if rng.random() < 0.15:
        phones.append(f"020 7946 0{int(rng.integers(0, 1000)):03d}")
    lat, lon, street = point
    return PersonPlan(
        forenames=forenames,
        surname=surname,
        dob=today - timedelta(days=age_days),
        phones=phones,
        address=f"{int(rng.integers(1, 180))} {street}, London",
        postcode=postcode_for(rng, lat, lon),
        lat=lat,
        lon=lon,
    )


def _markers(rng: np.random.Generator, people: list[PersonPlan]) -> None:
    for p in people:
        roll = rng.random()
        if roll < 0.04:
            p.markers.append(("warning", "weapons", "Known to carry a bladed article (synthetic)"))
        elif roll < 0.09:
            p.markers.append(("warning", "violent", "Violent towards police (synthetic)"))
        elif roll < 0.15:
            p.markers.append(("vulnerability", "mental_health", "Mental health crisis history (synthetic)"))
        elif roll < 0.18:
            p.markers.append(("vulnerability", "elderly", "Lives alone, hard of hearing (synthetic)"))
        if rng.random() < 0.05:
            p.aliases.append((str(rng.choice(names.FORENAMES_M + names.FORENAMES_F)), p.surname))


def _vrm(rng: np.random.Generator) -> str:
    letters = "ABCDEFGHJKLMNOPRSTUVWXY"
    # Memory tag "ZZ" is not issued to any DVLA office, so these marks cannot belong to a real vehicle.
    age = int(rng.choice([19, 20, 21, 22, 23, 24, 69, 70, 71, 72, 73, 74]))
    tail = "".join(letters[int(rng.integers(0, len(letters)))] for _ in range(3))
    return f"ZZ{age:02d}{tail}"


def _times(rng: np.random.Generator, profile: np.ndarray, n: int, start: datetime, days: int) -> list[datetime]:
    """Draw ``n`` times in [start, start + days) following the hour-of-week profile."""
    hours = np.array([start + timedelta(hours=h) for h in range(days * 24)])
    weights = np.array([profile[h.weekday() * 24 + h.hour] for h in hours])
    picks = rng.choice(len(hours), size=n, p=weights / weights.sum())
    minutes = rng.integers(0, 3600, size=n)
    return sorted(hours[i] + timedelta(seconds=int(s)) for i, s in zip(picks, minutes, strict=True))


def generate(
    seed: int, points: list[Point], profile: list[float], *, people: int, days: int, end: datetime
) -> DemoPlan:
    if len(points) < people:
        raise ValueError("need at least one address point per person")
    rng = np.random.default_rng(seed)
    start = (end - timedelta(days=days)).replace(minute=0, second=0, microsecond=0, tzinfo=UTC)
    plans = [_person(rng, points[i], i, end.date()) for i in range(people)]
    _markers(rng, plans)
    vehicles = [
        VehiclePlan(
            _vrm(rng),
            *names.VEHICLE_MAKES[int(rng.integers(0, len(names.VEHICLE_MAKES)))],
            str(rng.choice(names.COLOURS)),
            keeper=i,
        )
        for i in rng.choice(people, size=max(1, people // 4), replace=False).tolist()
    ]
    nuisance = rng.choice(people, size=max(2, people // 100), replace=False).tolist()
    victims = [i for i in rng.choice(people, size=max(3, people // 40), replace=False).tolist() if i not in nuisance]
    weights = np.array(profile, dtype=float)
    incidents = _incidents(rng, plans, weights, start, days, nuisance, victims, points)
    return DemoPlan(plans, vehicles, incidents, nuisance, victims)


def _incidents(
    rng: np.random.Generator,
    plans: list[PersonPlan],
    profile: np.ndarray,
    start: datetime,
    days: int,
    nuisance: list[int],
    victims: list[int],
    points: list[Point],
) -> list[IncidentPlan]:
    per_day = 45
    times = _times(rng, profile, per_day * days, start, days)
    cats = list(CATEGORY_MIX)
    cat_weights = np.array([CATEGORY_MIX[c][0] for c in cats], dtype=float)
    # Repeat locations: a handful of addresses (a late-night bar, a hostel, a station) attract many incidents.
    hot = [points[int(i)] for i in rng.choice(len(points), size=6, replace=False)]
    out: list[IncidentPlan] = []
    for at in times:
        roll = rng.random()
        if roll < 0.08:  # a nuisance caller rings again
            who = int(rng.choice(nuisance))
            p = plans[who]
            out.append(
                IncidentPlan(
                    at,
                    str(rng.choice(["999", "101"], p=[0.7, 0.3])),
                    "concern_for_welfare",
                    str(rng.choice(NUISANCE_SUMMARIES)),
                    str(rng.choice(["G4", "G5"])),
                    "resolved",
                    p.lat,
                    p.lon,
                    p.address,
                    p.postcode,
                    [(who, "caller")],
                    nuisance=True,
                )
            )
            continue
        category = cats[int(rng.choice(len(cats), p=cat_weights / cat_weights.sum()))]
        _, grades, channels = CATEGORY_MIX[category]
        grade = str(rng.choice(list(grades), p=_norm(grades.values())))
        channel = str(rng.choice(list(channels), p=_norm(channels.values())))
        if category == "domestic" and rng.random() < 0.6:
            victim = int(rng.choice(victims))
        else:
            victim = int(rng.integers(0, len(plans)))
        place: Point
        if rng.random() < 0.15:
            place = hot[int(rng.integers(0, len(hot)))]
            address, postcode = f"{place[2]}, London", postcode_for(rng, place[0], place[1])
        else:
            v = plans[victim]
            place, address, postcode = (v.lat, v.lon, ""), v.address, v.postcode
        caller = victim if channel != "anonymous" else None
        links = [(victim, "victim")] + ([(caller, "caller")] if caller is not None else [])
        status = "resolved" if at < times[-1] - timedelta(hours=12) else str(rng.choice(["open", "assigned"]))
        out.append(
            IncidentPlan(
                at,
                channel,
                category,
                summary_for(rng, category),
                grade,
                status,
                place[0],
                place[1],
                address,
                postcode,
                links,
            )
        )
    return out


def _norm(values: Iterable[float]) -> np.ndarray:
    arr = np.fromiter(values, dtype=float)
    shares: np.ndarray = arr / arr.sum()
    return shares
