"""Forecasts through the API are the engine's forecasts; near-repeat and map layers answer for a dataset."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.analytics.export import forecast_rows, parse_forecast_csv, to_csv
from peel.analytics.importers import ColumnMapping, parse_csv
from peel.analytics.methods import make_method
from peel.analytics.periods import make_periods
from peel.analytics.service import forecast_periods, prepare, select
from tests.integration.analytics.workspace_support import Finished, analyst_dataset, audited_actions, wait_for_job


def run(client: TestClient, headers: dict[str, str], url: str, body: dict[str, Any] | None = None) -> Finished:
    """Submit a job through the API and wait for it (202 -> worker -> result)."""
    return wait_for_job(client, headers, client.post(url, headers=headers, json=body))


MAPPING = ColumnMapping(
    time="occurred", crime_type="offence", lon="longitude", lat="latitude", source_id="ref", channel="how"
)


def test_forecast_cells_match_the_engine_for_the_same_events(app: FastAPI, client: TestClient) -> None:
    headers, dataset_id, text = analyst_dataset(app, client)
    body = {"method": "naive", "start": None, "period": "7d", "cell_size": 150, "coverage": 0.05}
    last = parse_csv("x", text, MAPPING).events.datetimes.max()
    start: date = (last.astype("datetime64[D]") + np.timedelta64(1, "D")).astype(object)
    response = run(client, headers, f"/api/v1/analytics/datasets/{dataset_id}/forecasts", body)
    assert response.status_code == 201, response.text
    out = response.json()["forecast"]
    assert out["period_start"] == start.isoformat() and out["method"] == "naive"

    events = select(parse_csv("x", text, MAPPING).events)
    [period] = make_periods(start, start.replace(year=start.year + 1), "7d")[:1]
    prepared = prepare(events, period.start, 150.0)
    [(_, scores)] = forecast_periods(prepared, make_method("naive"), [period])
    expected = to_csv(forecast_rows(prepared.area, period, scores))
    exported = client.get(out["export_url"], headers=headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.text == expected
    cells = parse_forecast_csv(expected)
    best = sorted(cells, key=lambda c: -c.score)[: out["flagged"]]
    flagged = [c for c in out["cells"] if c["flagged"]]
    assert len(flagged) == out["flagged"] == max(1, round(0.05 * out["study_cells"]))
    assert [c["score"] for c in flagged] == [c.score for c in best]
    top_cell = {(c.x0, c.y0) for c in best if c.score == best[0].score}
    assert (flagged[0]["x0"], flagged[0]["y0"]) in top_cell
    assert out["fairness"]["available"] and out["fairness"]["calibration"] and out["fairness"]["disparity"]
    assert "analytics.forecast" in audited_actions(app)


def test_best_forecast_draws_flagged_cells_and_refuses_bad_parameters(app: FastAPI, client: TestClient) -> None:
    headers, dataset_id, _ = analyst_dataset(app, client, n=400)
    url = f"/api/v1/analytics/datasets/{dataset_id}/forecasts"
    out = run(client, headers, url, {"method": "best", "coverage": 0.1}).json()["forecast"]
    assert out["method"] == "blend" and out["requested_method"] == "best"
    cells = client.get(f"/api/v1/analytics/forecasts/{out['id']}/cells.geojson", headers=headers).json()
    assert len(cells["features"]) == out["flagged"]
    ring = cells["features"][0]["geometry"]["coordinates"][0]
    assert all(-0.2 < lon < -0.05 and 51.45 < lat < 51.55 for lon, lat in ring)
    assert client.post(url, headers=headers, json={"method": "crystal-ball"}).status_code == 422
    assert run(client, headers, url, {"period": "7x"}).status_code == 422
    assert run(client, headers, url, {"start": "2000-01-01"}).status_code == 422  # nothing before it
    assert client.post("/api/v1/analytics/datasets/9999/forecasts", headers=headers, json={}).status_code == 404


def test_map_layers_and_the_knox_table_answer_for_a_dataset(app: FastAPI, client: TestClient) -> None:
    headers, dataset_id, _ = analyst_dataset(app, client, n=300)
    base = f"/api/v1/analytics/datasets/{dataset_id}"
    points = client.get(f"{base}/events.geojson", headers=headers).json()
    assert len(points["features"]) == 300
    hexes = run(client, headers, f"{base}/aggregates?kind=h3&resolution=8").json()
    assert sum(f["properties"]["count"] for f in hexes["features"]) == 300
    grid = run(client, headers, f"{base}/aggregates?kind=grid&cell_size=250").json()
    assert sum(f["properties"]["count"] for f in grid["features"]) == 300
    knox = run(client, headers, f"{base}/near-repeat", {"permutations": 99})
    assert knox.status_code == 201, knox.text
    table = knox.json()
    assert table["n_events"] == 300 and len(table["rows"]) == 4 and len(table["rows"][0]["cells"]) == 4
    page = client.get(table["url"], headers=headers)  # the result stays readable on the near-repeat page
    assert page.status_code == 200 and 'id="knox"' in page.text
    too_few = run(client, headers, f"{base}/near-repeat", {"crime_type": "Arson"})
    assert too_few.status_code == 422 and "at least 10 events" in too_few.json()["detail"]
