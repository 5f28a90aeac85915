"""The web shell: health check, problem responses, role-aware pages, the road map's data."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.identity import policy
from peel.web.navigation import nav_for
from tests.support.staff import staff

HTML = {"Accept": "text/html"}


def test_health_reports_database_redis_and_the_audit_chain_head(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["redis"] == "not configured"
    assert isinstance(body["audit_head_seq"], int) and len(body["audit_head_hash"]) == 64


def test_api_errors_are_problem_details(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.json()) >= {"type", "title", "status", "detail"}
    unauthenticated = client.get("/api/v1/incidents")
    assert unauthenticated.status_code == 401 and unauthenticated.headers["www-authenticate"] == "Bearer"


def test_pages_show_friendly_errors(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    page = client.get("/incidents/INC-20000101-0001", headers={**handler.headers, **HTML})
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text


def test_navigation_offers_only_what_the_role_may_use(app: FastAPI, client: TestClient) -> None:
    for role in ("prosecutor", "call_handler", "auditor"):
        member = staff(app, client, role)
        home = client.get("/", headers={**member.headers, **HTML}).text
        for label, href in nav_for(policy_principal(role)):
            assert f'href="{href}"' in home, (role, label)
        if role == "prosecutor":
            assert 'href="/incidents"' not in home and 'href="/people"' not in home


def policy_principal(role: str):  # type: ignore[no-untyped-def]
    from peel.identity.service import Principal

    return Principal(1, role, role, role, None, 1, "bearer", "x")


def test_staff_pages_render_for_the_roles_that_use_them(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    ref = client.post(
        "/api/v1/incidents",
        headers=handler.headers,
        json={
            "channel": "999",
            "category": "rtc",
            "summary": "Collision <script>alert(1)</script>",
            "location": {"address": "Whitehall", "lat": 51.504, "lon": -0.1265},
        },
    ).json()["ref"]
    page = client.get(f"/incidents/{ref}", headers={**handler.headers, **HTML})
    assert page.status_code == 200 and ref in page.text
    assert "<script>alert(1)</script>" not in page.text, "free text is escaped"
    for path in ("/incidents", "/incidents/new", "/people?q=ab", "/map", "/units"):
        assert client.get(path, headers={**handler.headers, **HTML}).status_code == 200, path
    auditor = staff(app, client, "auditor")
    audit = client.get("/audit", headers={**auditor.headers, **HTML})
    assert audit.status_code == 200 and "The audit chain is intact" in audit.text
    assert policy.may_attempt("auditor", "audit.verify")


def test_the_map_base_layer_is_the_real_road_graph(app: FastAPI, client: TestClient) -> None:
    analyst = staff(app, client, "analyst")
    roads = client.get("/api/v1/map/roads", headers=analyst.headers)
    assert roads.status_code == 200 and roads.headers["content-type"].startswith("application/geo+json")
    features = roads.json()["features"]
    assert len(features) > 1000
    lons = [pt[0] for f in features for pt in f["geometry"]["coordinates"]]
    assert -0.22 < min(lons) < max(lons) < -0.10
    overlay = client.get("/api/v1/map/overlay", headers=analyst.headers).json()
    assert overlay["features"][0]["properties"]["kind"] == "boundary"
