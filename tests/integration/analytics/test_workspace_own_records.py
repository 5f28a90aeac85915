"""Peel's own incidents become a crime dataset: category → crime type, public channels → victim-reported."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.staff import staff


def _incident(client: TestClient, headers: dict[str, str], channel: str, category: str, **extra: Any) -> None:
    body = {"channel": channel, "category": category, "summary": "test", "team": "Team A", **extra}
    response = client.post("/api/v1/incidents", headers=headers, json=body)
    assert response.status_code == 201, response.text


def test_own_records_build_a_dataset_and_pulling_again_changes_nothing(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler").headers
    here = {"address": "1 Test Street", "lat": 51.51, "lon": -0.13}
    _incident(client, handler, "101", "burglary", location=here)
    _incident(client, handler, "999", "theft", location={**here, "lat": 51.512})
    _incident(client, handler, "officer", "drugs", location={**here, "lon": -0.131})
    _incident(client, handler, "101", "missing_person", location=here)  # not a crime
    _incident(client, handler, "online", "fraud")  # no location
    analyst = staff(app, client, "analyst").headers

    first = client.post("/api/v1/analytics/datasets/own-records", headers=analyst, json={"name": "Ours"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["accepted"] == 3
    assert body["rejected_reasons"] == {"not a crime category (missing_person)": 1, "no location": 1}
    dataset = client.get(f"/api/v1/analytics/datasets/{body['dataset']['id']}", headers=analyst).json()
    assert dataset["source"] == "own-records"
    assert dataset["by_type"] == {"Burglary": 1, "Drugs": 1, "Theft": 1}
    assert dataset["by_channel"] == {"reported": 2, "officer-initiated": 1}

    again = client.post("/api/v1/analytics/datasets/own-records", headers=analyst, json={"name": "Ours"})
    assert again.json()["already_imported"] is True
    assert again.json()["dataset"]["id"] == body["dataset"]["id"]
    assert again.json()["dataset"]["event_count"] == 3

    _incident(client, handler, "101", "robbery", location=here)
    third = client.post("/api/v1/analytics/datasets/own-records", headers=analyst, json={"name": "Ours"}).json()
    assert third["already_imported"] is False and third["dataset"]["event_count"] == 4
