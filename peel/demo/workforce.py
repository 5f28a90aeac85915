"""The demo force's stations, teams, shift pattern, officers and units (pure data, deterministic)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from peel.demo import names

LONDON = ZoneInfo("Europe/London")

STATIONS = (
    # code, name, address, postcode, lat, lon
    ("CX", "Charing Cross", "Agar Street, London", "WC2N 4JP", 51.5097, -0.1246),
    ("BG", "Belgravia", "202 Buckingham Palace Road, London", "SW1W 9SX", 51.4937, -0.1480),
    ("PG", "Paddington Green", "2 Harrow Road, London", "W2 1XJ", 51.5200, -0.1720),
)

# Response teams work an 8-day cycle: two earlies, two lates, two nights, two rest days; the four teams are
# offset by two days, so exactly one team is on each shift at any time.
CYCLE = ("early", "early", "late", "late", "night", "night", "rest", "rest")
SHIFT_HOURS = {"early": (7, 8), "late": (15, 8), "night": (23, 8), "day": (8, 9)}
RESPONSE_TEAMS = ("Response Team A", "Response Team B", "Response Team C", "Response Team D")
EPOCH = date(2026, 1, 5)  # a Monday: day 0 of every team's cycle


@dataclass(frozen=True)
class TeamPlan:
    name: str
    kind: str
    station: str
    pattern: str


@dataclass(frozen=True)
class OfficerPlan:
    collar: str
    rank: str
    forenames: str
    surname: str
    team: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class UnitPlan:
    callsign: str
    kind: str
    team: str
    station: str
    crew: tuple[str, ...]  # collar numbers
    skills: tuple[str, ...]


def teams() -> list[TeamPlan]:
    pattern = "8-day cycle: 2 early (07-15), 2 late (15-23), 2 night (23-07), 2 rest"
    out = [TeamPlan("Control Room", "control_room", "CX", "24/7 rota")]
    out += [TeamPlan(n, "response", "CX" if i < 2 else "BG", pattern) for i, n in enumerate(RESPONSE_TEAMS)]
    out.append(TeamPlan("Neighbourhood Team", "neighbourhood", "PG", "Mon-Fri 08-17"))
    out.append(TeamPlan("CID", "investigation", "CX", "Mon-Fri 08-17"))
    return out


def shift_on(team_index: int, day: date) -> str:
    return CYCLE[((day - EPOCH).days - 2 * team_index) % len(CYCLE)]


def shift_window(kind: str, day: date) -> tuple[datetime, datetime]:
    start_hour, length = SHIFT_HOURS[kind]
    start = datetime.combine(day, time(start_hour), LONDON)
    return start, start + timedelta(hours=length)


def response_team_at(moment: datetime) -> str:
    """The response team on duty at a moment (nights that began the previous day count)."""
    local = moment.astimezone(LONDON)
    for offset in (0, -1):
        day = local.date() + timedelta(days=offset)
        for i, name in enumerate(RESPONSE_TEAMS):
            kind = shift_on(i, day)
            if kind == "rest":
                continue
            start, end = shift_window(kind, day)
            if start <= local < end:
                return name
    raise AssertionError("the cycle leaves no hour uncovered")


def officers(rng: np.random.Generator) -> list[OfficerPlan]:
    out: list[OfficerPlan] = []
    collar = 1000

    def add(rank: str, team: str, skills: tuple[str, ...], first: str = "", last: str = "") -> None:
        nonlocal collar
        collar += int(rng.integers(1, 40))
        female = rng.random() < 0.4
        out.append(
            OfficerPlan(
                f"{collar}CW",
                rank,
                first or str(rng.choice(names.FORENAMES_F if female else names.FORENAMES_M)),
                last or str(rng.choice(names.SURNAMES)),
                team,
                skills,
            )
        )

    for t, team in enumerate(RESPONSE_TEAMS):
        add("PS", team, ("response_driver", "taser", "first_aid"), *(("Alex", "Reid") if t == 0 else ("", "")))
        for i in range(10):
            skills = ["first_aid"]
            if i < 7:
                skills.append("response_driver")
            if i < 2:
                skills.append("advanced_driver")
            if i in (2, 3):
                skills.append("taser")
            if i in (4, 5):
                skills.append("public_order")
            if i == 6:
                skills.append("firearms")
            first, last = ("Jess", "Morgan") if (t == 0 and i == 0) else ("", "")
            add("PC", team, tuple(skills), first, last)
    add("PS", "Neighbourhood Team", ("first_aid", "polsa"))
    for _ in range(7):
        add("PC", "Neighbourhood Team", ("first_aid",))
    add("DS", "CID", ("detective", "response_driver"))
    for i in range(7):
        add(
            "DC",
            "CID",
            ("detective", "family_liaison") if i < 2 else ("detective",),
            *(("Sam", "Lewis") if i == 0 else ("", "")),
        )
    return out


def units(staff: list[OfficerPlan]) -> list[UnitPlan]:
    out: list[UnitPlan] = []
    for t, team in enumerate(RESPONSE_TEAMS):
        pcs = [o for o in staff if o.team == team and o.rank == "PC"]
        station = "CX" if t < 2 else "BG"
        letter = "ABCD"[t]
        pairs = [(pcs[0], pcs[7]), (pcs[1], pcs[8]), (pcs[2], pcs[9]), (pcs[4], pcs[5]), (pcs[6], pcs[3])]
        kinds = ("car", "car", "car", "van", "car")
        for n, ((a, b), kind) in enumerate(zip(pairs, kinds, strict=True), start=1):
            skills = sorted(set(a.skills) | set(b.skills))
            out.append(UnitPlan(f"{station}{letter}{n}", kind, team, station, (a.collar, b.collar), tuple(skills)))
    hood = [o for o in staff if o.team == "Neighbourhood Team" and o.rank == "PC"]
    out.append(UnitPlan("PGN1", "foot", "Neighbourhood Team", "PG", (hood[0].collar, hood[1].collar), ("first_aid",)))
    out.append(UnitPlan("PGN2", "cycle", "Neighbourhood Team", "PG", (hood[2].collar,), ("first_aid",)))
    cid = [o for o in staff if o.team == "CID" and o.rank == "DC"]
    out.append(UnitPlan("CXD1", "car", "CID", "CX", (cid[1].collar, cid[2].collar), ("detective",)))
    return out
