"""People records: one record per phone number, search by name or number, restricted records need a grant."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.staff import staff

ANN = {
    "forenames": "Ann",
    "surname": "Example",
    "date_of_birth": "1980-02-29",
    "phones": ["07700 900123"],
    "aliases": [{"forenames": "Annie", "surname": "Sample"}],
    "address": {"address": "10 Test Street, London", "postcode": "w2 1xj", "lat": 51.52, "lon": -0.172},
    "markers": [{"kind": "warning", "code": "weapons", "note": "carries a knife"}],
}


def test_a_person_is_stored_with_e164_phone_and_found_by_any_form_of_the_number(
    app: FastAPI, client: TestClient
) -> None:
    handler = staff(app, client, "call_handler")
    created = client.post("/api/v1/people", json=ANN, headers=handler.headers)
    assert created.status_code == 201, created.text
    assert created.json()["phones"] == ["+447700900123"]
    for query in ("+44 7700 900123", "07700900123", "examp", "annie"):
        found = client.get("/api/v1/people", params={"q": query}, headers=handler.headers).json()
        assert [p["ref"] for p in found] == [created.json()["ref"]], query
    assert found[0]["markers"] == ["weapons"]


def test_two_people_sharing_a_number_share_one_phone_record(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    client.post("/api/v1/people", json=ANN, headers=handler.headers)
    client.post(
        "/api/v1/people",
        json={**ANN, "forenames": "Bob", "phones": ["+447700900123"]},
        headers=handler.headers,
    )
    found = client.get("/api/v1/people", params={"q": "07700 900123"}, headers=handler.headers).json()
    assert sorted(p["forenames"] for p in found) == ["Ann", "Bob"]


def test_unknown_marker_codes_and_bad_dates_are_refused(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    assert (
        client.post(
            "/api/v1/people",
            json={**ANN, "markers": [{"kind": "warning", "code": "grumpy"}]},
            headers=handler.headers,
        ).status_code
        == 422
    )
    assert (
        client.post("/api/v1/people", json={**ANN, "date_of_birth": "2999-01-01"}, headers=handler.headers).status_code
        == 422
    )
    assert client.get("/api/v1/people", params={"q": "Example"}, headers=handler.headers).json() == []


def test_a_restricted_person_is_hidden_from_others_until_a_supervisor_grants_access(
    app: FastAPI, client: TestClient
) -> None:
    investigator = staff(app, client, "investigator")
    other = staff(app, client, "call_handler")
    supervisor = staff(app, client, "supervisor")
    ref = client.post("/api/v1/people", json={**ANN, "restricted": True}, headers=investigator.headers).json()["ref"]
    assert client.get(f"/api/v1/people/{ref}", headers=investigator.headers).status_code == 200
    assert client.get(f"/api/v1/people/{ref}", headers=other.headers).status_code == 404  # as if it did not exist
    assert client.get("/api/v1/people", params={"q": "Example"}, headers=other.headers).json() == []
    # The supervisor is not granted either: restricted means named people only.
    assert (
        client.post(
            f"/api/v1/people/{ref}/grants", json={"username": other.username}, headers=supervisor.headers
        ).status_code
        == 404
    )


def test_vehicles_are_keyed_by_their_normalised_mark(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    person = client.post("/api/v1/people", json=ANN, headers=handler.headers).json()
    made = client.post(
        "/api/v1/vehicles",
        json={"vrm": "zz24 abc", "make": "Ford", "keeper_ref": person["ref"]},
        headers=handler.headers,
    )
    assert made.status_code == 201 and made.json()["vrm"] == "ZZ24 ABC"
    assert client.post("/api/v1/vehicles", json={"vrm": "ZZ24ABC"}, headers=handler.headers).status_code == 409
    got = client.get("/api/v1/vehicles/zz24abc", headers=handler.headers).json()
    assert got["keeper_ref"] == person["ref"]
    assert client.post("/api/v1/vehicles", json={"vrm": "NOTAPLATE1"}, headers=handler.headers).status_code == 422
