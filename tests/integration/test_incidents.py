"""Incidents end to end over the API: open, read, list within scope, update; every read and write audited."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.audit.models import AuditEvent
from peel.incidents.models import Incident
from tests.support.staff import ensure_team, platform_of, staff

RTC = {
    "channel": "999",
    "category": "rtc",
    "summary": "Two cars collided at the junction",
    "team": "Team A",
    "location": {"address": "Parliament Square", "postcode": "sw1p 3bd", "lat": 51.5005, "lon": -0.1265},
}


def count(app: FastAPI, model: type, *where: object) -> int:
    with platform_of(app).sessions() as session:
        return int(session.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def test_a_call_handler_opens_an_incident_with_a_reference_and_grid_reference(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    response = client.post("/api/v1/incidents", json=RTC, headers=handler.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["ref"].startswith("INC-") and len(body["ref"]) == len("INC-20261122-0001")
    assert body["location"]["postcode"] == "SW1P 3BD"
    assert 529_000 < body["location"]["easting"] < 531_000
    assert body["team"] == "Team A" and body["status"] == "open"
    again = client.get(f"/api/v1/incidents/{body['ref']}", headers=handler.headers)
    assert again.json()["summary"] == RTC["summary"]


def test_references_count_up_within_a_day(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    refs = [client.post("/api/v1/incidents", json=RTC, headers=handler.headers).json()["ref"] for _ in range(3)]
    numbers = [int(r.rsplit("-", 1)[1]) for r in refs]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_every_read_and_write_is_audited_with_who_what_and_where(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    ref = client.post("/api/v1/incidents", json=RTC, headers=handler.headers).json()["ref"]
    got = client.get(f"/api/v1/incidents/{ref}", headers={**handler.headers, "X-Request-ID": "req-abcdef123"})
    with platform_of(app).sessions() as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.object_id == ref)).scalars().all()
    actions = [(r.action, r.outcome, r.username, r.role) for r in rows]
    assert ("incident.create", "allowed", "callhandler", "call_handler") in actions
    assert ("incident.read", "allowed", "callhandler", "call_handler") in actions
    read = next(r for r in rows if r.action == "incident.read")
    assert read.request_id == got.headers["X-Request-ID"] != "req-abcdef123" and read.source_ip
    assert read.client_request_id == "req-abcdef123", "the client's own id is kept, apart from the server's"


def test_bad_input_gets_a_clear_422_and_stores_nothing(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    bad = [
        {**RTC, "category": "alien_abduction"},
        {**RTC, "summary": ""},
        {**RTC, "summary": "x" * 4001},
        {**RTC, "location": {**RTC["location"], "lat": 123.0}},  # type: ignore[dict-item]
        {**RTC, "location": {**RTC["location"], "postcode": "NOT A CODE"}},  # type: ignore[dict-item]
        {**RTC, "team": "No Such Team"},
        {**RTC, "unexpected": True},
    ]
    for body in bad:
        response = client.post("/api/v1/incidents", json=body, headers=handler.headers)
        assert response.status_code == 422, (body, response.text)
        problem = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert problem["status"] == 422 and problem["detail"]
    assert count(app, Incident) == 0


def test_an_officer_sees_only_their_own_teams_incidents(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    ensure_team(app, "Team B")
    ours = client.post("/api/v1/incidents", json=RTC, headers=handler.headers).json()["ref"]
    theirs = client.post("/api/v1/incidents", json={**RTC, "team": "Team B"}, headers=handler.headers).json()["ref"]
    officer = staff(app, client, "officer", team="Team A")
    listed = [i["ref"] for i in client.get("/api/v1/incidents", headers=officer.headers).json()]
    assert ours in listed and theirs not in listed
    assert client.get(f"/api/v1/incidents/{theirs}", headers=officer.headers).status_code == 404
    with platform_of(app).sessions() as session:
        denied = (
            session.execute(select(AuditEvent).where(AuditEvent.object_id == theirs, AuditEvent.outcome == "denied"))
            .scalars()
            .all()
        )
    assert [d.username for d in denied] == ["officer"]


def test_a_dispatcher_grades_and_resolves_an_incident(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    dispatcher = staff(app, client, "dispatcher")
    ref = client.post("/api/v1/incidents", json=RTC, headers=handler.headers).json()["ref"]
    response = client.patch(
        f"/api/v1/incidents/{ref}", json={"grade": "G1", "status": "resolved"}, headers=dispatcher.headers
    )
    assert response.status_code == 200
    assert response.json()["grade"] == "G1" and response.json()["status"] == "resolved"
    assert client.patch(f"/api/v1/incidents/{ref}", json={"grade": "G9"}, headers=dispatcher.headers).status_code == 422


def test_an_unknown_incident_is_a_404_problem(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    response = client.get("/api/v1/incidents/INC-20000101-9999", headers=handler.headers)
    assert response.status_code == 404 and response.json()["title"] == "Not found"
