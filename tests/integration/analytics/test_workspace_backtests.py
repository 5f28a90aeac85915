"""A back-test started through the API runs in the background and ends with the engine's HTML report."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.integration.analytics.workspace_support import analyst_dataset


def test_a_backtest_runs_in_the_background_and_links_its_report(app: FastAPI, client: TestClient) -> None:
    headers, dataset_id, _ = analyst_dataset(app, client, n=500)
    today = datetime.now(UTC).date()
    body = {"start": (today - timedelta(days=21)).isoformat(), "end": (today - timedelta(days=7)).isoformat(),
            "period": "7d", "cell_size": 200, "methods": ["recent"]}  # fmt: skip
    started = client.post(f"/api/v1/analytics/datasets/{dataset_id}/backtests", headers=headers, json=body)
    assert started.status_code == 202, started.text
    run = started.json()
    assert run["status"] in ("queued", "running", "done") and run["total_steps"] == 2 * 4
    deadline = time.monotonic() + 180
    while run["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        run = client.get(f"/api/v1/analytics/backtests/{run['id']}", headers=headers).json()
    assert run["status"] == "done", run["error"]
    assert run["progress"] == run["total_steps"]
    assert set(run["summary"]["methods"]) == {"naive", "kde", "recent", "blend"}
    report = client.get(run["report_url"], headers=headers)
    assert report.status_code == 200 and "<html" in report.text.lower()
    assert "default-src 'none'" in report.headers["content-security-policy"]
    assert "unsafe" not in report.headers["content-security-policy"]


def test_a_backtest_over_too_many_periods_is_refused(app: FastAPI, client: TestClient) -> None:
    headers, dataset_id, _ = analyst_dataset(app, client, n=50)
    body = {"start": "2020-01-01", "end": "2021-01-01", "period": "7d"}
    refused = client.post(f"/api/v1/analytics/datasets/{dataset_id}/backtests", headers=headers, json=body)
    assert refused.status_code == 422 and "26" in refused.json()["detail"]
    early = client.get("/api/v1/analytics/backtests/9999/report", headers=headers)
    assert early.status_code == 404
