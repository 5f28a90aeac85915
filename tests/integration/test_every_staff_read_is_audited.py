"""Generated: every staff route that answers 2xx with police or staff data wrote an audit entry for the caller.

The routes are walked from the app, so a new route is covered the day it is added. Each is called with real ids
by a role the policy lets in (a supervisor where it may, otherwise the first role that may).
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.audit.models import AuditEvent
from peel.identity.policy import PUBLIC_ACTIONS, ROLES, may_attempt
from peel.web.deps import RouteInfo, app_routes
from tests.support.staff import Staff, every_role, platform_of

NEVER_ENDING = {"/api/v1/events/stream"}  # its replay audit is tested with the stream reader
# Routes that show no police or staff record: blank forms, the road network (public map data), the caller's own
# account, and the audit page whose verification is itself audited in its own transaction.
NOT_STAFF_DATA = {"/map", "/api/v1/map/roads", "/incidents/new", "/contact/console", "/api/v1/auth/me"}


def entries_by(app: FastAPI, username: str) -> int:
    with platform_of(app).sessions() as session:
        stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.username == username)
        return int(session.execute(stmt).scalar_one())


def caller_for(route: RouteInfo, staff: dict[str, Staff]) -> Staff | None:
    action = route.action or ""
    if may_attempt("supervisor", action):
        return staff["supervisor"]
    return next((staff[r] for r in ROLES if may_attempt(r, action)), None)


def seed(client: TestClient, staff: dict[str, Staff]) -> dict[str, str]:
    h = staff["supervisor"].headers
    place = {"address": "1 Parliament Street", "lat": 51.502, "lon": -0.126}
    incident = client.post(
        "/api/v1/incidents",
        headers=h,
        json={"channel": "101", "category": "theft", "summary": "Bike stolen", "team": "Team A", "location": place},
    ).json()
    person = client.post(
        "/api/v1/people", headers=h, json={"forenames": "Ann", "surname": "Example", "address": place}
    ).json()
    client.post("/api/v1/vehicles", headers=h, json={"vrm": "ZZ24ABC", "keeper_ref": person["ref"]})
    case = client.post("/api/v1/cases", headers=h, json={"title": "Bike theft"}).json()
    return {
        "/incidents/": incident["ref"],
        "/people/": person["ref"],
        "/locations/": person["addresses"][0]["ref"],
        "/vehicles/": "ZZ24ABC",
        "/cases/": case["ref"],
    }


def concrete(path: str, ids: dict[str, str]) -> str | None:
    if "{" not in path:
        return path
    for marker, value in ids.items():
        if marker in path:
            return re.sub(r"\{[^}]+\}", value, path)
    return None  # analytics ids: no such record here, so no 2xx to check


def test_every_2xx_on_staff_data_wrote_an_audit_entry(app: FastAPI, client: TestClient) -> None:
    staff = every_role(app, client)
    ids = seed(client, staff)
    unaudited: list[str] = []
    checked = 0
    for route in app_routes(app):
        if "GET" not in route.methods or route.action in PUBLIC_ACTIONS:
            continue
        if route.path in NEVER_ENDING | NOT_STAFF_DATA:
            continue
        member, path = caller_for(route, staff), concrete(route.path, ids)
        if member is None or path is None:
            continue
        headers = member.headers if path.startswith("/api/") else {**member.headers, "Accept": "text/html"}
        before = entries_by(app, member.username)
        response = client.get(path, headers=headers, params={"q": "Example"}, follow_redirects=False)
        if 200 <= response.status_code < 300:
            checked += 1
            if entries_by(app, member.username) == before:
                unaudited.append(f"{member.role} GET {path} answered {response.status_code} with no audit entry")
    assert checked > 25
    assert not unaudited, "\n".join(unaudited)
