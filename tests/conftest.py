"""Shared fixtures. Integration tests run once on SQLite and once on PostgreSQL (the ``backend`` parameter)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.core.clock import ManualClock, utcnow
from peel.settings import Settings
from tests.support.databases import PostgresTemplates, SqliteTemplate
from tests.support.services import postgres_server, redis_server

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite", "postgresql"]


def worker_id(config: pytest.Config) -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str | None]:
    with postgres_server() as url:
        if url is None and IN_CI:
            raise RuntimeError("PostgreSQL is needed in CI and could not be found or started")
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str | None]:
    with redis_server() as url:
        if url is None and IN_CI:
            raise RuntimeError("Redis is needed in CI and could not be found or started")
        yield url


@pytest.fixture(scope="session")
def pg_templates(postgres_admin_url: str | None, request: pytest.FixtureRequest) -> Iterator[PostgresTemplates | None]:
    if postgres_admin_url is None:
        yield None
        return
    templates = PostgresTemplates(postgres_admin_url, worker_id(request.config))
    yield templates
    templates.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    backend: str, tmp_path: Path, sqlite_template: SqliteTemplate, pg_templates: PostgresTemplates | None
) -> Iterator[str]:
    if backend == "sqlite":
        yield sqlite_template.fresh(tmp_path / "peel.db")
        return
    if pg_templates is None:
        pytest.skip("PostgreSQL is not available on this machine")
    name = pg_templates.fresh()
    yield pg_templates.url_for(name)
    pg_templates.drop(name)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "test-secret-key-0123456789abcdef0123456789",
        "road_graph": ROOT / "data/osm-westminster/westminster_drive.graphml.gz",
        "assets_dir": ROOT / "node_modules",
        "outbox_poll_seconds": 0.05,
        "audit_checkpoint_every": 16,
        "redis_url": None,
        "public_reports_per_minute": 1000,
        "job_poll_seconds": 0.05,
        "data_dir": Path(tempfile.mkdtemp(prefix="peel-data-")),
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, audit_witness=tmp_path / "audit-witness.jsonl")


@pytest.fixture
def clock() -> ManualClock:
    """The app's one clock, moved by the test (``clock.advance(minutes=31)``) instead of editing rows."""
    return ManualClock(utcnow().replace(microsecond=0))


@pytest.fixture
def app(settings: Settings, clock: ManualClock) -> FastAPI:
    from peel.web.app import create_app

    return create_app(settings, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
