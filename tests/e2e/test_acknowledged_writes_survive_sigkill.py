"""A server killed with SIGKILL in the middle of a burst of writes loses none of the writes it acknowledged.

Several client threads open incidents as fast as a real uvicorn server answers; every reference answered with 201
is recorded. Once enough have been acknowledged the server is killed without warning, while requests are still in
flight. The database must then hold every acknowledged incident, and the audit chain must still verify.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from peel.audit.file_witness import FileWitness
from peel.audit.store import verify_store
from peel.db.engine import make_engine, make_session_factory
from peel.incidents.models import Incident
from peel.settings import Settings
from tests.conftest import make_settings
from tests.e2e.live_server import add_account, bearer_token, running_server
from tests.support.staff import PASSWORD

pytestmark = pytest.mark.slow

THREADS = 4
KILL_AFTER_ACKS = 60
BURST_DEADLINE_SECONDS = 20.0


@dataclass
class Burst:
    """What the clients saw: acknowledged references, other answers, and requests the kill cut short."""

    acknowledged: list[str] = field(default_factory=list)
    other_answers: list[str] = field(default_factory=list)
    unanswered: int = 0
    refused: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _enough: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._enough = threading.Condition(self._lock)

    def acknowledge(self, ref: str) -> None:
        with self._lock:
            self.acknowledged.append(ref)
            self._enough.notify_all()

    def answered_otherwise(self, status: int, body: str) -> None:
        with self._lock:
            self.other_answers.append(f"{status}: {body[:200]}")

    def cut(self, sent: bool) -> None:
        with self._lock:
            if sent:
                self.unanswered += 1
            else:
                self.refused += 1

    def wait_for(self, count: int, timeout: float) -> bool:
        with self._enough:
            return self._enough.wait_for(lambda: len(self.acknowledged) >= count, timeout)

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self.acknowledged)


def _incident(worker: int, n: int) -> dict[str, object]:
    return {
        "channel": "999",
        "category": "rtc",
        "summary": f"Collision reported by burst worker {worker}, call {n}",
        "location": {"address": "Parliament Square, London", "lat": 51.5007, "lon": -0.1262},
    }


def _fire(url: str, token: str, burst: Burst, worker: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=10.0) as client:
        n = 0
        while not burst.stop.is_set():
            n += 1
            try:
                response = client.post("/api/v1/incidents", json=_incident(worker, n))
            except httpx.ConnectError:
                burst.cut(sent=False)
                return
            except httpx.TransportError:
                burst.cut(sent=True)
                return
            if response.status_code == 201:
                burst.acknowledge(response.json()["ref"])
            else:
                burst.answered_otherwise(response.status_code, response.text)


def _stored(settings: Settings, refs: list[str]) -> tuple[set[str], int, list[str]]:
    """References found among ``refs``, the number of incidents, and any audit chain problems."""
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    try:
        with make_session_factory(engine)() as session, session.begin():
            found = set(session.execute(select(Incident.ref).where(Incident.ref.in_(refs))).scalars())
            total = session.execute(select(func.count()).select_from(Incident)).scalar_one()
            # The witness is written after each commit, so a kill may leave it behind the database, never ahead.
            witness = FileWitness(settings.audit_witness_path)
            verdict = verify_store(session, settings.secret_key.get_secret_value().encode(), witness)
            return found, total, [] if verdict.ok else [str(p) for p in verdict.problems[:10]]
    finally:
        engine.dispose()


def test_it_keeps_every_acknowledged_incident_after_sigkill(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(database_url, audit_checkpoint_every=16, audit_witness=tmp_path / "witness.jsonl")
    add_account(settings, "handler", "call_handler", team="Control Room")
    burst = Burst()
    with running_server(settings, tmp_path / "server") as server:
        token = bearer_token(server.url, "handler", PASSWORD)
        threads = [
            threading.Thread(target=_fire, args=(server.url, token, burst, worker), daemon=True)
            for worker in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        try:
            reached = burst.wait_for(KILL_AFTER_ACKS, BURST_DEADLINE_SECONDS)
            killed_at = time.monotonic()
            server.kill()
        finally:
            burst.stop.set()
            for thread in threads:
                thread.join(15)
        assert reached, f"only {len(burst.acknowledged)} writes acknowledged:\n{server.log_tail()}"
        assert time.monotonic() - killed_at < 15, "client threads did not notice the kill"

    acknowledged = burst.snapshot()
    assert not burst.other_answers, f"the server refused writes before it was killed: {burst.other_answers[:5]}"
    assert burst.unanswered >= 1, "the kill did not land while a write was in flight"
    assert len(set(acknowledged)) == len(acknowledged), "the same reference was acknowledged twice"
    found, total, audit_problems = _stored(settings, acknowledged)
    assert sorted(set(acknowledged) - found) == [], "acknowledged incidents were lost"
    assert total >= len(acknowledged)
    assert audit_problems == [], f"the audit chain no longer verifies: {audit_problems}"
