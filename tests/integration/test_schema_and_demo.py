"""Migrations build exactly the models' schema; the demo force loads, verifies and every demo login works."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.db.base import all_models
from peel.db.engine import make_engine
from peel.demo.accounts import DEMO_PASSWORD, demo_accounts
from peel.demo.loader import load_demo
from peel.incidents.models import Incident
from peel.people.models import Person
from peel.settings import Settings
from peel.web.app import create_app
from peel.workforce.models import Officer, Shift, Unit


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), all_models().metadata)
    engine.dispose()
    assert diff == []


def test_the_demo_force_loads_once_and_every_demo_login_works(settings: Settings) -> None:
    message = load_demo(settings, seed=42, people=40, days=2)
    assert "Loaded the synthetic demo force" in message
    assert "already loaded" in load_demo(settings, seed=42, people=40, days=2)
    app = create_app(settings)
    with TestClient(app) as client:
        with app.state.platform.sessions() as session:
            officers = session.execute(select(func.count()).select_from(Officer)).scalar_one()
            assert 55 <= officers <= 65
            assert session.execute(select(func.count()).select_from(Person)).scalar_one() == 40
            assert session.execute(select(func.count()).select_from(Incident)).scalar_one() > 40
            assert session.execute(select(func.count()).select_from(Shift)).scalar_one() > 10
            assert session.execute(select(func.count()).select_from(Unit).where(Unit.status != "off_duty")).scalar_one()
            assert all(session.execute(select(Person.synthetic)).scalars())
        for username, _name, role, _team in demo_accounts():
            response = client.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, username
            assert response.json()["role"] == role
        auditor = client.post("/api/v1/auth/token", data={"username": "auditor", "password": DEMO_PASSWORD}).json()
        verdict = client.post("/api/v1/audit/verify", headers={"Authorization": f"Bearer {auditor['access_token']}"})
        assert verdict.json()["ok"] is True and verdict.json()["entries_checked"] > 100
