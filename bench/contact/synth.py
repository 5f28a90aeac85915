"""The synthetic force behind the look-up benchmark: who exists, who rang, about what, as ``COPY`` text.

Everything is drawn from seeded generators, so one scale always gives the same rows (and the kept database can be
recognised by its scale and seed).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from peel.demo import names
from peel.incidents.categories import CATEGORIES
from peel.people.keys import surname_key

SEED = 2024
YEAR = 365 * 86_400
IntArray = npt.NDArray[np.int64]

_PREFIXES = (
    "Ash", "Black", "Brad", "Brook", "Cart", "Chad", "Craw", "Dal", "Dun", "Fair", "Farn", "Gold", "Hart", "Hay",
    "Hol", "Kings", "Lang", "Mar", "Mid", "Nor", "Pen", "Ray", "Red", "Ros", "Shel", "Stan", "Sum", "Thorn", "Wal",
    "West", "Whit", "Win", "Ald", "Bel", "Cal", "Ed", "Fen", "Gar", "Hen", "Lind", "Pick", "Rud", "Sef", "Tal",
)  # fmt: skip
_SUFFIXES = (
    "ley", "ton", "worth", "field", "ford", "by", "ham", "well", "shaw", "ridge", "man", "son", "wood", "more",
    "land", "er", "ing", "stone", "bury", "croft", "wick", "dale", "hurst", "cott",
)  # fmt: skip
# The demo's common surnames are the head (a fifth of everyone, Smith about 1.5% as in England and Wales); a long
# tail of English place-style surnames stands in for the thousands of rarer ones a real force holds.
SURNAMES: tuple[str, ...] = names.SURNAMES + tuple(p + s.lower() for p in _PREFIXES for s in _SUFFIXES)
FORENAMES: tuple[str, ...] = names.FORENAMES_F + names.FORENAMES_M
STREETS = (
    "Edgware Road", "Harrow Road", "Oxford Street", "Victoria Street", "Marylebone High Street", "Praed Street",
    "Strand", "Whitehall", "Baker Street", "Warwick Avenue", "Elgin Avenue", "Church Street", "Lisson Grove",
    "Vauxhall Bridge Road", "Buckingham Palace Road", "Regent Street", "Old Compton Street", "Queensway",
)  # fmt: skip
INWARD = "ABDEFGHJLNPQRSTUWXY"
CALL_TEXTS = (
    "Caller reports two men fighting outside {place}, one has a knife. Call back on {phone}.",
    "Neighbour at {place} shouting and banging for an hour, caller worried for the woman who lives there.",
    "Silver {vrm} driving erratically along {street}, nearly hit a cyclist near {postcode}.",
    "Shop staff at {place} have detained a shoplifter who is becoming aggressive.",
    "Caller says her ex-partner is outside {place} and will not leave; he has threatened her before.",
    "Elderly man confused and wandering on {street} near {postcode}, does not know where he lives.",
    "Car {vrm} parked across the entrance at {place} for two days, windows smashed.",
    "Group of youths throwing bottles at buses on {street}, one seen with a bat.",
    "Caller heard glass breaking at the back of {place}, thinks someone is inside.",
    "Man collapsed on the pavement outside {place}, breathing, ambulance requested too.",
)
CONTACT_CHANNELS_PHONE = ("999", "101")
CONTACT_CHANNELS_OTHER = ("online", "anonymous", "open311")
GRADES = ("G1", "G2", "G3", "G4", "G5")
OUTCOMES = ("pending", "deployed", "resolved_without_deployment", "no_police_action")


@dataclass(frozen=True)
class Scale:
    people: int
    contacts: int
    incidents: int
    seed: int = SEED

    @property
    def phones(self) -> int:
        return self.people + self.people // 10  # a tenth never linked to anyone: callers never identified

    @property
    def locations(self) -> int:
        return max(1_000, self.people // 10)

    @property
    def heavy(self) -> int:
        return max(5, self.people // 2_000)


@dataclass
class World:
    """Column arrays of the synthetic force; indexes are 0-based, database ids are index + 1."""

    scale: Scale
    end: int  # epoch seconds: the newest contact is just before this
    forename: IntArray = field(init=False)
    surname: IntArray = field(init=False)
    dob: npt.NDArray[np.datetime64] = field(init=False)
    heavy: IntArray = field(init=False)  # phone indexes (== person indexes) of the heavy repeat callers
    at: IntArray = field(init=False)  # per contact, sorted
    phone: IntArray = field(init=False)  # per contact, -1 when the caller gave none
    person: IntArray = field(init=False)  # per contact, -1 when no person was confirmed
    incident: IntArray = field(init=False)  # per contact
    first: IntArray = field(init=False)  # per incident: its first contact


def synthesise(scale: Scale, end: int) -> World:
    rng = np.random.default_rng(scale.seed)
    w = World(scale, end)
    head = np.arange(1, len(names.SURNAMES) + 1) ** -0.5
    weights = np.concatenate(
        [0.2 * head / head.sum(), np.full(len(SURNAMES) - len(head), 0.8 / (len(SURNAMES) - len(head)))]
    )
    w.forename = rng.integers(0, len(FORENAMES), scale.people)
    w.surname = rng.choice(len(SURNAMES), scale.people, p=weights)
    w.dob = np.datetime64("1935-01-01") + rng.integers(0, 365 * 74, scale.people).astype("timedelta64[D]")
    w.heavy = rng.choice(scale.people, scale.heavy, replace=False)
    phone = _contact_phones(rng, scale, w.heavy)
    heavy = np.isin(phone, w.heavy)
    at = np.where(
        heavy,
        rng.integers(end - 400 * 86_400, end - 60, len(phone)),
        rng.integers(end - 3 * YEAR, end - 60, len(phone)),
    )
    order = np.argsort(at, kind="stable")
    w.at, w.phone = at[order], phone[order]
    confirm = rng.random(len(phone)) < np.where(np.isin(w.phone, w.heavy), 0.9, 0.6)
    w.person = np.where((w.phone >= 0) & (w.phone < scale.people) & confirm, w.phone, -1)
    starts = np.zeros(len(phone), dtype=bool)  # consecutive contacts (seconds apart) may be about one event
    starts[0] = True
    starts[rng.choice(np.arange(1, len(phone)), scale.incidents - 1, replace=False)] = True
    w.incident = np.cumsum(starts) - 1
    w.first = np.flatnonzero(starts)
    return w


def _contact_phones(rng: np.random.Generator, scale: Scale, heavy: IntArray) -> IntArray:
    """Most numbers ring 0–3 times (geometric, mean 3), a few hundred ring hundreds of times, 30% give none."""
    with_phone = int(scale.contacts * 0.7)
    per_phone = rng.geometric(0.25, scale.phones) - 1
    per_phone[heavy] = 0
    heavy_calls = np.clip((rng.pareto(1.5, len(heavy)) * 150 + 100).astype(np.int64), 100, 2_000)
    calls = np.concatenate([np.repeat(np.arange(scale.phones), per_phone), np.repeat(heavy, heavy_calls)])
    rng.shuffle(calls)
    if len(calls) >= with_phone:
        calls = calls[:with_phone]
    else:
        calls = np.concatenate([calls, rng.integers(0, scale.phones, with_phone - len(calls))])
    phone = np.concatenate([calls, np.full(scale.contacts - with_phone, -1)])
    rng.shuffle(phone)
    return phone.astype(np.int64)


def e164(index: int) -> str:
    """The synthetic mobile number of phone ``index``: a bijection on 10⁸, so every number is distinct."""
    return f"+4477{(index * 48_271 + 12_345) % 100_000_000:08d}"


@dataclass(frozen=True)
class Refs:
    """The app's reference format (``CON-20250101-0042``), numbered within each day of sorted timestamps."""

    prefix: str
    days: IntArray
    seq: IntArray

    @classmethod
    def of(cls, prefix: str, seconds: IntArray) -> Refs:
        days = seconds // 86_400
        _, first, counts = np.unique(days, return_index=True, return_counts=True)
        return cls(prefix, days, np.arange(len(days)) - np.repeat(first, counts) + 1)

    def between(self, a: int, b: int) -> list[str]:
        labels = np.datetime_as_string(self.days[a:b].astype("datetime64[D]"), unit="D").tolist()
        return [
            f"{self.prefix}-{d[:4]}{d[5:7]}{d[8:]}-{n:04d}" for d, n in zip(labels, self.seq[a:b].tolist(), strict=True)
        ]


def _stamps(seconds: IntArray) -> list[str]:
    return [s + "+00" for s in np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s").tolist()]


def _null(values: list[Any]) -> list[str]:
    return ["\\N" if v is None or v != v else str(v) for v in values]  # v != v: NaN


@dataclass(frozen=True)
class Copy:
    """One table's rows as ``COPY … FROM STDIN`` text, built a block at a time."""

    table: str
    columns: str
    count: int
    block: Callable[[int, int], str]


def call_texts(rng: random.Random, count: int = 400) -> list[str]:
    out = []
    for _ in range(count):
        street = rng.choice(STREETS)
        district = rng.choice(names.DISTRICTS)[0]
        postcode = f"{district} {rng.randint(1, 9)}{rng.choice(INWARD)}{rng.choice(INWARD)}"
        out.append(
            rng.choice(CALL_TEXTS).format(
                place=f"{rng.randint(1, 250)} {street}",
                street=street,
                postcode=postcode,
                phone=f"07700 900{rng.randrange(1000):03d}",
                vrm=f"{rng.choice('ABDEFGHKLMNPRSVWY')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXY')}{rng.randint(51, 74)} "
                + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)),
            )
        )
    return out


def people_and_places(w: World) -> list[Copy]:
    n, rng = w.scale.people, np.random.default_rng(w.scale.seed + 1)
    created = w.end - 10 * YEAR + np.arange(n) * (10 * YEAR // n)
    refs, keys = Refs.of("PER", created), [surname_key(s) for s in SURNAMES]

    def people(a: int, b: int) -> str:
        rows = zip(
            refs.between(a, b),
            w.forename[a:b].tolist(),
            w.surname[a:b].tolist(),
            np.datetime_as_string(w.dob[a:b]).tolist(),
            _stamps(created[a:b]),
            strict=True,
        )
        return "".join(
            f"{a + i + 1}\t{ref}\t{FORENAMES[f]}\t{SURNAMES[s]}\t{keys[s]}\t{d}\tf\tt\t{at}\n"
            for i, (ref, f, s, d, at) in enumerate(rows)
        )

    m = w.scale.locations
    lat, lon = rng.uniform(51.49, 51.535, m), rng.uniform(-0.21, -0.11, m)
    made = w.end - 10 * YEAR + np.arange(m) * (10 * YEAR // m)
    lrefs, pick = Refs.of("LOC", made), random.Random(w.scale.seed)

    def locations(a: int, b: int) -> str:
        return "".join(
            f"{a + i + 1}\t{ref}\t{pick.randint(1, 250)} {pick.choice(STREETS)}, London\t"
            f"{pick.choice(names.DISTRICTS)[0]} {pick.randint(1, 9)}{pick.choice(INWARD)}{pick.choice(INWARD)}\t"
            f"{la:.6f}\t{lo:.6f}\t{at}\n"
            for i, (ref, la, lo, at) in enumerate(
                zip(lrefs.between(a, b), lat[a:b].tolist(), lon[a:b].tolist(), _stamps(made[a:b]), strict=True)
            )
        )

    marked = np.unique(np.concatenate([rng.choice(n, n // 33, replace=False), w.heavy]))
    codes = ("vulnerability\tmental_health", "warning\tviolent", "warning\tweapons", "vulnerability\telderly")
    stamp = _stamps(np.array([w.end - YEAR]))[0]

    def markers(a: int, b: int) -> str:
        return "".join(
            f"{a + i + 1}\t{p + 1}\t{codes[(p * 7) % 4]}\tsynthetic marker\t{stamp}\n"
            for i, p in enumerate(marked[a:b].tolist())
        )

    return [
        Copy("locations", "id, ref, address, postcode, lat, lon, created_at", m, locations),
        Copy(
            "people",
            "id, ref, forenames, surname, name_key, date_of_birth, restricted, synthetic, created_at",
            n,
            people,
        ),
        Copy(
            "phone_numbers",
            "id, e164",
            w.scale.phones,
            lambda a, b: "".join(f"{i + 1}\t{e164(i)}\n" for i in range(a, b)),
        ),
        Copy(
            "person_phones", "person_id, phone_id", n, lambda a, b: "".join(f"{i}\t{i}\n" for i in range(a + 1, b + 1))
        ),
        Copy("markers", "id, person_id, kind, code, note, added_at", len(marked), markers),
    ]


def incidents_and_contacts(w: World) -> list[Copy]:
    rng, s = np.random.default_rng(w.scale.seed + 2), w.scale
    texts = call_texts(random.Random(s.seed))
    has_phone = w.phone >= 0
    channel = np.where(
        has_phone, rng.choice(2, s.contacts, p=[0.55, 0.45]), 2 + rng.choice(3, s.contacts, p=[0.75, 0.15, 0.1])
    )
    channels = CONTACT_CHANNELS_PHONE + CONTACT_CHANNELS_OTHER
    said = rng.integers(0, len(texts), s.contacts)
    answered = np.where(channel == 0, np.round(rng.gamma(2.0, 4.0, s.contacts), 1), np.nan)
    opened = w.at[w.first]
    hot = rng.integers(0, min(500, s.locations), s.incidents)  # a few places are called about again and again
    place = np.where(rng.random(s.incidents) < 0.1, hot, rng.integers(0, s.locations, s.incidents))
    place = np.where(rng.random(s.incidents) < 0.85, place, -1)
    category = rng.integers(0, len(CATEGORIES), s.incidents)
    grade = rng.choice(5, s.incidents, p=[0.1, 0.25, 0.25, 0.25, 0.15])
    is_open = opened > w.end - 86_400
    outcome = np.where(grade[w.incident] < 3, 1, 2)
    nuisance = np.isin(w.phone, w.heavy) & (rng.random(s.contacts) < 0.8)
    outcome = np.where(is_open[w.incident], 0, np.where(nuisance, 3, outcome))
    loc_rng = np.random.default_rng(s.seed + 1)  # the same draw as the locations table
    lat, lon = loc_rng.uniform(51.49, 51.535, s.locations), loc_rng.uniform(-0.21, -0.11, s.locations)
    cats, irefs, crefs = list(CATEGORIES), Refs.of("INC", opened), Refs.of("CON", w.at)

    def incidents(a: int, b: int) -> str:
        rows = zip(
            irefs.between(a, b),
            _stamps(opened[a:b]),
            channel[w.first[a:b]].tolist(),
            category[a:b].tolist(),
            said[w.first[a:b]].tolist(),
            grade[a:b].tolist(),
            is_open[a:b].tolist(),
            _null([None if p < 0 else p + 1 for p in place[a:b].tolist()]),
            _null(
                [None if o else t for o, t in zip(is_open[a:b].tolist(), _stamps(opened[a:b] + 3 * 3600), strict=True)]
            ),
            strict=True,
        )
        return "".join(
            f"{a + i + 1}\t{ref}\t{at}\t{channels[ch]}\t{cats[c]}\t{texts[t]}\t{GRADES[g]}\t"
            f"{'open' if o else 'closed'}\t{loc}\tf\tt\t{closed}\n"
            for i, (ref, at, ch, c, t, g, o, loc, closed) in enumerate(rows)
        )

    def contacts(a: int, b: int) -> str:
        inc, ph, pe = w.incident[a:b], w.phone[a:b], w.person[a:b]
        where = place[inc]
        la = _null(np.where(where >= 0, lat[where], np.nan).round(6).tolist())
        lo = _null(np.where(where >= 0, lon[where], np.nan).round(6).tolist())
        who = [f"{FORENAMES[w.forename[p]]} {SURNAMES[w.surname[p]]}" if p >= 0 else "" for p in pe.tolist()]
        rows = zip(
            crefs.between(a, b),
            _stamps(w.at[a:b]),
            channel[a:b].tolist(),
            _null(answered[a:b].tolist()),
            (inc + 1).tolist(),
            _null([p + 1 if p >= 0 else None for p in pe.tolist()]),
            _null([p + 1 if p >= 0 else None for p in ph.tolist()]),
            who,
            said[a:b].tolist(),
            category[inc].tolist(),
            la,
            lo,
            outcome[a:b].tolist(),
            strict=True,
        )
        return "".join(
            f"{a + i + 1}\t{ref}\t{channels[ch]}\t{at}\t{ans}\t{ic}\t{per}\t{pho}\t{nm}\t{texts[t]}\t{cats[c]}\t"
            f"{y}\t{x}\tf\t{OUTCOMES[o]}\t[]\tt\n"
            for i, (ref, at, ch, ans, ic, per, pho, nm, t, c, y, x, o) in enumerate(rows)
        )

    columns = (
        "id, ref, channel, received_at, answered_after_s, incident_id, caller_person_id, caller_phone_id, "
        "caller_name, text, category, lat, lon, coarsened, outcome, entities, synthetic"
    )
    return [
        Copy(
            "incidents",
            "id, ref, opened_at, channel, category, summary, grade, status, location_id, restricted, "
            "synthetic, closed_at",
            s.incidents,
            incidents,
        ),
        Copy("contacts", columns, s.contacts, contacts),
        *_links(w),
    ]


def _links(w: World) -> list[Copy]:
    """Callers and victims on incidents, and the handlers' confirmed matches (one per identified caller)."""
    rng, s = np.random.default_rng(w.scale.seed + 3), w.scale
    known = np.flatnonzero(w.person >= 0)
    pairs = np.unique(w.incident[known] * s.people + w.person[known])
    victims_at = rng.choice(s.incidents, s.incidents // 8, replace=False)
    repeat_victims = rng.choice(s.people, max(10, s.people // 500), replace=False)
    victims = np.where(
        rng.random(len(victims_at)) < 0.2,
        rng.choice(repeat_victims, len(victims_at)),
        rng.integers(0, s.people, len(victims_at)),
    )
    links = np.concatenate([pairs // s.people, victims_at])
    linked = np.concatenate([pairs % s.people, victims])
    roles = ["caller"] * len(pairs) + ["victim"] * len(victims_at)

    def incident_people(a: int, b: int) -> str:
        return "".join(
            f"{i + 1}\t{p + 1}\t{r}\n"
            for i, p, r in zip(links[a:b].tolist(), linked[a:b].tolist(), roles[a:b], strict=True)
        )

    def decisions(a: int, b: int) -> str:
        c = known[a:b]
        rows = zip(c.tolist(), w.person[c].tolist(), w.phone[c].tolist(), _stamps(w.at[c]), strict=True)
        return "".join(
            f"{a + i + 1}\t{k + 1}\t{p + 1}\t{ph + 1}\tconfirmed\tconfirmed by the handler\t{at}\n"
            for i, (k, p, ph, at) in enumerate(rows)
        )

    return [
        Copy("incident_people", "incident_id, person_id, role", len(links), incident_people),
        Copy(
            "match_decisions", "id, contact_id, person_id, phone_id, decision, basis, decided_at", len(known), decisions
        ),
    ]
