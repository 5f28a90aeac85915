"""Create teams and staff accounts directly (as ``peel users add`` would) and sign them in over the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from peel.db.uow import Actor
from peel.identity.passwords import Passwords
from peel.identity.policy import ROLES
from peel.identity.service import create_user
from peel.platform import Platform
from peel.workforce.models import Team

PASSWORD = "correct-horse-battery-staple"


@dataclass(frozen=True)
class Staff:
    username: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def platform_of(app: FastAPI) -> Platform:
    platform: Platform = app.state.platform
    return platform


def ensure_team(app: FastAPI, name: str, kind: str = "response") -> int:
    platform = platform_of(app)
    with platform.uow(Actor.system("test")) as uow:
        team_id = uow.session.execute(select(Team.id).where(Team.name == name)).scalar_one_or_none()
        if team_id is None:
            team = Team(name=name, kind=kind)
            uow.session.add(team)
            uow.session.flush()
            team_id = team.id
        uow.commit()
        return team_id


def add_user(app: FastAPI, username: str, role: str, team: str | None = None) -> None:
    team_id = ensure_team(app, team) if team else None
    with platform_of(app).uow(Actor.system("test")) as uow:
        create_user(uow, username, username.title(), role, PASSWORD, team_id)
        uow.commit()


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def staff(app: FastAPI, client: TestClient, role: str, team: str | None = "Team A", name: str | None = None) -> Staff:
    username = name or role.replace("_", "")
    add_user(app, username, role, team)
    return Staff(username, role, sign_in(client, username))


def every_role(app: FastAPI, client: TestClient) -> dict[str, Staff]:
    return {role: staff(app, client, role) for role in ROLES}


class CountingHasher(PasswordHasher):
    """A real argon2 hasher that counts its verifications: timing parity measured as work done, not wall time."""

    def __init__(self) -> None:
        super().__init__()
        self.verifications = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verifications += 1
        return super().verify(hash, password)


def count_verifications(app: FastAPI) -> CountingHasher:
    """Swap the app's password verifier for one whose argon2 verifications are counted."""
    counter = CountingHasher()
    platform_of(app).passwords = Passwords(counter)
    return counter
