"""Benchmark of contact handling at force scale (``python -m bench contact``, from the repository root).

Part 1, the caller look-up on PostgreSQL: a database (``peel_bench_contact``, kept between runs because loading
takes minutes) holds synthetic people, phones, incidents and contacts, written with ``COPY``, indexed exactly as
the migrations define and analysed. ``peel.contact.lookup.lookup`` then runs in-process, timed with the audited
commit it needs, for a shuffled mix of the queries a call handler makes. Part 2, intake: real uvicorn servers on
127.0.0.1 take 999 calls (``POST /api/v1/contacts``) from client threads over httpx, first as fast as a closed
loop of clients allows, then paced at the goal rate (latency counted from when each call was due, so a server
that falls behind is not flattered); ``GET /healthz`` on the same server is the baseline. Client and server share
the machine, which is printed with the numbers.

Changes proposed for ``peel/`` are measured beside the code as it stands, each on the same queries or load: the
look-up with ``proposed_candidates`` / ``proposed_history`` swapped into ``peel.contact.lookup``, and a second
server per backend (``proposed_app``) with ``proposed_find_duplicates`` / ``proposed_phone_record`` swapped into
``peel.contact.intake``. Scale down with ``--people`` and ``--contacts`` for a quick check; ``--rebuild`` reloads
the kept database, ``--drop`` removes it, ``--explain`` shows where a look-up's time goes, with the slowest plan.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import numpy as np
import numpy.typing as npt
import psycopg
from pydantic import SecretStr
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from bench.core import Timing
from peel.audit.store import SqlAuditStore
from peel.contact import lookup as lookup_module
from peel.db.engine import make_engine, make_session_factory
from peel.db.migrate import upgrade
from peel.db.uow import Actor, UnitOfWork
from peel.demo import names
from peel.incidents.categories import CATEGORIES
from peel.people.keys import surname_key
from peel.settings import Settings
from tests.e2e.live_server import add_account, bearer_token, server_env
from tests.support.services import free_port, postgres_server, redis_server
from tests.support.staff import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-key-0123456789abcdef0123456789"
DATABASE = "peel_bench_contact"
SEED = 2024
CHUNK = 50_000
YEAR = 365 * 86_400
IntArray = npt.NDArray[np.int64]

# --- Synthetic force: who exists, who rang, about what -----------------------------------------------------------

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


def _synthesise(scale: Scale, end: int) -> World:
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


def _texts(rng: random.Random, count: int = 400) -> list[str]:
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


def _people_and_places(w: World) -> list[Copy]:
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


def _incidents_and_contacts(w: World) -> list[Copy]:
    rng, s = np.random.default_rng(w.scale.seed + 2), w.scale
    texts = _texts(random.Random(s.seed))
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


# --- Loading PostgreSQL ----------------------------------------------------------------------------------------

LOADED = ("locations", "people", "phone_numbers", "person_phones", "markers", "incidents", "contacts",
          "incident_people", "match_decisions")  # fmt: skip
_PLAIN_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
ORDER BY i.tablename, i.indexname
"""


def _conninfo(url: str) -> str:
    u = make_url(url)
    parts = f"host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username or 'postgres'} dbname={u.database}"
    return parts + (f" password={u.password}" if u.password else "")


def _loaded(url: str, scale: Scale) -> int | None:
    """The end of the data's time span when the database holds exactly this scale, fully loaded and indexed."""
    with (
        contextlib.suppress(psycopg.OperationalError, psycopg.errors.UndefinedTable),
        psycopg.connect(_conninfo(url)) as conn,
    ):
        row = conn.execute("SELECT people, contacts, incidents, seed, data_end FROM bench_load").fetchone()
        if row is None or tuple(row[:4]) != (scale.people, scale.contacts, scale.incidents, scale.seed):
            return None
        people, contacts = conn.execute(
            "SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM contacts)"
        ).fetchone() or (0, 0)
        return int(row[4]) if (people, contacts) == (scale.people, scale.contacts) else None
    return None


def _admin(admin_url: str, sql: str) -> None:
    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(sql)


def _build(admin_url: str, url: str, scale: Scale, console: Console) -> int:
    started = time.perf_counter()
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(admin_url, f'CREATE DATABASE "{DATABASE}"')
    upgrade(url)
    end = int(time.time()) // 60 * 60
    with console.status("Synthesising the force (people, calls, incidents)…"):
        world = _synthesise(scale, end)
        copies = _people_and_places(world) + _incidents_and_contacts(world)
    with psycopg.connect(_conninfo(url)) as conn:
        try:  # foreign keys stay declared but are not checked row by row: the rows are consistent by construction
            conn.execute("SET session_replication_role = replica")
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = conn.execute(_PLAIN_INDEXES, (list(LOADED),)).fetchall()
        for name, _definition in indexes:  # built once after the load, from the migrations' own definitions
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
        _copy_all(conn, copies, indexes, console)
    with psycopg.connect(_conninfo(url), autocommit=True) as conn, console.status("VACUUM ANALYZE…"):
        for table in LOADED:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        conn.execute("CREATE TABLE bench_load (people int, contacts int, incidents int, seed int, data_end bigint)")
        conn.execute(
            "INSERT INTO bench_load VALUES (%s, %s, %s, %s, %s)",
            (scale.people, scale.contacts, scale.incidents, scale.seed, end),
        )
    console.print(f"Loaded {DATABASE} in {time.perf_counter() - started:.0f} s")
    return end


def _copy_all(conn: psycopg.Connection[Any], copies: list[Copy], indexes: list[Any], console: Console) -> None:
    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        for spec in copies:
            task = progress.add_task(spec.table, total=spec.count)
            with conn.cursor() as cur, cur.copy(f"COPY {spec.table} ({spec.columns}) FROM STDIN") as copy:
                for a in range(0, spec.count, CHUNK):
                    b = min(spec.count, a + CHUNK)
                    copy.write(spec.block(a, b))
                    progress.advance(task, b - a)
            conn.commit()
        task = progress.add_task("indexes", total=len(indexes))
        for _name, definition in indexes:
            conn.execute(definition)
            conn.commit()
            progress.advance(task)
        for spec in copies:
            if "id" in spec.columns.split(", "):
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{spec.table}', 'id'), {spec.count})")
        conn.commit()


# --- Part 1: the caller look-up ----------------------------------------------------------------------------------

MIXES = (
    "phone of a heavy repeat caller",
    "phone of a one-off caller",
    "phone + name of a one-off caller",
    "name + date of birth",
    "forenames + surname only",
    "unknown phone",
)


@dataclass(frozen=True)
class Query:
    mix: str
    args: dict[str, Any]
    expect: str | None  # the person who should come top, when there is one


def _spoken(number: str) -> str:
    """``+447712345678`` → ``07712 345678``, as a call handler would type it."""
    national = "0" + number[3:]
    return f"{national[:5]} {national[5:]}"


def _queries(engine: Engine, scale: Scale, count: int) -> list[Query]:
    rng = random.Random(scale.seed)
    per = max(1, count // len(MIXES))
    owner = (
        "SELECT n.e164, p.ref, p.forenames, p.surname, p.date_of_birth FROM phone_numbers n "
        "JOIN person_phones pp ON pp.phone_id = n.id JOIN people p ON p.id = pp.person_id WHERE n.id = ANY(:ids)"
    )
    with engine.connect() as conn:
        heavy = (
            conn.execute(
                text(
                    "SELECT caller_phone_id FROM contacts WHERE caller_phone_id IS NOT NULL "
                    "GROUP BY 1 ORDER BY count(*) DESC LIMIT :k"
                ),
                {"k": scale.heavy},
            )
            .scalars()
            .all()
        )
        once = (
            conn.execute(
                text(
                    "SELECT caller_phone_id FROM contacts WHERE caller_phone_id IS NOT NULL AND caller_phone_id <= :n "
                    "GROUP BY 1 HAVING count(*) = 1 LIMIT 20000"
                ),
                {"n": scale.people},
            )
            .scalars()
            .all()
        )
        heavy_rows = conn.execute(text(owner), {"ids": [rng.choice(heavy) for _ in range(per)]}).all()
        once_rows = conn.execute(text(owner), {"ids": rng.sample(list(once), min(2 * per, len(once)))}).all()
        people = conn.execute(
            text("SELECT ref, forenames, surname, date_of_birth FROM people WHERE id = ANY(:ids)"),
            {"ids": rng.sample(range(1, scale.people + 1), 2 * per)},
        ).all()
        places = conn.execute(
            text("SELECT lat, lon FROM locations WHERE id = ANY(:ids)"),
            {"ids": rng.sample(range(1, scale.locations + 1), 200)},
        ).all()
    heavy_rows = [heavy_rows[i % len(heavy_rows)] for i in range(per)]  # a caller may ring in twice
    queries = [Query(MIXES[0], {"phone": _spoken(r.e164)}, r.ref) for r in heavy_rows]
    queries += [Query(MIXES[1], {"phone": _spoken(r.e164)}, r.ref) for r in once_rows[:per]]
    queries += [
        Query(MIXES[2], {"phone": _spoken(r.e164), "forenames": r.forenames, "surname": r.surname}, r.ref)
        for r in once_rows[per:]
    ]
    queries += [
        Query(MIXES[3], {"forenames": r.forenames, "surname": r.surname, "date_of_birth": r.date_of_birth}, r.ref)
        for r in people[:per]
    ]
    queries += [Query(MIXES[4], {"forenames": r.forenames, "surname": r.surname}, r.ref) for r in people[per:]]
    queries += [Query(MIXES[5], {"phone": f"07800 {rng.randrange(1_000_000):06d}"}, None) for _ in range(per)]
    for q in queries:
        lat, lon = rng.choice(places)
        q.args.update(lat=lat, lon=lon)  # the handler has the caller's location too
    rng.shuffle(queries)
    return queries


@dataclass
class Measured:
    label: str
    timings: dict[str, list[float]] = field(default_factory=dict)
    found: dict[str, list[bool]] = field(default_factory=dict)
    runs: list[tuple[float, Query]] = field(default_factory=list)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # this process's CPU time (not PostgreSQL's)

    def add(self, query: Query, seconds: float, cpu: float, found: bool | None) -> None:
        self.timings.setdefault(query.mix, []).append(seconds)
        self.cpu.setdefault(query.mix, []).append(cpu)
        self.runs.append((seconds, query))
        if found is not None:
            self.found.setdefault(query.mix, []).append(found)

    def at_p95(self, mix: str) -> Query:
        ordered = sorted((r for r in self.runs if r[1].mix == mix), key=lambda r: r[0])
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))][1]


def _variants() -> list[tuple[str, dict[str, Any]]]:
    """The code as it stands, then the proposed changes (swapped into ``peel.contact.lookup`` while they run)."""
    return [
        ("peel today", {}),
        ("proposed _candidates¹", {"_candidates": proposed_candidates}),
        ("proposed _candidates¹ + _history²", {"_candidates": proposed_candidates, "_history": proposed_history}),
    ]


@contextlib.contextmanager
def _gc_pauses() -> Iterator[list[float]]:
    """Durations of Python's full (generation 2) garbage collections while the block runs."""
    pauses: list[float] = []
    began = [0.0]

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        elif info["generation"] == 2:
            pauses.append(time.perf_counter() - began[0])

    gc.callbacks.append(record)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(record)


def _run_lookups(sessions: Any, queries: list[Query], now: datetime) -> list[Measured]:
    """Each query under every variant in turn (rotating who goes first), so caches and a busy machine are shared."""
    store, actor = SqlAuditStore(SECRET.encode()), Actor.system("bench")
    variants = _variants()
    results = [Measured(label) for label, _ in variants]
    for n, q in enumerate(queries[:25] + queries):  # the first 25 warm the pool, the plans and the caches
        for k in ((n + j) % len(variants) for j in range(len(variants))):
            patches = variants[k][1]
            with mock.patch.multiple(lookup_module, **patches) if patches else contextlib.nullcontext():
                began, cpu = time.perf_counter(), time.thread_time()
                with UnitOfWork(sessions, store, actor) as uow:
                    out = lookup_module.lookup(uow, now, **q.args)
                    uow.commit()
                elapsed, cpu = time.perf_counter() - began, time.thread_time() - cpu
            if n >= 25:
                top = [m.person_ref for m in out.matches]
                results[k].add(q, elapsed, cpu, None if q.expect is None else q.expect in top[:1])
    return results


def _statements(engine: Engine, sessions: Any, query: Query, now: datetime) -> list[tuple[float, str, Any]]:
    """Every SQL statement one look-up runs, with its time, slowest first."""
    seen: list[tuple[float, str, Any]] = []
    began: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        began[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        seen.append((time.perf_counter() - began.pop(id(cursor), time.perf_counter()), statement, params))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        with UnitOfWork(sessions, SqlAuditStore(SECRET.encode()), Actor.system("bench")) as uow:
            lookup_module.lookup(uow, now, **query.args)
            uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return sorted(seen, key=lambda s: -s[0])


def _explain(engine: Engine, statement: str, params: Any) -> str:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
        conn.rollback()
    return "\n".join(r[0][:220] for r in rows)


def proposed_candidates(uow: UnitOfWork, phone_id: int | None, surname: str | None, dob: date | None) -> list[Any]:
    """The change proposed for ``peel.contact.lookup._candidates``, measured here before it is made.

    Today one ``OR`` joins ``IN (sub-query)`` conditions on the phone with the name and date of birth, which leaves
    PostgreSQL no plan but reading all of ``people``, and its ``LIMIT 200`` can drop the very person whose phone
    rang when 200 others share their surname's key. Here the people linked to the phone come first, by their own
    indexed look-ups; the name and date of birth fill the rest. Given a date of birth, people of that name with
    another known date of birth are not fetched: ``matching.match`` scores them 0 (name +0.35, different date of
    birth −0.40), and with common surnames they crowded the real person out. The same date, the day and month
    transposed, or no date on record still come through.
    """
    from sqlalchemy import and_, or_, select, union

    from peel.contact.models import Contact, MatchDecision
    from peel.identity.access import granted_ids
    from peel.people.models import Person, PersonPhone

    visible = or_(Person.restricted.is_(False), Person.id.in_(granted_ids(uow, "person")))
    linked: list[int] = []
    if phone_id is not None:
        owner = select(PersonPhone.person_id).where(PersonPhone.phone_id == phone_id)
        rang = select(Contact.caller_person_id).where(Contact.caller_phone_id == phone_id)
        confirmed = select(MatchDecision.person_id).where(MatchDecision.phone_id == phone_id)
        linked = [i for i in uow.session.execute(union(owner, rang, confirmed)).scalars() if i is not None]
    key, by_name = surname_key(surname or ""), list[Any]()
    if dob is not None:
        days = [dob] + ([date(dob.year, dob.day, dob.month)] if dob.day <= 12 and dob.day != dob.month else [])
        by_name.append(Person.date_of_birth.in_(days))
        if key:
            by_name.append(and_(Person.date_of_birth.is_(None), Person.name_key == key))
    elif key:
        by_name.append(Person.name_key == key)
    people = list(uow.session.execute(select(Person).where(Person.id.in_(linked), visible)).scalars()) if linked else []
    if by_name:
        rest = select(Person).where(or_(*by_name), visible)
        rest = rest.where(Person.id.not_in(linked)) if linked else rest
        people += uow.session.execute(rest.limit(200)).scalars().all()
    return people


def proposed_history(uow: UnitOfWork, now: datetime, phone_id: int | None, person: Any) -> tuple[list[Any], list[Any]]:
    """The change proposed for ``peel.contact.lookup._history``: the same rows, read as columns.

    A repeat caller brings up to 500 contacts; today each arrives as a ``Contact`` and an ``Incident`` object, and
    every incident pulls in its location (joined) and its people (one more query), none of which the history uses.
    Plain columns skip the identity map, and only the 50 items shown are built as response models.
    """
    from sqlalchemy import literal, or_, select

    from peel.contact import flags
    from peel.contact.models import Contact
    from peel.contact.schemas import HistoryItem
    from peel.incidents.models import Incident, IncidentPerson

    since = now - timedelta(days=lookup_module.HISTORY_DAYS)
    who = [Contact.caller_phone_id == phone_id] if phone_id is not None else []
    who += [Contact.caller_person_id == person.id] if person is not None else []
    rows: list[Any] = []
    if who:
        called: tuple[Any, ...] = (Contact.ref, Incident.ref, Contact.received_at, Contact.channel, Contact.category)
        stmt = select(*called, Incident.grade, Contact.outcome, literal("caller"), Incident.location_id)
        stmt = stmt.join(Incident, Incident.id == Contact.incident_id).where(or_(*who), Contact.received_at >= since)
        rows += uow.session.execute(stmt.order_by(Contact.received_at.desc()).limit(500)).all()
    if person is not None:
        victim: tuple[Any, ...] = (literal(""), Incident.ref, Incident.opened_at, Incident.channel, Incident.category)
        stmt = select(*victim, Incident.grade, Incident.status, literal("victim"), Incident.location_id)
        stmt = stmt.join(IncidentPerson, IncidentPerson.incident_id == Incident.id).where(
            IncidentPerson.person_id == person.id, IncidentPerson.role == "victim", Incident.opened_at >= since
        )
        rows += uow.session.execute(stmt.order_by(Incident.opened_at.desc()).limit(200)).all()
    past = [
        flags.PastContact(
            at=at,
            channel=channel,
            grade=grade,
            outcome=outcome
            if role == "caller"
            else ("deployed" if grade in ("G1", "G2", "G3") else "resolved_without_deployment"),
            role=role,
            location_key=str(place or ""),
            incident_ref=incident,
        )
        for _c, incident, at, channel, _cat, grade, outcome, role, place in rows
    ]
    rows.sort(key=lambda r: r[2], reverse=True)
    items = [
        HistoryItem(contact_ref=c, incident_ref=i, received_at=at, channel=ch, category=cat, grade=g, outcome=o, role=r)
        for c, i, at, ch, cat, g, o, r, _place in rows[:50]
    ]
    return items, past


def _lookup_part(admin_url: str, args: argparse.Namespace, console: Console) -> tuple[list[Measured], list[str]]:
    scale = Scale(args.people, args.contacts, args.incidents or args.contacts // 2)
    url = make_url(admin_url).set(database=DATABASE).render_as_string(hide_password=False)
    end = None if args.rebuild else _loaded(url, scale)
    if end is None:
        end = _build(admin_url, url, scale, console)
    else:
        upgrade(url)  # a migration added since the load applies to the kept data too
        console.print(f"Reusing {DATABASE} ({scale.people:,} people, {scale.contacts:,} contacts; --rebuild reloads)")
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    notes: list[str] = []
    try:
        now = datetime.fromtimestamp(end, UTC)
        with console.status("Choosing callers…"):
            queries = _queries(engine, scale, args.queries)
        with (
            console.status(f"Timing {len(queries)} look-ups, as the code stands and as proposed…"),
            _gc_pauses() as gcs,
        ):
            runs = _run_lookups(sessions, queries, now)
        if gcs:
            notes.append(
                f"Python's full garbage collections during the look-ups: {len(gcs)}, pausing {_ms(gcs, 0.5)} ms "
                f"(median) to {max(gcs) * 1e3:.1f} ms; a look-up that meets one lands in the tail"
            )
        if args.explain:
            notes += _diagnose(engine, sessions, runs[0], now)
        return runs, notes
    finally:
        engine.dispose()


def _diagnose(engine: Engine, sessions: Any, measured: Measured, now: datetime) -> list[str]:
    """For each mix, the look-up at its p95: its slowest statements; then the plan of the slowest of all."""
    notes, slowest = ["Where the time goes (the look-up at each mix's p95, run again):"], (0.0, "", None)
    for mix in MIXES:
        began = time.perf_counter()
        statements = _statements(engine, sessions, measured.at_p95(mix), now)
        wall, total = time.perf_counter() - began, sum(s[0] for s in statements)
        notes.append(f"{mix}: {wall * 1e3:.1f} ms, of which {total * 1e3:.1f} ms in {len(statements)} statements")
        for seconds, statement, _params in statements[:3]:
            notes.append(f"  {seconds * 1e3:7.1f} ms  {' '.join(statement.split())[:140]}")
        if statements and statements[0][0] > slowest[0]:
            slowest = statements[0]
    if slowest[1]:
        notes.append(f"Slowest statement ({slowest[0] * 1e3:.1f} ms), parameters {str(slowest[2])[:300]}:")
        notes.append(" ".join(slowest[1].split()))
        notes.append(_explain(engine, slowest[1], slowest[2]))
    return notes


# --- Part 2: intake over HTTP -----------------------------------------------------------------------------------

TODAY_APP, PROPOSED_APP = "peel.web.asgi:app", "bench.contact:proposed_app"


@dataclass(frozen=True)
class Load:
    backend: str
    code: str
    what: str
    timing: Timing
    failures: int
    cpu: float  # server CPU seconds per request (every worker; PostgreSQL's own processes not included)
    due: int  # requests the load meant to send (paced: the schedule; flat out: what was sent)
    note: str = ""


def _call_body(rng: random.Random, texts: list[str]) -> dict[str, Any]:
    """A 999 call as a handler enters it: the caller's number, what they say, a category, where in Westminster."""
    repeat = rng.random() < 0.3  # a few numbers ring again and again
    number = f"07700 9{rng.randrange(20 if repeat else 99_999):05d}"
    district = rng.choice(names.DISTRICTS)[0]
    return {
        "channel": "999",
        "caller": {"phone": number, "forenames": rng.choice(FORENAMES), "surname": rng.choice(names.SURNAMES)},
        "text": rng.choice(texts),
        "category": rng.choice(list(CATEGORIES)),
        "location": {
            "address": f"{rng.randint(1, 250)} {rng.choice(STREETS)}, London",
            "postcode": f"{district} {rng.randint(1, 9)}{rng.choice(INWARD)}{rng.choice(INWARD)}",
            "lat": round(rng.uniform(51.50, 51.53), 6),
            "lon": round(rng.uniform(-0.19, -0.11), 6),
        },
        "answered_after_s": round(rng.uniform(2, 20), 1),
    }


Call = Callable[[httpx.Client, random.Random], int]


Run = tuple[Timing, int, float, int]  # latencies and wall time, failures, server CPU s per request, calls due


def _closed_loop(url: str, headers: dict[str, str], call: Call, clients: int, seconds: float, cpu: CpuClock) -> Run:
    """``clients`` threads each send their next request as soon as the last one is answered (2 s warm-up first)."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.5
    measure_from, stop = start + 2.0, start + 2.0 + seconds

    def loop(n: int) -> None:
        rng, mine, bad = random.Random(n), [], 0
        with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
            time.sleep(max(0.0, start - time.perf_counter()))
            while (began := time.perf_counter()) < stop:
                status = call(client, rng)
                if began >= measure_from:
                    mine.append(time.perf_counter() - began)
                    bad += status >= 400
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    used = cpu()
    for thread in threads:
        thread.join()
    return Timing(latencies, seconds), failures[0], (cpu() - used) / max(1, len(latencies)), len(latencies)


def _paced(url: str, headers: dict[str, str], call: Call, rate: float, seconds: float, cpu: CpuClock) -> Run:
    """Calls due at a steady ``rate`` for ``seconds``; each latency runs from when the call was due, so queueing
    counts. Calls still unsent when the schedule ends are dropped (the table shows how many were sent)."""
    total, counter = int(rate * seconds), itertools.count()
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start, used = time.perf_counter() + 0.5, cpu()

    def loop(n: int) -> None:
        rng, mine, bad = random.Random(1000 + n), [], 0
        with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
            while (i := next(counter)) < total and time.perf_counter() < start + seconds:
                due = start + i / rate
                time.sleep(max(0.0, due - time.perf_counter()))
                bad += call(client, rng) >= 400
                mine.append(time.perf_counter() - due)
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(max(16, int(rate // 5)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu_per = time.perf_counter() - start, (cpu() - used) / max(1, len(latencies))
    return Timing(latencies, wall), failures[0], cpu_per, total


CpuClock = Callable[[], float]


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a server process and its workers (its children), from /proc."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(stat.parent.name) == pid or int(fields[1]) == pid:
                total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


@contextlib.contextmanager
def _serve(settings: Settings, workdir: Path, workers: int, target: str) -> Iterator[tuple[str, Path, int]]:
    """``uvicorn --workers`` on 127.0.0.1 with the test suite's flags, stopped (and its workers with it) at the end."""
    port, log = free_port(), workdir / f"uvicorn-{workers}.log"
    command = [sys.executable, "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    env = {**server_env(settings), "PYTHONPATH": str(ROOT)}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=2.0).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"uvicorn did not become healthy:\n{log.read_text(errors='replace')[-2000:]}")
        yield url, log, process.pid
    finally:
        process.terminate()  # uvicorn's supervisor stops its workers
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # any worker left behind in the group this run started


def _intake_rows(
    backend: str, code: str, target: str, settings: Settings, workdir: Path, seconds: float, clients: int
) -> list[Load]:
    workers, goal = (1, GOALS["sqlite"][0]) if backend == "sqlite" else (2, GOALS["postgresql"][0])
    add_account(settings, "bench", "call_handler", team="Control Room")
    texts = _texts(random.Random(SEED))
    clients = clients or 4 * workers

    def healthz(client: httpx.Client, _rng: random.Random) -> int:
        try:
            return client.get("/healthz").status_code
        except httpx.HTTPError:
            return 599

    def intake(client: httpx.Client, rng: random.Random) -> int:
        try:
            return client.post("/api/v1/contacts", json=_call_body(rng, texts)).status_code
        except httpx.HTTPError:  # counted, and the client reconnects
            return 599

    with _serve(settings, workdir, workers, target) as (url, log, pid):
        headers = {"Authorization": f"Bearer {bearer_token(url, 'bench', PASSWORD)}"}
        cpu = partial(_tree_cpu, pid)
        runs: list[tuple[str, Callable[[], Run]]] = [
            (f"flat out, {clients} clients", partial(_closed_loop, url, headers, intake, clients, seconds, cpu)),
            (f"paced at {goal:g}/s", partial(_paced, url, headers, intake, goal, seconds, cpu)),
        ]
        if target == TODAY_APP:
            baseline = partial(_closed_loop, url, headers, healthz, clients, 5.0, cpu)
            runs.insert(0, ("GET /healthz baseline", baseline))
        rows = []
        for what, run in runs:
            timing, failed, cpu_per, due = run()
            note = log.read_text(errors="replace")[-600:] if failed else ""
            rows.append(Load(backend, code, what, timing, failed, cpu_per, due, note))
        return rows


def _settings(database_url: str, redis_url: str | None = None) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        road_graph=ROOT / "data/osm-westminster/westminster_drive.graphml.gz",
        assets_dir=ROOT / "node_modules",
        redis_url=redis_url,
    )


@contextlib.contextmanager
def _fresh_database(backend: str, admin_url: str | None, workdir: Path) -> Iterator[str]:
    workdir.mkdir(parents=True)
    if backend == "sqlite" or admin_url is None:
        url = f"sqlite:///{workdir / 'intake.db'}"
        upgrade(url)
        yield url
        return
    name = f"{DATABASE}_intake"
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _intake_part(admin_url: str | None, args: argparse.Namespace, console: Console) -> list[Load]:
    """Each backend with Peel as it is and with the proposed duplicate search, each on a fresh database."""
    rows: list[Load] = []
    backends = ["sqlite"] + (["postgresql"] if admin_url else [])
    if admin_url is None:
        console.print("[yellow]PostgreSQL is not available here: intake on PostgreSQL skipped")
    with tempfile.TemporaryDirectory(prefix="peel-bench-contact-") as tmp, redis_server() as redis_url:
        for backend, (code, target) in itertools.product(
            backends, (("peel today", TODAY_APP), ("proposed¹", PROPOSED_APP))
        ):
            workdir = Path(tmp) / f"{backend}-{len(rows)}"
            with console.status(f"Intake on {backend}, {code}…"), _fresh_database(backend, admin_url, workdir) as url:
                settings = _settings(url, redis_url if backend == "postgresql" else None)
                rows += _intake_rows(backend, code, target, settings, workdir, args.seconds, args.clients)
    return rows


def proposed_find_duplicates(uow: UnitOfWork, incident: Any, text: str, now: datetime) -> list[Any]:
    """The change proposed for ``peel.contact.intake.find_duplicates``, measured here before it is made.

    Only probable duplicates are returned (within 300 m and 30 min), so the database is asked for exactly those
    incidents: opened in the last ``max_minutes``, inside a box around the new location, as plain columns. Today
    up to 200 incidents of the last two hours are loaded as ORM objects (with their people) and scored in Python,
    inside the transaction that holds the reference counters, so every concurrent intake waits for it; and in a
    busy hour a real duplicate 25 minutes old can fall outside those 200.
    """
    import math

    from sqlalchemy import select

    from peel.contact import duplicates
    from peel.contact.schemas import DuplicateOut
    from peel.incidents.models import Incident
    from peel.people.models import Location

    if incident.location is None:
        return []
    rule, lat, lon = duplicates.DEFAULT_RULE, incident.location.lat, incident.location.lon
    dlat = rule.max_distance_m / 110_000  # a degree of latitude is at least 110.5 km: the box holds the circle
    dlon = dlat / max(0.01, math.cos(math.radians(lat)))
    rows = uow.session.execute(
        select(Incident.ref, Incident.opened_at, Incident.category, Incident.summary, Location.lat, Location.lon)
        .join(Location, Location.id == Incident.location_id)
        .where(
            Incident.id != incident.id,
            Incident.opened_at >= now - timedelta(minutes=rule.max_minutes),
            Incident.merged_into_id.is_(None),
            Incident.status.in_(("open", "assigned")),
            Location.lat.between(lat - dlat, lat + dlat),
            Location.lon.between(lon - dlon, lon + dlon),
        )
        .order_by(Incident.opened_at.desc())
        .limit(200)
    ).all()
    new = duplicates.ContactSketch(incident.opened_at, lat, lon, incident.category, text)
    sketches = [duplicates.ContactSketch(r.opened_at, r.lat, r.lon, r.category, r.summary, r.ref) for r in rows]
    ranked = duplicates.rank_candidates(new, sketches, probable_only=True, limit=5)
    return [
        DuplicateOut(
            incident_ref=r.sketch.ref,
            score=round(r.score.score, 3),
            distance_m=round(r.score.distance_m, 1),
            minutes_apart=round(r.score.minutes_apart, 1),
            reasons=list(r.score.reasons),
        )
        for r in ranked
    ]


def proposed_phone_record(uow: UnitOfWork, raw: str) -> Any:
    """The change proposed for ``peel.people.service.phone_record``: safe when two calls bring one new number.

    Today it reads, then inserts; two intakes from the same new number at once both insert and the second fails on
    ``uq_phone_numbers_e164`` (HTTP 500, the call is lost). Inserting with ``ON CONFLICT DO NOTHING`` waits for the
    other transaction and then reads the row it committed.
    """
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql, sqlite

    from peel.core.phone import to_e164
    from peel.people.models import PhoneNumber

    e164 = to_e164(raw)
    phone = uow.session.execute(select(PhoneNumber).where(PhoneNumber.e164 == e164)).scalar_one_or_none()
    if phone is None:
        insert = postgresql.insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        uow.session.execute(insert(PhoneNumber).values(e164=e164).on_conflict_do_nothing(index_elements=["e164"]))
        phone = uow.session.execute(select(PhoneNumber).where(PhoneNumber.e164 == e164)).scalar_one()
    return phone


def proposed_app() -> Any:
    """``uvicorn bench.contact:proposed_app --factory``: Peel with the proposed intake changes swapped in."""
    from peel.contact import intake
    from peel.web.asgi import app

    intake.find_duplicates = proposed_find_duplicates
    intake.phone_record = proposed_phone_record
    return app()


# --- Report ------------------------------------------------------------------------------------------------------

GOALS = {"sqlite": (50.0, 0.150), "postgresql": (200.0, None)}  # intakes/s, p99 (seconds)
LOOKUP_P95_GOAL = 0.100


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _machine(admin_url: str | None) -> str:
    postgres = "not available"
    if admin_url:
        with psycopg.connect(_conninfo(admin_url)) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            settings = conn.execute("SELECT current_setting('shared_buffers'), current_setting('work_mem')").fetchone()
            postgres = f"{row[0] if row else '?'} (shared_buffers {settings[0] if settings else '?'})"
    load = os.getloadavg()[0]
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores (load {load:.1f} at start) · Python {platform.python_version()}"
        f" · PostgreSQL {postgres} · SQLite {sqlite3.sqlite_version}"
    )


def _ms(values: list[float], q: float) -> str:
    return f"{Timing(values, 1.0).percentile(q) * 1e3:.1f}"


def _lookup_table(runs: list[Measured], args: argparse.Namespace, machine: str) -> Table:
    table = Table(
        title=f"Caller look-up on PostgreSQL: {args.people:,} people, {args.contacts:,} contacts, "
        f"{args.incidents or args.contacts // 2:,} incidents",
        caption=f"look-up and its audited commit, in-process; CPU: this process's (PostgreSQL's not counted); "
        f"found: the person sought is the top match; "
        f"¹ ² proposed changes to peel.contact.lookup (not in peel yet)\n"
        f"{machine} · load {os.getloadavg()[0]:.1f} at the end",
    )
    for column in ("code", "query mix", "n", "p50 ms", "p95 ms", "p99 ms", "goal p95", "met", "CPU p50", "found"):
        table.add_column(column, justify="left" if column in ("code", "query mix") else "right")
    for run in runs:
        everything = [t for mix in MIXES for t in run.timings.get(mix, [])]
        for mix in (*MIXES, "all"):
            values = everything if mix == "all" else run.timings.get(mix, [])
            if not values:
                continue
            found = [f for m in MIXES for f in run.found.get(m, [])] if mix == "all" else run.found.get(mix, [])
            p95 = Timing(values, 1.0).percentile(0.95)
            table.add_row(
                run.label if mix == MIXES[0] else "",
                f"[bold]{mix}[/bold]" if mix == "all" else mix,
                str(len(values)),
                _ms(values, 0.5),
                f"{p95 * 1e3:.1f}",
                _ms(values, 0.99),
                "< 100 ms",
                "yes" if p95 < LOOKUP_P95_GOAL else "[red]no[/red]",
                _ms([c for m in MIXES for c in run.cpu.get(m, [])] if mix == "all" else run.cpu.get(mix, []), 0.5),
                f"{sum(found) / len(found):.0%}" if found else "—",
                end_section=mix == "all",
            )
    return table


def _intake_table(rows: list[Load], args: argparse.Namespace, machine: str) -> Table:
    table = Table(
        title=f"Intake: POST /api/v1/contacts (999 calls), {args.seconds:g} s per measurement after a 2 s warm-up",
        caption=f"flat out: a closed loop of clients; paced: calls due at the goal rate, latency counted from when "
        f"each was due; app CPU: the server's processes' CPU time per request; a fresh database per server; "
        f"¹ proposed find_duplicates and phone_record (not in peel yet)\n{machine}"
        f" · load {os.getloadavg()[0]:.1f} at the end",
    )
    columns = ("server", "code", "load", "n", "errors", "p50 ms", "p99 ms", "per second", "app CPU ms", "goal", "met")
    for column in columns:
        table.add_column(column, justify="left" if column in ("server", "code", "load", "goal") else "right")
    for row in rows:
        t = row.timing
        rate, p99 = t.rate, t.percentile(0.99)
        goal_rate, goal_p99 = GOALS[row.backend]
        intake = not row.what.startswith("GET")
        goal = (f"≥ {goal_rate:g}/s" + (f", p99 < {goal_p99 * 1e3:.0f} ms" if goal_p99 else "")) if intake else ""
        met = rate >= goal_rate * 0.98 and (goal_p99 is None or p99 < goal_p99) and row.failures == 0
        first = row is rows[0] or rows[rows.index(row) - 1].code != row.code
        table.add_row(
            ("SQLite, 1 worker" if row.backend == "sqlite" else "PostgreSQL, 2 workers + Redis") if first else "",
            row.code if first else "",
            row.what,
            f"{len(t.latencies):,}" + (f" of {row.due:,}" if row.due > len(t.latencies) else ""),
            str(row.failures),
            f"{t.percentile(0.5) * 1e3:.1f}",
            f"{p99 * 1e3:.1f}",
            f"{rate:,.1f}",
            f"{row.cpu * 1e3:.1f}",
            goal,
            ("yes" if met else "[red]no[/red]") if intake else "",
            end_section=row.what.startswith("paced"),
        )
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench contact", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="synthetic people (default 1,000,000)")
    parser.add_argument("--contacts", type=int, default=5_000_000, help="synthetic contacts (default 5,000,000)")
    parser.add_argument("--incidents", type=int, default=0, help="synthetic incidents (default: contacts / 2)")
    parser.add_argument("--queries", type=int, default=500, help="timed look-ups, split evenly between the mixes")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each intake measurement")
    parser.add_argument("--clients", type=int, default=0, help="closed-loop intake clients (default 4 per worker)")
    parser.add_argument("--rebuild", action="store_true", help="reload the look-up database even if it matches")
    parser.add_argument("--drop", action="store_true", help="drop the look-up database and exit")
    parser.add_argument("--explain", action="store_true", help="show where one look-up's time goes, with a plan")
    parser.add_argument("--part", choices=("lookup", "intake"), action="append", help="default: both")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    console = Console() if sys.stdout.isatty() else Console(width=140)
    with postgres_server() as admin_url:
        if args.drop:
            if admin_url:
                _admin(admin_url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            console.print(f"Dropped {DATABASE}")
            return
        machine, parts = _machine(admin_url), args.part or ["lookup", "intake"]
        if "lookup" in parts and admin_url is None:
            console.print("[yellow]PostgreSQL is not available here: the look-up benchmark is skipped")
        elif "lookup" in parts and admin_url:
            runs, notes = _lookup_part(admin_url, args, console)
            console.print(_lookup_table(runs, args, machine))
            for note in notes:
                console.print(note, markup=False, highlight=False)
        if "intake" in parts:
            loads = _intake_part(admin_url, args, console)
            console.print(_intake_table(loads, args, machine))
            for load in loads:
                if load.note:
                    console.print(f"{load.backend} {load.code} {load.what}: server log ends\n{load.note}", markup=False)


if __name__ == "__main__":
    main()
