"""An incident assessed as rural runs the rural G1 target on its page and in the list, not the urban one."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.integration.contact.test_call_handling import call, thrive_body
from tests.support.staff import staff

URGENT = {"threat": {"score": 3, "reason": "fight now"}, "harm": {"score": 2, "reason": "injuries"}}


def test_it_times_a_rural_emergency_against_the_rural_target(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    ref = call(client, handler, category="violence", text="Fight at the farm")["incident_ref"]
    body = {**thrive_body(**URGENT), "in_progress": True, "urban": False}
    assessed = client.post(f"/api/v1/incidents/{ref}/thrive", headers=handler.headers, json=body)
    assert assessed.status_code == 201 and assessed.json()["chosen_grade"] == "G1"
    html = {**handler.headers, "Accept": "text/html"}
    page = client.get(f"/incidents/{ref}", headers=html).text
    assert "left (target 20 min)" in page and "target 15 min" not in page
    listing = client.get("/incidents", headers=html).text
    assert "left (target 20 min)" in listing


def test_it_follows_the_latest_assessment_when_an_incident_turns_out_urban(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    ref = call(client, handler, category="violence", text="Fight on the lane")["incident_ref"]
    for urban in (False, True):
        body = {**thrive_body(**URGENT), "in_progress": True, "urban": urban}
        assert client.post(f"/api/v1/incidents/{ref}/thrive", headers=handler.headers, json=body).status_code == 201
    page = client.get(f"/incidents/{ref}", headers={**handler.headers, "Accept": "text/html"}).text
    assert "left (target 15 min)" in page
