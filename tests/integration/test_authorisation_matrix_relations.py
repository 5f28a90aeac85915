"""The authorisation matrix's relation axis: role × record-bearing route × relation to the record.

Each record exists in every relation a user can stand in to it: owned by their team, owned by another team,
restricted, restricted but granted to them, another team's but shared with them, and a ref that does not exist.
Every route is called with a real body and real ids, and must answer as the policy table says: allowed → 2xx,
a role the route refuses → 403, a record the caller may not act on → 404 (403 only when they may read it), and a
restricted ref exactly as a missing one. The world is built once per backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from peel.db.uow import Actor
from peel.identity import access, policy
from peel.identity.models import User
from peel.incidents import schemas as incident_schemas
from peel.incidents.service import open_incident
from peel.people import schemas as people_schemas
from peel.people.service import create_person
from peel.web.app import create_app
from peel.workforce.models import Team, Unit
from tests.conftest import BACKENDS, make_settings
from tests.support.databases import PostgresTemplates, SqliteTemplate
from tests.support.staff import Staff, every_role, platform_of

RELATIONS: dict[str, policy.Relation] = {
    "own team": policy.Relation(same_team=True),
    "other team": policy.Relation(),
    "restricted": policy.Relation(same_team=True, restricted=True),
    "restricted, granted": policy.Relation(same_team=True, restricted=True, shared_with_me=True),
    "shared": policy.Relation(shared_with_me=True),
}
MISSING = {"incident": "INC-20000101-9999", "person": "PER-20000101-9999", "case": "CASE-20000101-9999"}
LOW = {"score": 0, "reason": "no concern"}
THRIVE = {d: LOW for d in ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")}
PLACE = {"address": "Parliament Square", "lat": 51.5005, "lon": -0.1270}


@dataclass(frozen=True)
class Case:
    """One record-bearing route: how to call it, which record action decides, and whether each call needs a
    fresh record (a call that resolves or merges an incident cannot be repeated on it)."""

    method: str
    path: str
    action: str  # the route's action: may the role attempt it at all?
    kind: str  # incident, person, location, case, unit
    decides: str  # the action the record check uses
    body: Callable[[str], dict[str, Any] | None] = lambda ref: None
    fresh: bool = False


CASES = [
    Case("GET", "/api/v1/incidents/{ref}", "incident.read", "incident", "incident.read"),
    Case("GET", "/incidents/{ref}", "incident.read", "incident", "incident.read"),
    Case("PATCH", "/api/v1/incidents/{ref}", "incident.update", "incident", "incident.update",
         lambda r: {"grade": "G2"}),
    Case("GET", "/api/v1/incidents/{ref}/thrive", "incident.read", "incident", "incident.read"),
    Case("POST", "/api/v1/incidents/{ref}/thrive", "thrive.assess", "incident", "incident.update", lambda r: THRIVE),
    Case("GET", "/api/v1/incidents/{ref}/duplicates", "incident.read", "incident", "incident.read"),
    Case("GET", "/api/v1/incidents/{ref}/contacts", "contact.read", "incident", "incident.read"),
    Case("POST", "/api/v1/incidents/{ref}/updates", "incident.update", "incident", "incident.update",
         lambda r: {"text": "An officer will call you today"}),
    Case("POST", "/api/v1/contacts", "contact.create", "incident", "incident.update",
         lambda r: {"channel": "101", "text": "Calling again", "category": "rtc", "join_incident_ref": r}),
    Case("POST", "/api/v1/incidents/{ref}/resolve", "incident.resolve", "incident", "incident.update",
         lambda r: {"resolution": "advice", "note": "Advice given"}, fresh=True),
    Case("GET", "/api/v1/people/{ref}", "person.read", "person", "person.read"),
    Case("GET", "/people/{ref}", "person.read", "person", "person.read"),
    Case("POST", "/api/v1/people/{ref}/markers", "person.update", "person", "person.update",
         lambda r: {"kind": "warning", "code": "weapons"}),
    Case("POST", "/api/v1/people/{ref}/grants", "person.grant", "person", "person.grant",
         lambda r: {"username": "officer"}),
    Case("GET", "/api/v1/locations/{ref}", "location.read", "location", "person.read"),
    Case("GET", "/api/v1/cases/{ref}", "case.read", "case", "case.read"),
    Case("POST", "/api/v1/cases/{ref}/shares", "case.share", "case", "case.share", lambda r: {"username": "officer"}),
    Case("POST", "/api/v1/units/{ref}/status", "unit.update_status", "unit", "unit.update_status",
         lambda r: {"status": "available"}),
]  # fmt: skip
# People belong to no team and units are never restricted: each kind stands in the relations it can have.
KIND_RELATIONS = {
    "incident": list(RELATIONS),
    "case": list(RELATIONS),
    "person": ["other team", "restricted", "restricted, granted"],
    "location": ["other team", "restricted", "restricted, granted"],
    "unit": ["own team", "other team"],
}


def expected(role: str, case: Case, relation: str) -> str:
    if not policy.may_attempt(role, case.action):
        return "403"
    if relation == "missing":
        return "404"
    rel = RELATIONS[relation]
    if case.kind == "location":  # a home address is protected by its resident, only when they are restricted
        return "2xx" if not rel.restricted or policy.may(role, "person.read", rel) else "404"
    if policy.may(role, case.decides, rel):
        return "2xx"
    return "403" if policy.may(role, f"{case.kind}.read", rel) else "404"


@dataclass
class World:
    app: FastAPI
    client: TestClient
    staff: dict[str, Staff]
    refs: dict[tuple[str, str], str]
    user_ids: list[int]

    def fresh_incident(self, relation: str) -> str:
        return _incident(self.app, relation, self.user_ids)


def _incident(app: FastAPI, relation: str, grantees: list[int]) -> str:
    rel = RELATIONS[relation]
    with platform_of(app).uow(Actor.system("matrix")) as uow:
        data = incident_schemas.IncidentIn(
            channel="101",
            category="rtc",
            summary="Minor collision",
            team="Team A" if rel.same_team else "Team B",
            restricted=rel.restricted,
            location=people_schemas.LocationIn.model_validate(PLACE),
        )
        incident = open_incident(uow, data)
        if rel.shared_with_me:
            for user_id in grantees:
                access.grant(uow, "incident", incident.id, user_id)
        uow.commit()
        return incident.ref


def _person(app: FastAPI, relation: str, grantees: list[int]) -> tuple[str, str]:
    rel = RELATIONS[relation]
    with platform_of(app).uow(Actor.system("matrix")) as uow:
        data = people_schemas.PersonIn.model_validate(
            {"forenames": "Sam", "surname": f"Matrix{len(relation)}", "restricted": rel.restricted, "address": PLACE}
        )
        person = create_person(uow, data)
        if rel.shared_with_me:
            for user_id in grantees:
                access.grant(uow, "person", person.id, user_id)
        uow.commit()
        return person.ref, person.addresses[0].location.ref


def _case(app: FastAPI, relation: str, grantees: list[int], teams: dict[str, int]) -> str:
    from peel.cases.service import create_case

    rel = RELATIONS[relation]
    actor = Actor(None, "matrix", "system", teams["Team A" if rel.same_team else "Team B"])
    with platform_of(app).uow(actor) as uow:
        case = create_case(uow, f"Case {relation}", "", None, rel.restricted)
        if rel.shared_with_me:
            for user_id in grantees:
                access.grant(uow, "case", case.id, user_id)
        uow.commit()
        return case.ref


def _build(app: FastAPI, client: TestClient) -> World:
    staff = every_role(app, client)
    with platform_of(app).uow(Actor.system("matrix")) as uow:
        uow.session.add(Team(name="Team B", kind="response"))
        uow.session.flush()
        teams = {name: tid for tid, name in uow.session.execute(select(Team.id, Team.name))}
        uow.session.add(Unit(callsign="TA1", kind="car", team_id=teams["Team A"], status="available", skills=[]))
        uow.session.add(Unit(callsign="TB1", kind="car", team_id=teams["Team B"], status="available", skills=[]))
        user_ids = list(uow.session.execute(select(User.id)).scalars())
        uow.commit()
    refs: dict[tuple[str, str], str] = {("unit", "own team"): "TA1", ("unit", "other team"): "TB1"}
    for relation in RELATIONS:
        refs[("incident", relation)] = _incident(app, relation, user_ids)
        refs[("case", relation)] = _case(app, relation, user_ids, teams)
    for relation in KIND_RELATIONS["person"]:
        refs[("person", relation)], refs[("location", relation)] = _person(app, relation, user_ids)
    for kind, ref in MISSING.items():
        refs[(kind, "missing")] = ref
    refs[("location", "missing")] = "LOC-20000101-9999"
    return World(app, client, staff, refs, user_ids)


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: SqliteTemplate,
    pg_templates: PostgresTemplates | None,
) -> Iterator[World]:
    name = None
    if request.param == "sqlite":
        url = sqlite_template.fresh(Path(tmp_path_factory.mktemp("matrix")) / "peel.db")
    else:
        if pg_templates is None:
            pytest.skip("PostgreSQL is not available on this machine")
        name = pg_templates.fresh()
        url = pg_templates.url_for(name)
    app = create_app(make_settings(url))
    with TestClient(app, base_url="http://testserver") as client:
        yield _build(app, client)
    if name is not None and pg_templates is not None:
        pg_templates.drop(name)


def _call(world: World, case: Case, role: str, ref: str) -> tuple[int, str]:
    path = re.sub(r"\{ref\}", ref, case.path)
    headers = dict(world.staff[role].headers)
    if not path.startswith("/api/"):
        headers["Accept"] = "text/html"
    response = world.client.request(case.method, path, headers=headers, json=case.body(ref), follow_redirects=False)
    return response.status_code, response.text


def _verdict(status: int) -> str:
    return "2xx" if 200 <= status < 300 else str(status)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path}")
def test_every_role_gets_what_the_policy_says_in_every_relation(world: World, case: Case) -> None:
    failures: list[str] = []
    for role in world.staff:
        answers: dict[str, tuple[int, str]] = {}
        for relation in [*KIND_RELATIONS[case.kind], "missing"]:
            if case.fresh and relation != "missing":
                ref = world.fresh_incident(relation)
            else:
                ref = world.refs.get((case.kind, relation), "NONE")
            status, text = _call(world, case, role, ref)
            answers[relation] = (status, text.replace(ref, "REF"))
            want = expected(role, case, relation)
            if _verdict(status) != want:
                failures.append(f"{role} / {relation}: {status}, expected {want}: {text[:160]}")
        hidden = "restricted" in answers and expected(role, case, "restricted") == "404"
        if case.path.startswith("/api/") and hidden and answers["restricted"] != answers["missing"]:
            failures.append(f"{role}: restricted answers {answers['restricted']}, missing {answers['missing']}")
    assert not failures, "\n".join(failures)
