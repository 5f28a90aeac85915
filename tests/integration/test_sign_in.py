"""Staff sign-in: lockout after repeated failures, idle expiry, CSRF on cookie sessions, logout."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from peel.audit.models import AuditEvent
from peel.core.clock import utcnow
from peel.identity.models import StaffSession, User
from peel.incidents.models import Incident
from tests.support.staff import PASSWORD, add_user, platform_of, sign_in


def token_status(client: TestClient, username: str, password: str) -> int:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password}).status_code


def test_five_failed_logins_lock_the_account_even_against_the_right_password(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    assert [token_status(client, "jess", "wrong-password!") for _ in range(5)] == [401] * 5
    assert token_status(client, "jess", PASSWORD) == 423
    with platform_of(app).sessions() as session, session.begin():
        user = session.execute(select(User).where(User.username == "jess")).scalar_one()
        assert user.locked_until is not None and user.locked_until - utcnow() >= timedelta(minutes=9)
        session.execute(update(User).where(User.id == user.id).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert token_status(client, "jess", PASSWORD) == 200


def test_failed_logins_are_audited_without_revealing_which_part_was_wrong(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    first = client.post("/api/v1/auth/token", data={"username": "jess", "password": "nope-nope-nope"})
    second = client.post("/api/v1/auth/token", data={"username": "nobody", "password": "nope-nope-nope"})
    assert first.json()["detail"] == second.json()["detail"] == "wrong username or password"
    with platform_of(app).sessions() as session:
        outcomes = session.execute(
            select(AuditEvent.object_id, AuditEvent.outcome).where(AuditEvent.action == "auth.login")
        ).all()
    assert ("jess", "denied") in outcomes and ("nobody", "denied") in outcomes


def test_an_idle_session_expires_after_thirty_minutes(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    headers = {"Authorization": f"Bearer {sign_in(client, 'jess')}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    with platform_of(app).sessions() as session, session.begin():
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    with platform_of(app).sessions() as session, session.begin():
        session.execute(update(StaffSession).values(last_seen_at=utcnow()))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401, "an expired session stays ended"


def test_logout_revokes_the_token(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    headers = {"Authorization": f"Bearer {sign_in(client, 'jess')}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def page_sign_in(client: TestClient, username: str) -> str:
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf.group(1), "next": "/incidents"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/incidents"
    home = client.get("/incidents/new", headers={"Accept": "text/html"})
    token = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert token
    return token.group(1)


def test_cookie_sessions_need_the_csrf_token_on_every_form(app: FastAPI, client: TestClient) -> None:
    add_user(app, "priya", "call_handler")
    csrf = page_sign_in(client, "priya")
    form = {"channel": "101", "category": "theft", "summary": "Bike stolen from outside the library"}
    forged = client.post("/incidents/new", data=form, headers={"Accept": "text/html"}, follow_redirects=False)
    assert forged.status_code == 403 and "did not come from Peel" in forged.text
    with platform_of(app).sessions() as session:
        assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
    made = client.post("/incidents/new", data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/incidents/INC-")


def test_the_login_page_explains_a_failure_and_a_lockout(app: FastAPI, client: TestClient) -> None:
    add_user(app, "priya", "call_handler")
    for attempt in range(6):
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        response = client.post(
            "/login", data={"username": "priya", "password": "not-the-password", "csrf_token": csrf.group(1)}
        )
        expected = "Wrong username or password" if attempt < 5 else "locked"
        assert expected in response.text
    assert "peel_session" not in response.cookies


def test_a_page_asks_an_anonymous_visitor_to_sign_in(client: TestClient) -> None:
    response = client.get("/incidents", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/incidents"
