"""List and search reads name every record returned, record the user's purpose and a request id the server made."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from peel.audit.models import AuditEvent
from peel.audit.refs import expand
from peel.db.uow import Actor
from peel.incidents import schemas
from peel.incidents.service import open_incident
from tests.support.staff import ensure_team, platform_of, staff


def open_many(app: FastAPI, n: int) -> None:
    ensure_team(app, "Team A")
    with platform_of(app).uow(Actor.system("test")) as uow:
        for i in range(n):
            data = schemas.IncidentIn(channel="101", category="rtc", summary=f"Collision {i}", team="Team A")
            open_incident(uow, data)
        uow.commit()


def entries(app: FastAPI, action: str) -> list[AuditEvent]:
    with platform_of(app).sessions() as session:
        stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        return list(session.execute(stmt).scalars())


def test_a_list_of_three_hundred_incidents_names_every_one(app: FastAPI, client: TestClient) -> None:
    open_many(app, 300)
    supervisor = staff(app, client, "supervisor")
    listed = client.get("/api/v1/incidents", params={"limit": 500}, headers=supervisor.headers)
    assert listed.status_code == 200 and len(listed.json()) == 300
    refs = sorted(expand(e.detail.split("refs=", 1)[1]) for e in entries(app, "incident.list"))
    assert sorted(r for part in refs for r in part) == sorted(i["ref"] for i in listed.json())


def test_the_purpose_given_by_header_or_query_is_recorded_in_its_own_column(app: FastAPI, client: TestClient) -> None:
    supervisor = staff(app, client, "supervisor")
    headers = {**supervisor.headers, "X-Peel-Purpose": "review of collision hotspots"}
    assert client.get("/api/v1/incidents", headers=headers).status_code == 200
    query = client.get(
        "/api/v1/people", params={"q": "smith", "purpose": "missing person enquiry"}, headers=supervisor.headers
    )
    assert query.status_code == 200
    assert [e.purpose for e in entries(app, "incident.list")] == ["review of collision hotspots"]
    assert [e.purpose for e in entries(app, "person.search")] == ["missing person enquiry"]


def test_an_unreadable_purpose_is_refused_and_nothing_is_read(app: FastAPI, client: TestClient) -> None:
    supervisor = staff(app, client, "supervisor")
    response = client.get("/api/v1/incidents", params={"purpose": "x" * 201}, headers=supervisor.headers)
    assert response.status_code == 422 and "purpose" in response.json()["detail"]
    assert entries(app, "incident.list") == []


def test_the_audit_trusts_the_server_request_id_not_the_clients(app: FastAPI, client: TestClient) -> None:
    supervisor = staff(app, client, "supervisor")
    chosen = "client-chosen-id-0001"
    response = client.get("/api/v1/incidents", headers={**supervisor.headers, "X-Request-ID": chosen})
    server_id = response.headers["X-Request-ID"]
    assert server_id != chosen
    (entry,) = entries(app, "incident.list")
    assert entry.request_id == server_id
    assert entry.client_request_id == chosen


def test_an_auditor_asking_about_one_record_finds_every_list_that_showed_it(app: FastAPI, client: TestClient) -> None:
    open_many(app, 40)
    supervisor = staff(app, client, "supervisor")
    listed = client.get("/api/v1/incidents", params={"limit": 500}, headers=supervisor.headers).json()
    wanted = sorted(i["ref"] for i in listed)[17]  # inside a folded range, not at its ends
    assert client.get(f"/api/v1/incidents/{wanted}", headers=supervisor.headers).status_code == 200
    auditor = staff(app, client, "auditor")
    found = client.get("/api/v1/audit/events", params={"object_id": wanted}, headers=auditor.headers).json()
    assert {e["action"] for e in found} >= {"incident.list", "incident.read"}
    assert all(e["object_id"] == wanted or wanted in expand(e["detail"].rsplit("refs=", 1)[1]) for e in found)
    other = client.get("/api/v1/audit/events", params={"object_id": "INC-19990101-0001"}, headers=auditor.headers)
    assert other.json() == []


def test_the_audit_page_filters_by_record(app: FastAPI, client: TestClient) -> None:
    open_many(app, 12)
    supervisor = staff(app, client, "supervisor")
    listed = client.get("/api/v1/incidents", headers=supervisor.headers).json()
    wanted = sorted(i["ref"] for i in listed)[5]
    auditor = staff(app, client, "auditor")
    page = client.get("/audit", params={"record": wanted}, headers=auditor.headers)
    assert page.status_code == 200 and f"Every entry about {wanted}" in page.text and "incident.list" in page.text
    assert client.get("/audit", params={"record": "<script>"}, headers=auditor.headers).status_code == 422
