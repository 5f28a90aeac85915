"""Shared pieces of the workspace tests: a small synthetic crime CSV in Westminster and API helpers."""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient

COLUMNS = "time=occurred,type=offence,lon=longitude,lat=latitude,id=ref,channel=how"
HOTSPOTS = ((51.5136, -0.1365), (51.5010, -0.1246), (51.5155, -0.1419))
BAD_ROWS = 3  # one unreadable time, two without a location


def crime_csv(n: int = 600, days: int = 120, seed: int = 3, end: datetime | None = None) -> str:
    """``n`` crimes over ``days`` days before ``end`` (default: today, UTC), mostly around three hotspots, plus
    three rows that must be rejected."""
    rng = np.random.default_rng(seed)
    end = end or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["ref", "occurred", "offence", "longitude", "latitude", "how"])
    for i in range(n):
        hot = HOTSPOTS[i % 3]
        if i % 4 == 3:
            lat, lon = 51.495 + rng.random() * 0.03, -0.16 + rng.random() * 0.05
        else:
            lat, lon = hot[0] + rng.normal(0, 0.0008), hot[1] + rng.normal(0, 0.0012)
        when = end - timedelta(seconds=int(rng.integers(60, days * 86_400)))
        kind = ("Burglary", "Theft", "Robbery")[int(rng.integers(0, 3))]
        how = "officer-initiated" if i % 10 == 0 else "reported"
        w.writerow([f"R{i:05d}", when.isoformat(timespec="seconds"), kind, f"{lon:.6f}", f"{lat:.6f}", how])
    w.writerow(["BAD1", "not a time", "Theft", "-0.13", "51.51", "reported"])
    w.writerow(["BAD2", end.isoformat(), "Theft", "", "", "reported"])
    w.writerow(["BAD3", end.isoformat(), "Theft", "-0.13", "", "reported"])
    return out.getvalue()


@dataclass
class Finished:
    """A submitted job once it has ended (or the submission's own refusal): ``status_code`` is 201 when the job
    succeeded, 422 with the job's error as ``detail`` when it failed, else the refusal's own code."""

    status_code: int
    body: dict[str, Any]
    job: dict[str, Any] | None = None

    def json(self) -> dict[str, Any]:
        return self.body

    @property
    def text(self) -> str:
        return str(self.body)


def wait_for_job(client: TestClient, headers: dict[str, str], response: httpx.Response) -> Finished:
    """Follow a 202 job to its end through the job API (the worker runs in the app's lifespan)."""
    if response.status_code != 202:
        return Finished(response.status_code, response.json())
    job = response.json()
    deadline = time.monotonic() + 300
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = client.get(job["url"], headers=headers).json()
    if job["status"] == "succeeded":
        return Finished(201, job["result"], job)
    return Finished(422, {"detail": job["error"], "status": job["status"]}, job)


def upload(
    client: TestClient, headers: dict[str, str], text: str | bytes, name: str = "crimes.csv", **form: str
) -> Finished:
    data = {"name": "Westminster test", "source": "csv", "columns": COLUMNS, **form}
    body = text.encode() if isinstance(text, str) else text
    started = client.post(
        "/api/v1/analytics/datasets", headers=headers, data=data, files={"file": (name, body, "text/csv")}
    )
    return wait_for_job(client, headers, started)


def audited_actions(app: FastAPI) -> list[str]:
    """Every action in the audit log, oldest first."""
    from sqlalchemy import select

    from peel.audit.models import AuditEvent

    with app.state.platform.sessions() as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def analyst_dataset(app: FastAPI, client: TestClient, n: int = 600) -> tuple[dict[str, str], int, str]:
    """An analyst's headers, the id of a freshly imported dataset, and the CSV it came from."""
    from tests.support.staff import staff

    analyst = staff(app, client, "analyst")
    text = crime_csv(n=n)
    response = upload(client, analyst.headers, text)
    assert response.status_code == 201, response.text
    return analyst.headers, int(response.json()["dataset"]["id"]), text
