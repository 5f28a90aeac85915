"""The audit log in the database: append-only, fails closed, and `peel audit verify` catches tampering."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from peel.audit.chain import AuditEntry, make_head
from peel.audit.chain import chain as chain_entries
from peel.audit.models import AuditEvent
from peel.audit.store import SqlAuditStore, iter_chain, verify_store
from peel.cli.main import app as cli
from peel.core.clock import utcnow
from peel.core.errors import AuditUnavailable
from peel.incidents.models import Incident
from peel.settings import Settings
from peel.web.app import create_app
from tests.support.staff import platform_of, staff

RTC = {
    "channel": "999",
    "category": "rtc",
    "summary": "Collision",
    "location": {"address": "Whitehall", "lat": 51.504, "lon": -0.1265},
}


class SwitchableStore(SqlAuditStore):
    """The real store, with a switch that makes the audit store unavailable."""

    down = False

    def append(self, session: Session, entries: Sequence[AuditEntry]) -> None:
        if self.down:
            raise AuditUnavailable("audit store unreachable (test)")
        super().append(session, entries)


def incidents(app: FastAPI) -> int:
    with platform_of(app).sessions() as session:
        return int(session.execute(select(func.count()).select_from(Incident)).scalar_one())


def test_when_the_audit_store_is_down_reads_and_writes_fail_closed(settings: Settings) -> None:
    store = SwitchableStore(settings.secret_key.get_secret_value().encode(), 16)
    app = create_app(settings, audit_store=store)
    with TestClient(app) as client:
        handler = staff(app, client, "call_handler")
        ref = client.post("/api/v1/incidents", json=RTC, headers=handler.headers).json()["ref"]
        store.down = True
        write = client.post("/api/v1/incidents", json=RTC, headers=handler.headers)
        read = client.get(f"/api/v1/incidents/{ref}", headers=handler.headers)
        assert write.status_code == read.status_code == 503
        assert write.json()["title"] == "Audit unavailable"
        assert "summary" not in read.text, "no record content leaves without its audit entry"
        assert incidents(app) == 1


def test_when_the_audit_table_is_gone_the_write_is_rolled_back(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    with platform_of(app).engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_events RENAME TO audit_events_gone"))
    response = client.post("/api/v1/incidents", json=RTC, headers=handler.headers)
    assert response.status_code == 503
    assert incidents(app) == 0


def test_the_database_refuses_to_change_or_delete_audit_entries(app: FastAPI, client: TestClient) -> None:
    staff(app, client, "call_handler")
    for statement in ("UPDATE audit_events SET outcome = 'allowed'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), platform_of(app).engine.begin() as conn:
            conn.execute(text(statement))


def drop_guards(app: FastAPI) -> None:
    """What an insider with DDL rights would do first."""
    with platform_of(app).engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))


TAMPERS = [
    "UPDATE audit_events SET outcome = CASE WHEN outcome = 'allowed' THEN 'denied' ELSE 'allowed' END WHERE seq = {i}",
    "UPDATE audit_events SET username = 'someone-else' WHERE seq = {i}",
    "DELETE FROM audit_events WHERE seq = {i}",
    "DELETE FROM audit_events WHERE seq >= {i}",
    "UPDATE audit_events SET seq = -seq WHERE seq IN ({i}, {j})",
    "INSERT INTO audit_events (seq, at, username, role, action, object_type, object_id, outcome, source_ip, "
    "request_id, detail, prev_hash, hash) SELECT {n} + 1, at, username, role, action, object_type, object_id, "
    "outcome, source_ip, request_id, detail, hash, hash FROM audit_events WHERE seq = {n}",
]


def test_every_kind_of_tampering_in_the_database_is_detected(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    for _ in range(12):
        client.post("/api/v1/incidents", json=RTC, headers=handler.headers)
    drop_guards(app)
    platform = platform_of(app)
    key = platform.audit_key
    with platform.sessions() as session, session.begin():
        assert verify_store(session, key).ok
        n = session.execute(select(func.max(AuditEvent.seq))).scalar_one()
    rnd = random.Random(7)
    for template in TAMPERS:
        i, j = rnd.randint(2, n - 1), rnd.randint(2, n - 1)
        statement = template.format(i=i, j=j if j != i else i + 1, n=n)
        with platform.engine.connect() as conn:
            trans = conn.begin()
            conn.execute(text(statement))
            with Session(bind=conn) as session:
                verdict = verify_store(session, key)
            trans.rollback()
        assert not verdict.ok, statement


def test_the_cli_reports_an_intact_chain_and_then_a_tampered_one(
    app: FastAPI, client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff(app, client, "call_handler")
    monkeypatch.setenv("PEEL_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PEEL_SECRET_KEY", settings.secret_key.get_secret_value())
    runner = CliRunner()
    good = runner.invoke(cli, ["audit", "verify"])
    assert good.exit_code == 0 and "intact" in good.output
    drop_guards(app)
    with platform_of(app).engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET detail = 'nothing to see' WHERE seq = 1"))
    bad = runner.invoke(cli, ["audit", "verify"])
    assert bad.exit_code == 1 and "entry 1: content does not match its hash" in bad.output


def verify_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("PEEL_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PEEL_SECRET_KEY", settings.secret_key.get_secret_value())
    monkeypatch.setenv("PEEL_AUDIT_WITNESS", str(settings.audit_witness_path))
    result = CliRunner().invoke(cli, ["audit", "verify"])
    return result.exit_code, " ".join(result.output.split())


def busy(app: FastAPI, client: TestClient, writes: int = 40) -> None:
    """Enough audited writes for a few checkpoints (every 16 entries in tests) and a tail after the last."""
    handler = staff(app, client, "call_handler")
    for _ in range(writes):
        client.post("/api/v1/incidents", json=RTC, headers=handler.headers)


def resign_head(app: FastAPI) -> None:
    """An intruder who holds the (development) key re-signs the head to match what is left."""
    platform = platform_of(app)
    with platform.engine.begin() as conn:
        row = conn.execute(text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")).first()
        seq, digest = (row[0], row[1]) if row else (0, "0" * 64)
        head = make_head(platform.audit_key, seq, digest)
        conn.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h, signature = :g"),
            {"s": head.seq, "h": head.hash, "g": head.signature},
        )


def test_wiping_every_audit_row_checkpoint_and_the_head_is_caught(
    app: FastAPI, client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy(app, client)
    assert verify_cli(settings, monkeypatch)[0] == 0
    drop_guards(app)
    with platform_of(app).engine.begin() as conn:
        for table in ("audit_events", "audit_checkpoints", "audit_head"):
            conn.execute(text(f"DELETE FROM {table}"))
    code, output = verify_cli(settings, monkeypatch)
    assert code == 1
    assert "in the witness but missing from the database" in output
    assert "the log ends at entry 0" in output


def test_deleting_the_last_checkpoint_is_caught(
    app: FastAPI, client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy(app, client)
    with platform_of(app).engine.begin() as conn:
        last = conn.execute(text("SELECT max(last_seq) FROM audit_checkpoints")).scalar_one()
        conn.execute(text("DELETE FROM audit_checkpoints WHERE last_seq = :s"), {"s": last})
    code, output = verify_cli(settings, monkeypatch)
    assert code == 1 and f"checkpoint {last - 15}-{last} is in the witness but missing from the database" in output


def test_truncating_the_tail_and_re_signing_the_head_is_caught(
    app: FastAPI, client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy(app, client)
    drop_guards(app)
    with platform_of(app).engine.begin() as conn:
        last = conn.execute(text("SELECT max(last_seq) FROM audit_checkpoints")).scalar_one()
        conn.execute(text("DELETE FROM audit_events WHERE seq > :s"), {"s": last})
    resign_head(app)
    with platform_of(app).sessions() as session, session.begin():
        assert verify_store(session, platform_of(app).audit_key).ok, "the database alone cannot tell"
    code, output = verify_cli(settings, monkeypatch)
    assert code == 1 and f"the log ends at entry {last}" in output


def test_rewriting_an_entry_and_re_signing_everything_is_caught(
    app: FastAPI, client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy(app, client)
    drop_guards(app)
    platform = platform_of(app)
    with platform.sessions() as session, session.begin():
        entries = list(iter_chain(session))
    forged = [c.entry for c in entries]
    forged[3] = dataclasses.replace(forged[3], username="someone-else")
    linked = chain_entries(forged)
    with platform.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))
        conn.execute(text("DELETE FROM audit_checkpoints"))
        conn.execute(text("DELETE FROM audit_head"))
    with platform.sessions() as session, session.begin():
        store = SqlAuditStore(platform.audit_key, 16)  # the intruder's own store: no witness
        store.append(session, [c.entry for c in linked])
    code, output = verify_cli(settings, monkeypatch)
    assert code == 1 and "checkpoint 1-16 differs from the witnessed one" in output


def test_the_audit_page_shows_the_witness_status(app: FastAPI, client: TestClient) -> None:
    busy(app, client, 20)
    auditor = staff(app, client, "auditor")
    page = client.get("/audit", headers=auditor.headers)
    assert page.status_code == 200
    assert "Witness" in page.text and str(platform_of(app).settings.audit_witness_path) in page.text
    verdict = client.post("/api/v1/audit/verify", headers=auditor.headers).json()
    assert verdict["ok"] and verdict["witness"]["checkpoints"] >= 1 and verdict["witness"]["head_seq"] > 16


def test_the_witness_is_written_only_after_the_commit(app: FastAPI, client: TestClient) -> None:
    busy(app, client, 1)
    platform = platform_of(app)
    assert platform.witness is not None
    before = platform.witness.read().head
    assert before is not None
    entry = AuditEntry(at=utcnow(), action="incident.read", object_type="incident", object_id="x", outcome="allowed")
    with platform.sessions() as session:
        session.begin()
        platform.audit.append(session, [entry])
        assert platform.witness.read().head == before, "nothing is witnessed before the commit"
        session.rollback()
    assert platform.witness.read().head == before, "a rolled-back append is never witnessed"
    with platform.sessions() as session, session.begin():
        platform.audit.append(session, [entry])
    after = platform.witness.read().head
    assert after is not None and after.seq == before.seq + 1
