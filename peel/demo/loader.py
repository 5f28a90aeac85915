"""Writes the synthetic demo force into the database through the normal services (so it is audited)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select

from peel.audit.file_witness import FileWitness
from peel.audit.store import SqlAuditStore
from peel.cases.models import Case
from peel.contact.models import Contact
from peel.core.clock import Clock, utcnow
from peel.db.engine import make_engine, make_session_factory
from peel.db.references import next_reference
from peel.db.uow import Actor, UnitOfWork
from peel.demo import workforce as wf
from peel.demo.accounts import DEMO_PASSWORD, demo_accounts
from peel.demo.generator import DemoPlan, generate
from peel.demo.profile import load_profile
from peel.identity import access
from peel.identity.models import User
from peel.identity.service import create_user
from peel.incidents.models import Incident, IncidentPerson
from peel.people import schemas
from peel.people.models import PersonPhone, Vehicle
from peel.people.service import create_location, create_person
from peel.settings import Settings
from peel.workforce.models import Officer, Shift, Station, Team, Unit, UnitCrew

BATCH = 250


def load_demo(
    settings: Settings,
    *,
    seed: int,
    people: int,
    days: int,
    progress: Any = None,
    clock: Clock = utcnow,
) -> str:
    """Load the synthetic force, ending at the clock's present (a manual clock makes it reproducible)."""
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    sessions = make_session_factory(engine)
    store = SqlAuditStore(
        settings.secret_key.get_secret_value().encode(),
        settings.audit_checkpoint_every,
        FileWitness(settings.audit_witness_path),
    )

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions, store, Actor.system("demo-loader"), clock=clock)

    try:
        with uow() as u:
            if u.session.execute(select(Station.id).limit(1)).first():
                return "The demo force is already loaded; nothing to do."
        from peel.roads.graph import load_road_graph

        graph = load_road_graph(settings.road_graph)
        rng = np.random.default_rng(seed)
        points = graph.sample_addresses_points(rng, people)
        end = clock().replace(second=0, microsecond=0)
        plan = generate(seed, points, load_profile(), people=people, days=days, end=end)
        with uow() as u:
            team_ids = _workforce(u, rng, graph, end, days)
            _accounts(u, team_ids)
            u.commit()
        person_ids = _people(uow, plan, progress)
        _incidents(uow, plan, person_ids, team_ids, progress)
        _cases(uow, team_ids)
    finally:
        engine.dispose()
    return (
        f"Loaded the synthetic demo force: {people} people, {len(plan.vehicles)} vehicles, "
        f"{len(plan.incidents)} incidents over {days} days (seed {seed})."
    )


def _workforce(u: UnitOfWork, rng: np.random.Generator, graph: Any, end: datetime, days: int) -> dict[str, int]:
    s = u.session
    stations = {}
    for code, name, address, postcode, lat, lon in wf.STATIONS:
        st = Station(code=code, name=name, address=address, postcode=postcode, lat=lat, lon=lon)
        s.add(st)
        stations[code] = st
    s.flush()
    team_ids: dict[str, int] = {}
    for plan in wf.teams():
        team = Team(name=plan.name, kind=plan.kind, station_id=stations[plan.station].id, shift_pattern=plan.pattern)
        s.add(team)
        s.flush()
        team_ids[plan.name] = team.id
    first_day = (end - timedelta(days=days)).astimezone(wf.LONDON).date()
    for offset in range(days + 8):
        day = first_day + timedelta(days=offset)
        for i, name in enumerate(wf.RESPONSE_TEAMS):
            kind = wf.shift_on(i, day)
            if kind != "rest":
                start, stop = wf.shift_window(kind, day)
                s.add(Shift(team_id=team_ids[name], kind=kind, starts_at=start, ends_at=stop))
        if day.weekday() < 5:
            for name in ("Neighbourhood Team", "CID"):
                start, stop = wf.shift_window("day", day)
                s.add(Shift(team_id=team_ids[name], kind="day", starts_at=start, ends_at=stop))
    staff = wf.officers(rng)
    officer_ids: dict[str, int] = {}
    for o in staff:
        row = Officer(
            collar_number=o.collar,
            rank=o.rank,
            forenames=o.forenames,
            surname=o.surname,
            team_id=team_ids[o.team],
            skills=list(o.skills),
        )
        s.add(row)
        s.flush()
        officer_ids[o.collar] = row.id
    on_duty = wf.response_team_at(end)
    for plan_unit in wf.units(staff):
        st = stations[plan_unit.station]
        node = graph.nearest_node(st.lat + rng.normal(0, 0.004), st.lon + rng.normal(0, 0.006))
        active = plan_unit.team == on_duty
        unit = Unit(
            callsign=plan_unit.callsign,
            kind=plan_unit.kind,
            station_id=st.id,
            team_id=team_ids[plan_unit.team],
            skills=list(plan_unit.skills),
            status=str(rng.choice(["available", "available", "assigned"])) if active else "off_duty",
            lat=float(graph.nodes.lat[node]),
            lon=float(graph.nodes.lon[node]),
            status_changed_at=end,
        )
        s.add(unit)
        s.flush()
        for collar in plan_unit.crew:
            s.add(UnitCrew(unit_id=unit.id, officer_id=officer_ids[collar]))
    u.audit("demo.load", "force", "workforce", detail=f"{len(staff)} officers")
    return team_ids


def _accounts(u: UnitOfWork, team_ids: dict[str, int]) -> None:
    for username, display, role, team in demo_accounts():
        user = create_user(u, username, display, role, DEMO_PASSWORD, team_ids.get(team) if team else None)
        first, last = display.replace("PC ", "").replace("PS ", "").replace("DC ", "").split(" ")[:2]
        officer = u.session.execute(
            select(Officer).where(Officer.forenames == first, Officer.surname == last)
        ).scalar_one_or_none()
        if officer is not None and role in ("officer", "supervisor", "investigator"):
            officer.user_id = user.id


def _people(uow: Any, plan: DemoPlan, progress: Any) -> list[int]:
    task = progress.add_task("Synthetic people", total=len(plan.people)) if progress else None
    ids: list[int] = []
    for start in range(0, len(plan.people), BATCH):
        with uow() as u:
            for p in plan.people[start : start + BATCH]:
                data = schemas.PersonIn(
                    forenames=p.forenames,
                    surname=p.surname,
                    date_of_birth=p.dob,
                    phones=p.phones,
                    aliases=[schemas.AliasIn(forenames=f, surname=s) for f, s in p.aliases],
                    address=schemas.LocationIn(address=p.address, postcode=p.postcode, lat=p.lat, lon=p.lon),
                    markers=[schemas.MarkerIn(kind=k, code=c, note=n) for k, c, n in p.markers],
                )
                ids.append(create_person(u, data, synthetic=True).id)
            u.commit()
        if progress:
            progress.advance(task, min(BATCH, len(plan.people) - start))
    with uow() as u:
        for v in plan.vehicles:
            u.session.add(Vehicle(vrm=v.vrm, make=v.make, model=v.model, colour=v.colour, keeper_id=ids[v.keeper]))
            u.audit("vehicle.create", "vehicle", v.vrm)
        u.commit()
    return ids


def _incidents(uow: Any, plan: DemoPlan, person_ids: list[int], team_ids: dict[str, int], progress: Any) -> None:
    task = progress.add_task("Contact history", total=len(plan.incidents)) if progress else None
    rng = np.random.default_rng(len(plan.incidents))
    with uow() as u:
        phones = dict(u.session.execute(select(PersonPhone.person_id, PersonPhone.phone_id)).all())
    for start in range(0, len(plan.incidents), BATCH):
        with uow() as u:
            for p in plan.incidents[start : start + BATCH]:
                location = create_location(
                    u,
                    schemas.LocationIn(address=p.address, postcode=p.postcode or None, lat=p.lat, lon=p.lon),
                )
                deployed = p.grade in ("G1", "G2", "G3")
                team = team_ids[wf.response_team_at(p.at)] if deployed else team_ids["Control Room"]
                incident = Incident(
                    ref=next_reference(u.session, "INC", p.at),
                    opened_at=p.at,
                    channel=p.channel,
                    category=p.category,
                    summary=p.summary,
                    grade=p.grade,
                    status=p.status,
                    location_id=location.id,
                    location=location,
                    team_id=team,
                    synthetic=True,
                    closed_at=p.at + timedelta(hours=2) if p.status == "resolved" else None,
                )
                seen = set()
                for index, role in p.people:
                    if (index, role) not in seen:
                        seen.add((index, role))
                        incident.people.append(IncidentPerson(person_id=person_ids[index], role=role))
                u.session.add(incident)
                u.session.flush()
                u.audit("incident.create", "incident", incident.ref)
                _contact(u, p, incident, person_ids, phones, rng)
            u.commit()
        if progress:
            progress.advance(task, min(BATCH, len(plan.incidents) - start))


def _contact(
    u: UnitOfWork,
    p: Any,
    incident: Incident,
    person_ids: list[int],
    phones: dict[int, int],
    rng: np.random.Generator,
) -> None:
    """The contact behind a demo incident: who called, how fast 999 answered, and what became of it."""
    caller = next((person_ids[i] for i, role in p.people if role == "caller"), None)
    if p.grade in ("G1", "G2", "G3"):
        outcome, resolution = "deployed", None
    elif p.nuisance:
        outcome, resolution = "no_police_action", "advice"
    else:
        outcome = "resolved_without_deployment"
        resolution = str(rng.choice(["advice", "referral", "telephone_investigation", "online_investigation"]))
    if p.status == "resolved" and outcome != "deployed":
        incident.resolution = resolution
    if outcome == "deployed" and p.status != "open":
        # Attendance times: G1 around 9 min, G2 around 35 min, G3 an appointment the next day (lognormal spread).
        median_minutes = {"G1": 9.0, "G2": 35.0, "G3": 20 * 60.0}[p.grade]
        incident.attended_at = p.at + timedelta(minutes=float(rng.lognormal(np.log(median_minutes), 0.45)))
    answered = float(np.clip(rng.lognormal(np.log(5.0), 0.7), 1.0, 120.0)) if p.channel == "999" else None
    contact = Contact(
        ref=next_reference(u.session, "CON", p.at),
        channel=p.channel,
        received_at=p.at,
        answered_after_s=round(answered, 1) if answered else None,
        incident_id=incident.id,
        caller_person_id=caller,
        caller_phone_id=phones.get(caller) if caller else None,
        text=p.summary,
        category=p.category,
        lat=p.lat,
        lon=p.lon,
        outcome=outcome if p.status == "resolved" or outcome == "deployed" else "pending",
        resolution=resolution if p.status == "resolved" else None,
        synthetic=True,
    )
    u.session.add(contact)
    u.session.flush()
    u.audit("contact.create", "contact", contact.ref)


def _cases(uow: Any, team_ids: dict[str, int]) -> None:
    with uow() as u:
        s = u.session
        serious = (
            s.execute(
                select(Incident)
                .where(Incident.category.in_(("burglary", "robbery", "violence")))
                .order_by(Incident.opened_at.desc())
                .limit(12)
            )
            .scalars()
            .all()
        )
        prosecutor = s.execute(select(User).where(User.username == "prosecutor")).scalar_one()
        for n, incident in enumerate(serious):
            case = Case(
                ref=next_reference(s, "CASE", incident.opened_at),
                title=f"{incident.category.title()} at {incident.location.address if incident.location else '?'}",
                summary=incident.summary,
                team_id=team_ids["CID"],
                incident_id=incident.id,
                synthetic=True,
                created_at=incident.opened_at + timedelta(hours=6),
            )
            s.add(case)
            s.flush()
            u.audit("case.create", "case", case.ref)
            if n < 2:
                access.grant(u, "case", case.id, prosecutor.id)
                u.audit("case.share", "case", case.ref, detail="to=prosecutor")
        u.commit()
