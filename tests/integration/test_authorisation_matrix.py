"""The generated authorisation matrix: every route, called as every role and anonymously, answers as the policy says.

A route with no policy entry fails the suite (and create_app refuses to start with one).
"""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from peel.identity import policy
from peel.web.app import check_routes
from peel.web.deps import RouteInfo, app_routes
from tests.support.staff import Staff, every_role, sign_in

NEVER_ENDING = {"/api/v1/events/stream"}  # checked for denial only: an allowed call streams forever
ENDS_SESSION = {"/api/v1/auth/logout", "/logout"}


def test_every_route_names_an_action_the_policy_knows(app: FastAPI) -> None:
    routes = app_routes(app)
    assert len(routes) > 30
    missing = [r.path for r in routes if not policy.known_action(r.action or "")]
    assert not missing, f"routes without a policy entry: {missing}"


def test_a_route_without_a_policy_entry_stops_the_app_from_starting(app: FastAPI) -> None:
    rogue = APIRouter()

    @rogue.get("/api/v1/rogue")
    def leak() -> dict[str, str]:
        return {"secret": "oops"}

    app.include_router(rogue)
    with pytest.raises(RuntimeError, match="/api/v1/rogue"):
        check_routes(app)


def seed(client: TestClient, staff: dict[str, Staff]) -> dict[str, str]:
    handler = staff["call_handler"].headers
    incident = client.post(
        "/api/v1/incidents",
        headers=handler,
        json={
            "channel": "101",
            "category": "theft",
            "summary": "Bike stolen",
            "team": "Team A",
            "location": {"address": "1 Test Street", "lat": 51.51, "lon": -0.13},
        },
    ).json()
    person = client.post(
        "/api/v1/people",
        headers=handler,
        json={"forenames": "Ann", "surname": "Example", "phones": ["07700 900001"]},
    ).json()
    vehicle = client.post("/api/v1/vehicles", headers=handler, json={"vrm": "ZZ24ABC"}).json()
    case = client.post("/api/v1/cases", headers=staff["investigator"].headers, json={"title": "Bike theft"}).json()
    client.post(
        f"/api/v1/cases/{case['ref']}/shares",
        headers=staff["investigator"].headers,
        json={"username": staff["prosecutor"].username},
    )
    return {
        "incident": incident["ref"],
        "person": person["ref"],
        "location": incident["location"]["ref"],
        "vehicle": vehicle["vrm"],
        "case": case["ref"],
    }


def concrete(path: str, refs: dict[str, str]) -> str:
    kind = "incident"
    for prefix, name in (
        ("/people", "person"),
        ("/locations", "location"),
        ("/vehicles", "vehicle"),
        ("/cases", "case"),
        ("/units", "unit"),
    ):
        if prefix in path:
            kind = name
    value = refs.get(kind, "TA1")
    return re.sub(r"\{[^}]+\}", value, path)


def call(client: TestClient, route: RouteInfo, path: str, headers: dict[str, str]) -> int:
    method = sorted(route.methods - {"HEAD"})[0]
    params = {"q": "Example"} if route.path in ("/api/v1/people", "/people") else None
    if not path.startswith("/api/"):
        headers = {**headers, "Accept": "text/html"}  # as a browser asks for a page
    kwargs: dict[str, object] = {"headers": headers, "params": params, "follow_redirects": False}
    if method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = {}
    return client.request(method, path, **kwargs).status_code  # type: ignore[arg-type]


def test_every_route_answers_every_role_as_the_policy_says(app: FastAPI, client: TestClient) -> None:
    staff = every_role(app, client)
    _unit(app)
    refs = seed(client, staff)
    refs["unit"] = "TA1"
    failures: list[str] = []
    for route in app_routes(app):
        action = route.action or ""
        path = concrete(route.path, refs)
        for role, member in staff.items():
            allowed = policy.may_attempt(role, action)
            if route.path in NEVER_ENDING and allowed:
                continue
            headers = member.headers
            if route.path in ENDS_SESSION:
                headers = {"Authorization": f"Bearer {sign_in(client, member.username)}"}
            status = call(client, route, path, headers)
            if allowed and status in (401, 403):
                failures.append(f"{role} {route.path} ({action}) refused with {status}")
            if not allowed and status != 403:
                failures.append(f"{role} {route.path} ({action}) answered {status}, expected 403")
        if action not in policy.PUBLIC_ACTIONS:
            status = call(client, route, path, {})
            page = not route.path.startswith("/api/")
            if (page and status != 303) or (not page and status != 401):
                failures.append(f"anonymous {route.path} answered {status}")
    assert not failures, "\n".join(failures)


def _unit(app: FastAPI) -> None:
    from peel.db.uow import Actor
    from peel.workforce.models import Team, Unit

    platform = app.state.platform
    with platform.uow(Actor.system("test")) as uow:
        from sqlalchemy import select

        team_id = uow.session.execute(select(Team.id).where(Team.name == "Team A")).scalar_one()
        uow.session.add(Unit(callsign="TA1", kind="car", team_id=team_id, status="available", skills=[]))
        uow.commit()
