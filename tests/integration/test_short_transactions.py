"""Short transactions: a read runs without the writer lock and appends its audit entries in a short write at
the end; the request dependency commits on success before the response leaves; a writer that waits too long
is told to retry (503), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from peel.audit.models import AuditEvent
from peel.core.clock import utcnow
from peel.db.uow import Actor
from peel.identity.models import StaffSession
from peel.settings import Settings
from peel.web.app import create_app
from peel.web.deps import Authorize, Ctx
from peel.workforce.models import Team
from tests.conftest import make_settings
from tests.integration.test_audit_log import RTC, SwitchableStore
from tests.support.staff import platform_of, staff

PROBE = "/api/v1/test-probe"


def audited(app: FastAPI, object_id: str) -> list[str]:
    with platform_of(app).sessions() as session:
        rows = session.execute(select(AuditEvent.action).where(AuditEvent.object_id == object_id)).scalars()
        return list(rows)


def teams_called(app: FastAPI, name: str) -> int:
    with platform_of(app).sessions() as session:
        return int(session.execute(select(func.count()).select_from(Team).where(Team.name == name)).scalar_one())


def add_probes(app: FastAPI) -> dict[str, Any]:
    """Routes that behave as a forgetful route would: they audit (and write) but never call commit()."""
    seen: dict[str, Any] = {}

    @app.get(PROBE)
    def read_probe(ctx: Annotated[Ctx, Depends(Authorize("incident.list"))]) -> dict[str, str]:
        ctx.uow.session.execute(select(func.count()).select_from(Team)).scalar_one()
        ctx.uow.audit("incident.list", "probe", "read-probe")
        if "while_reading" in seen:
            seen["while_reading"](app)
        return {"secret": "content of a police record"}

    @app.post(PROBE)
    def write_probe(ctx: Annotated[Ctx, Depends(Authorize("incident.create"))]) -> dict[str, str]:
        ctx.uow.session.add(Team(name="Probe team", kind="response"))
        ctx.uow.audit("incident.create", "probe", "write-probe")
        return {"ok": "yes"}

    return seen


@pytest.fixture
def probed(settings: Settings) -> Iterator[tuple[FastAPI, TestClient, dict[str, Any]]]:
    app = create_app(settings)
    seen = add_probes(app)
    with TestClient(app) as client:
        yield app, client, seen


def write_in_another_thread(app: FastAPI) -> bool:
    """A writer elsewhere in the process, e.g. another request taking a call; True once it has committed."""
    done = threading.Event()

    def write() -> None:
        with platform_of(app).uow(Actor.system("other-writer")) as uow:
            uow.session.add(Team(name="Written meanwhile", kind="response"))
            uow.audit("team.create", "team", "written-meanwhile")
            uow.commit()
        done.set()

    worker = threading.Thread(target=write, daemon=True)
    worker.start()
    # Not a timing assertion: the wait only bounds a writer that is blocked behind this read (the old code held
    # the process-wide writer lock for the whole request, so the writer could not commit until the read ended).
    worker.join(60)
    return done.is_set()


def test_a_read_request_does_not_block_a_concurrent_writer(probed: tuple[FastAPI, TestClient, Any]) -> None:
    app, client, seen = probed
    handler = staff(app, client, "call_handler")
    outcome: dict[str, bool] = {}
    seen["while_reading"] = lambda app: outcome.setdefault("committed", write_in_another_thread(app))
    response = client.get(PROBE, headers=handler.headers)
    assert response.status_code == 200, response.text
    assert outcome["committed"], "the writer committed while the read's transaction was open"
    assert teams_called(app, "Written meanwhile") == 1
    assert audited(app, "read-probe") == ["incident.list"]


def test_a_route_that_forgets_to_commit_still_writes_its_audit_entries(
    probed: tuple[FastAPI, TestClient, Any],
) -> None:
    app, client, _ = probed
    handler = staff(app, client, "call_handler")
    assert client.get(PROBE, headers=handler.headers).status_code == 200
    assert client.post(PROBE, headers=handler.headers).status_code == 200
    assert audited(app, "read-probe") == ["incident.list"]
    assert audited(app, "write-probe") == ["incident.create"]
    assert teams_called(app, "Probe team") == 1


def test_a_failed_final_audit_write_gives_an_error_and_no_data(settings: Settings) -> None:
    store = SwitchableStore(settings.secret_key.get_secret_value().encode(), 16)
    app = create_app(settings, audit_store=store)
    add_probes(app)
    with TestClient(app) as client:
        handler = staff(app, client, "call_handler")
        store.down = True
        read = client.get(PROBE, headers=handler.headers)
        write = client.post(PROBE, headers=handler.headers)
    assert read.status_code == write.status_code == 503
    assert "police record" not in read.text, "no record content leaves without its audit entry"
    assert read.json()["title"] == "Audit unavailable"
    assert teams_called(app, "Probe team") == 0


def test_a_read_touches_the_session_last_seen_time_in_its_final_write(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    earlier = utcnow() - timedelta(minutes=5)
    with platform_of(app).sessions() as session, session.begin():
        session.execute(update(StaffSession).values(last_seen_at=earlier))
    assert client.get("/api/v1/auth/me", headers=handler.headers).status_code == 200
    with platform_of(app).sessions() as session:
        seen = session.execute(select(StaffSession.last_seen_at)).scalar_one()
    assert seen.replace(tzinfo=None) > earlier.replace(tzinfo=None)


def hold_the_writer(app: FastAPI, release: threading.Event) -> threading.Event:
    """Another writer holds what a new write must wait for: SQLite's write lock, PostgreSQL's audit head row."""
    holding = threading.Event()

    def hold() -> None:
        with platform_of(app).engine.connect() as conn, conn.begin():
            conn.execute(text("UPDATE audit_head SET seq = seq WHERE id = 1"))
            holding.set()
            release.wait(30)  # only bounds the old code, which waited without limit on PostgreSQL

    threading.Thread(target=hold, daemon=True).start()
    holding.wait(30)
    return holding


def test_a_writer_that_waits_too_long_is_told_to_retry(database_url: str) -> None:
    app = create_app(make_settings(database_url, database_busy_seconds=0.2))
    with TestClient(app) as client:
        handler = staff(app, client, "call_handler")
        release = threading.Event()
        assert hold_the_writer(app, release).is_set()
        try:
            response = client.post("/api/v1/incidents", json=RTC, headers=handler.headers)
        finally:
            release.set()
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"].isdigit()
    assert response.json()["title"] == "Database busy"
    assert "try again" in response.json()["detail"]


def test_a_read_unit_of_work_cannot_write_behind_the_lock(app: FastAPI) -> None:
    """The database itself refuses a write in a read transaction, so a read never half-upgrades into a writer."""
    with platform_of(app).uow(Actor.system("test"), read_only=True) as uow:
        uow.session.add(Team(name="Sneaked in", kind="response"))
        with pytest.raises(DBAPIError):
            uow.session.flush()
    assert teams_called(app, "Sneaked in") == 0


def test_an_explicit_commit_and_the_dependency_commit_write_each_entry_once(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    ref = client.post("/api/v1/incidents", json=RTC, headers=handler.headers).json()["ref"]
    assert client.get(f"/api/v1/incidents/{ref}", headers=handler.headers).status_code == 200
    assert audited(app, ref).count("incident.read") == 1
    assert audited(app, ref).count("incident.create") == 1
