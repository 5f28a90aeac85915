"""Crime files imported through the API become datasets: counts, rejected rows, idempotent re-import, bad uploads."""

from __future__ import annotations

import gzip

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.analytics.workspace import uploads
from tests.integration.analytics.workspace_support import BAD_ROWS, audited_actions, crime_csv, upload, wait_for_job
from tests.support.staff import staff


def test_an_upload_creates_a_dataset_with_correct_counts_and_rejected_rows(app: FastAPI, client: TestClient) -> None:
    analyst = staff(app, client, "analyst")
    response = upload(client, analyst.headers, crime_csv(n=300))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["accepted"] == 300 and body["already_imported"] is False
    assert body["rejected"] == BAD_ROWS
    assert body["rejected_reasons"] == {"no location": 2, "unreadable time": 1}
    assert {(r["line"], r["reason"]) for r in body["rejected_rows"]} == {
        (302, "unreadable time"),
        (303, "no location"),
        (304, "no location"),
    }
    dataset = client.get(f"/api/v1/analytics/datasets/{body['dataset']['id']}", headers=analyst.headers).json()
    assert dataset["event_count"] == 300 and dataset["rejected_count"] == BAD_ROWS
    assert dataset["crs"] == "EPSG:27700"  # Westminster: British National Grid
    assert sum(dataset["by_type"].values()) == 300
    assert dataset["by_channel"] == {"reported": 270, "officer-initiated": 30}
    assert "analytics.import" in audited_actions(app)


def test_importing_the_same_file_again_changes_nothing_and_overlaps_replace(app: FastAPI, client: TestClient) -> None:
    analyst = staff(app, client, "analyst")
    text = crime_csv(n=200)
    dataset_id = upload(client, analyst.headers, text).json()["dataset"]["id"]
    url = f"/api/v1/analytics/datasets/{dataset_id}/imports"

    again = wait_for_job(
        client, analyst.headers, client.post(url, headers=analyst.headers, files={"file": ("same.csv", text.encode())})
    )
    assert again.status_code == 201 and again.json()["already_imported"] is True
    assert again.json()["dataset"]["event_count"] == 200

    # A different file that repeats half the rows (same ids) and adds ten new ones: replaced, not duplicated.
    lines = text.splitlines()
    extra = [f"N{i},2026-01-0{1 + i % 9}T10:00:00,Theft,-0.13,51.51,reported" for i in range(10)]
    overlap = "\n".join([lines[0], *lines[1:101], *extra]) + "\n"
    third = wait_for_job(
        client,
        analyst.headers,
        client.post(url, headers=analyst.headers, files={"file": ("more.csv", overlap.encode())}),
    )
    assert third.status_code == 201, third.text
    assert third.json()["dataset"]["event_count"] == 210
    assert third.json()["dataset"]["rejected_count"] == BAD_ROWS  # the repeated file's rejections count once


def test_a_gzipped_file_imports_like_the_plain_one(app: FastAPI, client: TestClient) -> None:
    analyst = staff(app, client, "analyst")
    response = upload(client, analyst.headers, gzip.compress(crime_csv(n=50).encode()), name="c.csv.gz")
    assert response.status_code == 201, response.text
    assert response.json()["accepted"] == 50


def test_bad_uploads_are_refused_with_a_4xx_and_store_nothing(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyst = staff(app, client, "analyst")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
    assert upload(client, analyst.headers, png, name="photo.png").status_code == 415
    assert upload(client, analyst.headers, "just some words\nno columns here\n").status_code == 415
    assert upload(client, analyst.headers, crime_csv(n=20), source="nypd").status_code == 422
    assert upload(client, analyst.headers, crime_csv(n=20), columns="time=occurred").status_code == 422
    wrong = "a,b,c\n1,2,3\n"  # a CSV, but no row is a crime
    refused = upload(client, analyst.headers, wrong)
    assert refused.status_code == 422 and "no row" in refused.json()["detail"]
    monkeypatch.setattr(uploads, "MAX_TEXT_BYTES", 50_000)
    bomb = gzip.compress(b"a,b,c\n" + b"x" * 1_000_000)  # 1 kB that expands past the limit
    assert len(bomb) < 5000
    exploded = upload(client, analyst.headers, bomb, name="bomb.csv.gz")  # found by the import job, not the request
    assert exploded.status_code == 422 and "expands" in exploded.json()["detail"]
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1024)
    too_big = upload(client, analyst.headers, crime_csv(n=100))
    assert too_big.status_code == 413
    traversal = upload(client, analyst.headers, crime_csv(n=5), name="../../etc/passwd")
    assert traversal.status_code == 201
    assert client.get("/api/v1/analytics/datasets", headers=analyst.headers).json()[0]["event_count"] == 5
    assert len(client.get("/api/v1/analytics/datasets", headers=analyst.headers).json()) == 1
