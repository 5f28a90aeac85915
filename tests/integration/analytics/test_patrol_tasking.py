"""A forecast becomes patrol tasks: a seeded share of control cells is recorded and never tasked; officers log
visits; exposure is summarised for treated vs control cells."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.analytics.patrol.tasking import assign_arms
from tests.integration.analytics.workspace_support import analyst_dataset, audited_actions, wait_for_job
from tests.support.staff import staff


def _plan(client: TestClient, headers: dict[str, str], forecast_id: int, **extra: Any) -> dict[str, Any]:
    body = {"forecast_id": forecast_id, "team": "Team A", "eligible": 12, "control_share": 0.25, "seed": 7, **extra}
    response = client.post("/api/v1/patrol/plans", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _forecast(client: TestClient, headers: dict[str, str], dataset_id: int) -> int:
    url = f"/api/v1/analytics/datasets/{dataset_id}/forecasts"
    response = wait_for_job(
        client, headers, client.post(url, headers=headers, json={"method": "naive", "coverage": 0.1})
    )
    assert response.status_code == 201, response.text
    return int(response.json()["forecast_id"])


def test_tasking_leaves_the_control_share_untasked_and_is_reproducible(app: FastAPI, client: TestClient) -> None:
    headers, dataset_id, _ = analyst_dataset(app, client)
    forecast_id = _forecast(client, headers, dataset_id)
    plan = _plan(client, headers, forecast_id)
    arms = [c["arm"] for c in sorted(plan["cells"], key=lambda c: c["rank"])]
    assert arms.count("control") == 3 and arms.count("treated") == 9
    assert arms == assign_arms(12, 0.25, 7)
    again = _plan(client, headers, forecast_id)
    assert [c["arm"] for c in sorted(again["cells"], key=lambda c: c["rank"])] == arms
    other = _plan(client, headers, forecast_id, seed=8)
    assert [c["arm"] for c in sorted(other["cells"], key=lambda c: c["rank"])] != arms

    officer = staff(app, client, "officer").headers
    tasks = client.get("/api/v1/patrol/tasks", headers=officer).json()
    mine = [t for t in tasks if t["plan_id"] == plan["id"]]
    treated = {c["cell_id"] for c in plan["cells"] if c["arm"] == "treated"}
    assert {t["id"] for t in mine} == treated  # controls are never tasks
    stranger = staff(app, client, "officer", team="Team B", name="otherofficer").headers
    assert client.get("/api/v1/patrol/tasks", headers=stranger).json() == []
    assert "patrol.plan" in audited_actions(app)
    random_seed = _plan(client, headers, forecast_id, seed=None)
    assert 0 <= random_seed["seed"] < 2**31  # a random seed is drawn and recorded
    bad = {"forecast_id": forecast_id, "team": "Team A", "eligible": 4, "control_share": 0.9}
    assert client.post("/api/v1/patrol/plans", headers=headers, json=bad).status_code == 422
    assert client.post("/api/v1/patrol/plans", headers=headers, json={**bad, "team": "Nobody"}).status_code == 422


def test_logged_visits_give_exposure_for_treated_and_control_cells(app: FastAPI, client: TestClient) -> None:
    headers, dataset_id, _ = analyst_dataset(app, client)
    plan = _plan(client, headers, _forecast(client, headers, dataset_id))
    treated = [c for c in plan["cells"] if c["arm"] == "treated"]
    control = [c for c in plan["cells"] if c["arm"] == "control"]
    officer = staff(app, client, "officer").headers

    first = client.post(f"/api/v1/patrol/tasks/{treated[0]['cell_id']}/visits", headers=officer, json={"minutes": 20})
    assert first.status_code == 201, first.text
    client.post(f"/api/v1/patrol/tasks/{treated[0]['cell_id']}/visits", headers=officer, json={"minutes": 10})
    client.post(f"/api/v1/patrol/tasks/{treated[1]['cell_id']}/visits", headers=officer, json={"minutes": 15})
    # A control cell is not a task …
    hidden = client.post(f"/api/v1/patrol/tasks/{control[0]['cell_id']}/visits", headers=officer, json={"minutes": 5})
    assert hidden.status_code == 404
    # … but time spent there is still measured when it is logged by position.
    exposure = client.get(f"/api/v1/patrol/plans/{plan['id']}/exposure", headers=headers).json()
    where = next(c for c in exposure["cells"] if c["cell_id"] == control[0]["cell_id"])
    by_position = client.post(
        f"/api/v1/patrol/plans/{plan['id']}/visits",
        headers=officer,
        json={"lat": where["lat"], "lon": where["lon"], "minutes": 5},
    )
    assert by_position.status_code == 201, by_position.text
    assert by_position.json()["cell_id"] == control[0]["cell_id"]
    nowhere = {"lat": 40.0, "lon": -3.0, "minutes": 5}
    assert client.post(f"/api/v1/patrol/plans/{plan['id']}/visits", headers=officer, json=nowhere).status_code == 422
    assert (
        client.post(
            f"/api/v1/patrol/tasks/{treated[0]['cell_id']}/visits", headers=officer, json={"minutes": 0}
        ).status_code
        == 422
    )

    summary = client.get(f"/api/v1/patrol/plans/{plan['id']}/exposure", headers=headers).json()
    arms = summary["arms"]
    assert arms["treated"]["minutes"] == 45 and arms["treated"]["cells_visited"] == 2
    assert arms["control"]["minutes"] == 5 and arms["control"]["cells_visited"] == 1
    assert arms["treated"]["mean_minutes"] == 45 / len(treated)
    cell0 = next(c for c in summary["cells"] if c["cell_id"] == treated[0]["cell_id"])
    assert cell0["minutes"] == 30 and cell0["visits"] == 2
    tasks = client.get("/api/v1/patrol/tasks", headers=officer).json()
    assert next(t for t in tasks if t["id"] == treated[0]["cell_id"])["minutes_logged"] == 30
    assert audited_actions(app).count("patrol.log") == 4

    stranger = staff(app, client, "officer", team="Team B", name="otherofficer").headers
    refused = client.post(f"/api/v1/patrol/tasks/{treated[0]['cell_id']}/visits", headers=stranger, json={"minutes": 9})
    assert refused.status_code == 403
