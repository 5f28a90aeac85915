"""Staff sign-in: per-address back-off and an account-wide safety net, idle expiry, CSRF on cookie sessions, logout."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from peel.audit.models import AuditEvent
from peel.core.clock import ManualClock, utcnow
from peel.identity.models import LoginFailure, StaffSession, User
from peel.incidents.models import Incident
from peel.web.app import create_app
from tests.conftest import make_settings
from tests.support.staff import PASSWORD, add_user, count_verifications, platform_of, sign_in


def token_status(client: TestClient, username: str, password: str) -> int:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password}).status_code


def token_response(client: TestClient, username: str, password: str) -> tuple[int, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    return response.status_code, response.json().get("detail", "")


def test_five_failures_from_one_address_block_that_address_even_against_the_right_password(
    app: FastAPI, client: TestClient, clock: ManualClock
) -> None:
    add_user(app, "jess", "officer")
    assert [token_status(client, "jess", "wrong-password!") for _ in range(5)] == [401] * 5
    assert token_status(client, "jess", PASSWORD) == 401
    with platform_of(app).sessions() as session, session.begin():
        user = session.execute(select(User).where(User.username == "jess")).scalar_one()
        assert user.locked_until is None, "the account itself is not locked by one address"
    clock.advance(minutes=14)
    assert token_status(client, "jess", PASSWORD) == 401, "still blocked a minute before the back-off ends"
    clock.advance(minutes=1, seconds=1)
    assert token_status(client, "jess", PASSWORD) == 200


def test_a_stranger_failing_from_another_address_does_not_lock_the_real_user_out(app: FastAPI) -> None:
    add_user(app, "jess", "officer")
    # Clients without the lifespan: one app, two addresses (the app's background tasks are not needed here).
    stranger, jess = TestClient(app, client=("203.0.113.9", 4000)), TestClient(app, client=("10.0.0.5", 4000))
    for _ in range(8):
        stranger.post("/api/v1/auth/token", data={"username": "jess", "password": "guess-guess-guess"})
    assert token_status(stranger, "jess", PASSWORD) == 401
    assert token_status(jess, "jess", PASSWORD) == 200


def test_the_back_off_doubles_with_each_further_failure_from_the_same_address(
    app: FastAPI, client: TestClient, clock: ManualClock
) -> None:
    add_user(app, "jess", "officer")
    for _ in range(5):
        token_status(client, "jess", "wrong-password!")
    blocks = []
    for _ in range(2):
        with platform_of(app).sessions() as session, session.begin():
            row = session.execute(select(LoginFailure)).scalar_one()
            assert row.blocked_until is not None
            blocks.append(row.blocked_until - row.last_failure_at)
            clock.set(row.blocked_until + timedelta(seconds=1))
        token_status(client, "jess", "wrong-password!")
    assert blocks[0] == timedelta(minutes=15) and blocks[1] == timedelta(minutes=30)


def test_many_failures_across_addresses_lock_the_failing_addresses_and_flag_the_account(database_url: str) -> None:
    app = create_app(make_settings(database_url, lockout_account_threshold=8))
    add_user(app, "jess", "officer")
    for n in range(8):
        attacker = TestClient(app, client=(f"198.51.100.{n}", 4000))
        attacker.post("/api/v1/auth/token", data={"username": "jess", "password": "guess-guess-guess"})
    assert token_status(TestClient(app, client=("198.51.100.3", 4000)), "jess", PASSWORD) == 401
    assert token_status(TestClient(app, client=("10.0.0.5", 4000)), "jess", PASSWORD) == 200, (
        "the real user, from an address that never failed, is not locked out by a stranger"
    )
    with platform_of(app).sessions() as session:
        user = session.execute(select(User).where(User.username == "jess")).scalar_one()
        assert user.flagged_at is not None
        alerts = session.execute(select(AuditEvent.outcome).where(AuditEvent.action == "auth.lockout")).scalars()
        assert list(alerts) == ["flagged"]


def test_failures_spread_over_days_never_add_up_to_an_account_lock(database_url: str) -> None:
    clock = ManualClock(utcnow())
    app = create_app(make_settings(database_url, lockout_account_threshold=8), clock=clock)
    add_user(app, "jess", "officer")
    for n in range(16):
        attacker = TestClient(app, client=(f"198.51.100.{n}", 4000))
        attacker.post("/api/v1/auth/token", data={"username": "jess", "password": "guess-guess-guess"})
        clock.advance(hours=4)
    with platform_of(app).sessions() as session:
        user = session.execute(select(User).where(User.username == "jess")).scalar_one()
        assert user.flagged_at is None and user.locked_until is None


def test_locked_and_wrong_get_the_same_status_and_a_helpful_message(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    wrong = token_response(client, "jess", "wrong-password!")
    unknown = token_response(client, "nobody", "wrong-password!")
    for _ in range(5):
        token_status(client, "jess", "wrong-password!")
    locked = token_response(client, "jess", PASSWORD)
    assert wrong == unknown == locked
    assert wrong[0] == 401
    assert wrong[1].startswith("wrong username or password. After 5 failed tries")
    assert "pauses for 15 minutes" in wrong[1] and "administrator" in wrong[1]


def test_an_unknown_user_costs_one_argon2_verification_like_a_known_one(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    counter = count_verifications(app)
    for username in ("jess", "nobody", "jess", "nobody"):
        before = counter.verifications
        token_status(client, username, "wrong-password!")
        assert counter.verifications - before == 1, username
    for _ in range(5):
        token_status(client, "jess", "wrong-password!")
    before = counter.verifications
    token_status(client, "jess", PASSWORD)
    assert counter.verifications - before == 1, "a blocked attempt costs the same too"


def test_failed_logins_are_audited_without_revealing_which_part_was_wrong(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    first = client.post("/api/v1/auth/token", data={"username": "jess", "password": "nope-nope-nope"})
    second = client.post("/api/v1/auth/token", data={"username": "nobody", "password": "nope-nope-nope"})
    assert first.json()["detail"] == second.json()["detail"]
    assert first.json()["detail"].startswith("wrong username or password")
    with platform_of(app).sessions() as session:
        outcomes = session.execute(
            select(AuditEvent.object_id, AuditEvent.outcome).where(AuditEvent.action == "auth.login")
        ).all()
    assert ("jess", "denied") in outcomes and ("nobody", "denied") in outcomes


def test_an_idle_session_expires_after_thirty_minutes(app: FastAPI, client: TestClient, clock: ManualClock) -> None:
    add_user(app, "jess", "officer")
    headers = {"Authorization": f"Bearer {sign_in(client, 'jess')}"}
    clock.advance(minutes=29)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200, "use keeps a session alive"
    clock.advance(minutes=29)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    clock.advance(minutes=31)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    with platform_of(app).sessions() as session, session.begin():
        session.execute(update(StaffSession).values(last_seen_at=clock()))
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


def test_the_login_page_gives_one_helpful_message_for_a_failure_and_a_block(app: FastAPI, client: TestClient) -> None:
    add_user(app, "priya", "call_handler")
    texts = []
    for attempt in range(6):
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        password = PASSWORD if attempt == 5 else "not-the-password"
        response = client.post("/login", data={"username": "priya", "password": password, "csrf_token": csrf.group(1)})
        assert response.status_code == 401
        texts.append(re.search(r'role="alert">([^<]+)<', response.text).group(1))  # type: ignore[union-attr]
    assert len(set(texts)) == 1
    assert texts[0].startswith("Wrong username or password. After 5 failed tries")
    assert "peel_session" not in response.cookies


def test_a_page_asks_an_anonymous_visitor_to_sign_in(client: TestClient) -> None:
    response = client.get("/incidents", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/incidents"
