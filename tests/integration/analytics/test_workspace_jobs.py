"""Long analytics work runs as jobs: a request only submits it, a worker runs it, and it survives a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.analytics.models import BacktestRun, CrimeDataset, CrimeEvent
from peel.web.app import create_app
from tests.conftest import make_settings
from tests.integration.analytics.workspace_support import COLUMNS, analyst_dataset, crime_csv, upload
from tests.support.staff import staff


def _count(app: FastAPI, model: type[Any]) -> int:
    with app.state.platform.sessions() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_an_import_answers_202_with_a_job_before_any_row_is_written(database_url: str) -> None:
    app = create_app(make_settings(database_url, job_threads=0))  # no worker in this process
    with TestClient(app) as client:
        analyst = staff(app, client, "analyst")
        data = {"name": "Westminster", "source": "csv", "columns": COLUMNS}
        files = {"file": ("crimes.csv", crime_csv(n=120).encode(), "text/csv")}
        started = client.post("/api/v1/analytics/datasets", headers=analyst.headers, data=data, files=files)
        assert started.status_code == 202, started.text
        job = started.json()
        assert job["status"] == "queued" and job["url"] == f"/api/v1/jobs/{job['id']}"
        assert _count(app, CrimeEvent) == 0 and _count(app, CrimeDataset) == 0  # the request wrote no rows
        assert app.state.platform.jobs.worker.drain() == 1  # a separate worker (as `peel jobs work`) runs it
        done = client.get(job["url"], headers=analyst.headers).json()
        assert done["status"] == "succeeded" and done["result"]["accepted"] == 120
        assert _count(app, CrimeEvent) == 120


def test_a_csv_field_over_the_csv_limit_fails_the_job_clearly_and_imports_nothing(
    app: FastAPI, client: TestClient
) -> None:
    analyst = staff(app, client, "analyst")
    text = crime_csv(n=30)
    huge = text.replace("Burglary", "B" * 140_000, 1)
    failed = upload(client, analyst.headers, huge)
    assert failed.status_code == 422 and failed.job is not None and failed.job["status"] == "failed"
    assert "131,072" in failed.json()["detail"] and "nothing was imported" in failed.json()["detail"]
    assert _count(app, CrimeEvent) == 0 and _count(app, CrimeDataset) == 0


def test_a_backtest_queued_before_a_restart_runs_after_it(database_url: str) -> None:
    before = create_app(make_settings(database_url, job_threads=0))
    with TestClient(before) as client:
        analyst = staff(before, client, "analyst")
        submitted = client.post(
            "/api/v1/analytics/datasets",
            headers=analyst.headers,
            data={"name": "W", "source": "csv", "columns": COLUMNS},
            files={"file": ("c.csv", crime_csv(n=300).encode(), "text/csv")},
        )
        assert before.state.platform.jobs.worker.drain() == 1
        dataset_id = client.get(submitted.json()["url"], headers=analyst.headers).json()["result"]["dataset"]["id"]
        today = datetime.now(UTC).date()
        body = {"start": (today - timedelta(days=21)).isoformat(), "end": (today - timedelta(days=7)).isoformat(),
                "period": "7d", "cell_size": 200, "methods": ["recent"]}  # fmt: skip
        run = client.post(f"/api/v1/analytics/datasets/{dataset_id}/backtests", headers=analyst.headers, json=body)
        assert run.status_code == 202 and run.json()["status"] == "queued" and run.json()["job_url"]
    after = create_app(make_settings(database_url, job_threads=0))  # the server restarted
    with TestClient(after):
        assert after.state.platform.jobs.worker.drain() == 1
        with after.state.platform.sessions() as s:
            stored = s.get(BacktestRun, run.json()["id"])
            assert stored is not None and stored.status == "done" and stored.progress == stored.total_steps


def test_a_job_is_seen_by_its_owner_and_roles_allowed_its_action_only(app: FastAPI, client: TestClient) -> None:
    headers, dataset_id, _ = analyst_dataset(app, client, n=60)
    job = client.post(f"/api/v1/analytics/datasets/{dataset_id}/aggregates?kind=grid", headers=headers).json()
    supervisor = staff(app, client, "supervisor", name="sup1")
    handler = staff(app, client, "call_handler", name="ch1")
    assert client.get(job["url"], headers=supervisor.headers).status_code == 200
    hidden = client.get(job["url"], headers=handler.headers)
    missing = client.get("/api/v1/jobs/999999", headers=handler.headers)
    assert hidden.status_code == missing.status_code == 404
    assert client.post(f"{job['url']}/cancel", headers=handler.headers).status_code == 404
    assert [j["id"] for j in client.get("/api/v1/jobs", headers=headers).json()][:1] == [job["id"]]
