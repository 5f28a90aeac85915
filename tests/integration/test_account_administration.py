"""An administrator runs accounts from the pages: edit, deactivate, reactivate, unlock, reset, revoke; each is
audited with the administrator as actor and the user as object, and refused when it makes no sense."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from peel.audit.models import AuditEvent
from peel.identity.models import LoginFailure, User
from tests.support.staff import PASSWORD, add_user, platform_of, sign_in

NEW_PASSWORD = "lantern-meadow-quartz-violin"


def page_session(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the login page; returns the session's CSRF token."""
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert csrf
    client.post("/login", data={"username": username, "password": password, "csrf_token": csrf.group(1)})
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account").text)
    assert token
    return token.group(1)


def as_admin(app: FastAPI, client: TestClient) -> str:
    add_user(app, "root", "admin")
    add_user(app, "jess", "officer", team="Team A")
    return page_session(client, "root")


def audited(app: FastAPI, action: str) -> list[tuple[str, str, str]]:
    with platform_of(app).sessions() as session:
        rows = session.execute(
            select(AuditEvent.username, AuditEvent.object_id, AuditEvent.outcome).where(AuditEvent.action == action)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def user(app: FastAPI, username: str) -> User:
    with platform_of(app).sessions() as session:
        return session.execute(select(User).where(User.username == username)).scalar_one()


def test_deactivating_a_user_stops_their_live_token_at_once(app: FastAPI, client: TestClient) -> None:
    csrf = as_admin(app, client)
    jess = {"Authorization": f"Bearer {sign_in(client, 'jess')}"}
    assert client.get("/api/v1/auth/me", headers=jess).status_code == 200
    done = client.post("/admin/users/jess/deactivate", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/api/v1/auth/me", headers=jess).status_code == 401
    assert client.post("/api/v1/auth/token", data={"username": "jess", "password": PASSWORD}).status_code == 401
    assert audited(app, "user.deactivate") == [("root", "jess", "allowed")]
    client.post("/admin/users/jess/reactivate", data={"csrf_token": csrf})
    assert sign_in(client, "jess")
    assert audited(app, "user.reactivate") == [("root", "jess", "allowed")]


def test_an_admin_cannot_deactivate_themselves_or_the_last_admin(app: FastAPI, client: TestClient) -> None:
    csrf = as_admin(app, client)
    refused = client.post("/admin/users/root/deactivate", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "cannot deactivate yourself" in refused.text
    demoted = client.post("/admin/users/root", data={"csrf_token": csrf, "display_name": "Root", "role": "officer"})
    assert demoted.status_code == 409
    assert user(app, "root").active and user(app, "root").role == "admin"
    assert ("root", "root", "denied") in audited(app, "user.manage")


def test_the_last_admin_cannot_be_deactivated_by_anyone(app: FastAPI, client: TestClient) -> None:
    from peel.accounts import service as admin
    from peel.db.uow import Actor

    add_user(app, "root", "admin")
    with platform_of(app).uow(Actor.system("test")) as uow:
        try:
            admin.deactivate(uow, "root")
        except Exception as exc:
            assert "last active administrator" in str(exc)
        else:
            raise AssertionError("the last admin was deactivated")
    assert user(app, "root").active


def test_an_admin_edits_name_role_and_team(app: FastAPI, client: TestClient) -> None:
    csrf = as_admin(app, client)
    form = {"csrf_token": csrf, "display_name": "Jess Okafor", "role": "investigator", "team": ""}
    assert client.post("/admin/users/jess", data=form, follow_redirects=False).status_code == 303
    edited = user(app, "jess")
    assert (edited.display_name, edited.role, edited.team_id) == ("Jess Okafor", "investigator", None)
    assert audited(app, "user.edit") == [("root", "jess", "allowed")]
    bad = client.post("/admin/users/jess", data={**form, "role": "wizard"})
    assert bad.status_code == 422 and user(app, "jess").role == "investigator"


def test_an_admin_unlocks_an_address_that_was_blocked(app: FastAPI, client: TestClient) -> None:
    csrf = as_admin(app, client)
    for _ in range(5):
        client.post("/api/v1/auth/token", data={"username": "jess", "password": "guess-guess-guess"})
    assert "locked" in client.get("/admin/users").text
    client.post("/admin/users/jess/unlock", data={"csrf_token": csrf})
    with platform_of(app).sessions() as session:
        assert session.execute(select(LoginFailure)).first() is None
    assert sign_in(client, "jess")
    assert audited(app, "user.unlock") == [("root", "jess", "allowed")]


def test_a_reset_password_must_be_changed_before_anything_else(app: FastAPI, client: TestClient) -> None:
    csrf = as_admin(app, client)
    old = {"Authorization": f"Bearer {sign_in(client, 'jess')}"}
    page = client.post("/admin/users/jess/reset-password", data={"csrf_token": csrf})
    secret = re.search(r'<code class="secret">([^<]+)</code>', page.text)
    assert page.status_code == 200 and secret
    assert client.get("/api/v1/auth/me", headers=old).status_code == 401, "the reset ends old tokens"
    assert audited(app, "user.reset_password") == [("root", "jess", "allowed")]
    fresh = {"Authorization": f"Bearer {sign_in(client, 'jess', secret.group(1))}"}
    assert client.get("/api/v1/incidents", headers=fresh).status_code == 403
    sent = client.get("/incidents", headers={**fresh, "Accept": "text/html"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/account", "a page leads to where to change it"
    change = {"current_password": secret.group(1), "new_password": NEW_PASSWORD}
    assert client.post("/api/v1/auth/password", json=change, headers=fresh).status_code == 204
    assert client.get("/api/v1/incidents", headers=fresh).status_code == 200
    assert not user(app, "jess").must_change_password


def test_an_admin_ends_every_session_of_a_user(app: FastAPI, client: TestClient) -> None:
    csrf = as_admin(app, client)
    tokens = [{"Authorization": f"Bearer {sign_in(client, 'jess')}"} for _ in range(2)]
    client.post("/admin/users/jess/revoke-sessions", data={"csrf_token": csrf})
    assert [client.get("/api/v1/auth/me", headers=t).status_code for t in tokens] == [401, 401]
    assert audited(app, "user.revoke_sessions") == [("root", "jess", "allowed")]


def test_only_an_admin_may_manage_users_and_forms_need_the_csrf_token(app: FastAPI, client: TestClient) -> None:
    as_admin(app, client)
    forged = client.post("/admin/users/jess/deactivate", follow_redirects=False)
    assert forged.status_code == 403 and user(app, "jess").active
    jess = {"Authorization": f"Bearer {sign_in(client, 'jess')}"}
    assert client.post("/admin/users/root/deactivate", headers=jess).status_code == 403
    assert user(app, "root").active


def test_a_user_changes_their_own_password_and_other_sessions_end(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    other = {"Authorization": f"Bearer {sign_in(client, 'jess')}"}
    csrf = page_session(client, "jess")
    weak = {"csrf_token": csrf, "current_password": PASSWORD, "new_password": "aaaaaaaaaaaa"}
    refused = client.post("/account/password", data={**weak, "confirm_password": "aaaaaaaaaaaa"})
    assert refused.status_code == 422 and "repeats one character" in refused.text
    form = {"csrf_token": csrf, "current_password": PASSWORD, "new_password": NEW_PASSWORD}
    done = client.post("/account/password", data={**form, "confirm_password": NEW_PASSWORD}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/api/v1/auth/me", headers=other).status_code == 401
    assert client.get("/account").status_code == 200, "this session stays"
    assert sign_in(client, "jess", NEW_PASSWORD)


def test_a_user_revokes_their_other_sessions(app: FastAPI, client: TestClient) -> None:
    add_user(app, "jess", "officer")
    other = {"Authorization": f"Bearer {sign_in(client, 'jess')}"}
    csrf = page_session(client, "jess")
    client.post("/account/sessions/revoke", data={"csrf_token": csrf})
    assert client.get("/api/v1/auth/me", headers=other).status_code == 401
    assert client.get("/account").status_code == 200
