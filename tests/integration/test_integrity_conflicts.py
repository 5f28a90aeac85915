"""A change the database refuses for integrity (a missing referenced record, a duplicate) is a 409 that names
the conflict in plain words; the transaction rolls back, so nothing of it, its audit or its events is stored."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peel.audit.models import AuditEvent
from peel.core.clock import utcnow
from peel.db.uow import Actor
from peel.events.domain import DomainEvent
from peel.events.models import OutboxEvent
from peel.identity.models import User
from peel.workforce.models import Team
from tests.support.staff import ensure_team, platform_of


def _counts(session: Session) -> tuple[int, int, int]:
    def count(model: type) -> int:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())

    return count(User), count(AuditEvent), count(OutboxEvent)


def _route(app: FastAPI, path: str, change: Callable[[Session], None]) -> None:
    """A route that makes ``change`` in a unit of work with an audit entry and an event, as every service does."""

    def endpoint() -> dict[str, str]:
        with platform_of(app).uow(Actor.system("test")) as uow:
            change(uow.session)  # not flushed: the database first sees it when the audit entry is written
            uow.audit("user.create", "user", "x")
            uow.emit(DomainEvent("UserCreated", "user", "x", {}))
            uow.commit()
        return {"ok": "yes"}

    app.add_api_route(path, endpoint, methods=["POST"])


def _user(username: str, team_id: int | None) -> User:
    return User(
        username=username,
        display_name=username,
        role="officer",
        team_id=team_id,
        password_hash="x",
        created_at=utcnow(),
    )


def test_it_names_a_missing_referenced_record_with_a_409_and_stores_nothing(app: FastAPI) -> None:
    _route(app, "/api/v1/test/fk", lambda s: s.add(_user("ghost", 99)))
    with platform_of(app).sessions() as session:
        before = _counts(session)
    response = TestClient(app, raise_server_exceptions=False).post("/api/v1/test/fk")
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["title"] == "Conflict"
    assert "team 99 does not exist" in body["detail"]
    with platform_of(app).sessions() as session:
        assert _counts(session) == before


def test_it_names_a_duplicate_with_a_409_and_stores_nothing(app: FastAPI) -> None:
    team_id = ensure_team(app, "Team A")
    with platform_of(app).uow(Actor.system("test")) as uow:
        uow.session.add(_user("twin", team_id))
        uow.commit()
    _route(app, "/api/v1/test/unique", lambda s: s.add(_user("twin", team_id)))
    with platform_of(app).sessions() as session:
        before = _counts(session)
    response = TestClient(app, raise_server_exceptions=False).post("/api/v1/test/unique")
    assert response.status_code == 409, response.text
    assert "a user with this username already exists" in response.json()["detail"]
    with platform_of(app).sessions() as session:
        assert _counts(session) == before


def test_a_page_shows_the_conflict_in_words(app: FastAPI) -> None:
    _route(app, "/test/fk-page", lambda s: s.add(Team(name="x" * 10, kind="response", station_id=12345)))
    response = TestClient(app, raise_server_exceptions=False).post("/test/fk-page", headers={"Accept": "text/html"})
    assert response.status_code == 409
    assert "station 12345 does not exist" in response.text
