"""Call handling end to end over the API: caller look-up with reasons, THRIVE, resolution, duplicates, merging."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from peel.audit.models import AuditEvent
from peel.contact.models import Contact, MatchDecision
from tests.support.staff import Staff, platform_of, staff

PLACE = {"address": "Trafalgar Square", "lat": 51.50800, "lon": -0.12800}
LOW = {"score": 0, "reason": "none disclosed"}


def thrive_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        d: dict(LOW) for d in ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
    }
    body.update(overrides)
    return body


def call(client: TestClient, who: Staff, **fields: object) -> dict[str, object]:
    body: dict[str, object] = {
        "channel": "999",
        "category": "concern_for_welfare",
        "text": "Caller wants to talk about the television news",
        "location": PLACE,
    }
    body.update(fields)
    response = client.post("/api/v1/contacts", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_repeat_nuisance_caller_is_flagged_with_reasons_and_history(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    person = client.post(
        "/api/v1/people",
        headers=handler.headers,
        json={"forenames": "Nigel", "surname": "Caller", "phones": ["07700 900555"]},
    ).json()
    for _ in range(6):
        made = call(client, handler, caller={"phone": "07700900555"}, person_ref=person["ref"])
        resolved = client.post(
            f"/api/v1/incidents/{made['incident_ref']}/resolve",
            headers=handler.headers,
            json={"resolution": "no_police_matter", "note": "No police matter; advised."},
        )
        assert resolved.status_code == 200, resolved.text
    found = client.get("/api/v1/contacts/lookup", params={"phone": "+44 7700 900555"}, headers=handler.headers)
    assert found.status_code == 200
    body = found.json()
    assert body["phone"] == "+447700900555"
    assert body["matches"][0]["person_ref"] == person["ref"]
    assert any("phone" in basis for basis in body["matches"][0]["basis"])
    kinds = {f["kind"]: f["reason"] for f in body["flags"]}
    assert "nuisance_caller" in kinds and "6" in kinds["nuisance_caller"]
    assert "repeat_caller" in kinds
    assert len(body["history"]) == 6 and all(h["outcome"] == "no_police_action" for h in body["history"])


def test_thrive_proposes_a_grade_and_an_override_needs_a_reason(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    ref = call(client, handler, category="violence", text="Man with a knife threatening people")["incident_ref"]
    urgent = thrive_body(threat={"score": 3, "reason": "knife, threats now"}, harm={"score": 3, "reason": "injury"})
    proposal = client.post("/api/v1/thrive/proposal", json={**urgent, "in_progress": True}, headers=handler.headers)
    assert proposal.status_code == 200 and proposal.json()["grade"] == "G1"
    assert proposal.json()["reasons"] and proposal.json()["deadline_minutes"] == 15
    silent = client.post(
        f"/api/v1/incidents/{ref}/thrive", headers=handler.headers, json={**urgent, "in_progress": True, "grade": "G3"}
    )
    assert silent.status_code == 422
    first = client.post(
        f"/api/v1/incidents/{ref}/thrive", headers=handler.headers, json={**urgent, "in_progress": True}
    )
    assert first.status_code == 201 and first.json()["version"] == 1 and first.json()["chosen_grade"] == "G1"
    second = client.post(
        f"/api/v1/incidents/{ref}/thrive",
        headers=handler.headers,
        json={**urgent, "in_progress": True, "grade": "G2", "override_reason": "suspect has left, victim safe"},
    )
    assert second.status_code == 201 and second.json()["version"] == 2
    history = client.get(f"/api/v1/incidents/{ref}/thrive", headers=handler.headers).json()
    assert [h["chosen_grade"] for h in history] == ["G1", "G2"]
    assert history[1]["override_reason"] == "suspect has left, victim safe"
    assert client.get(f"/api/v1/incidents/{ref}", headers=handler.headers).json()["grade"] == "G2"
    with platform_of(app).sessions() as session:
        details = session.execute(select(AuditEvent.detail).where(AuditEvent.action == "thrive.assess")).scalars()
        assert any("override" in d for d in details)


def test_resolving_without_deployment_moves_the_averted_counter(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    before = client.get("/api/v1/contact/dashboard", headers=handler.headers).json()["deployments_averted"]
    ref = call(client, handler, channel="101", category="fraud", text="Online purchase never arrived")["incident_ref"]
    client.post(f"/api/v1/incidents/{ref}/thrive", headers=handler.headers, json=thrive_body())
    done = client.post(
        f"/api/v1/incidents/{ref}/resolve",
        headers=handler.headers,
        json={"resolution": "online_investigation", "note": "Report passed to Action Fraud."},
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    after = client.get("/api/v1/contact/dashboard", headers=handler.headers).json()
    assert after["deployments_averted"] == before + 1
    assert (
        client.post(
            f"/api/v1/incidents/{ref}/resolve", headers=handler.headers, json={"resolution": "advice", "note": "again"}
        ).status_code
        == 409
    )


def test_calls_about_one_collision_are_proposed_as_duplicates_and_merged_keeping_every_caller(
    app: FastAPI, client: TestClient
) -> None:
    handler = staff(app, client, "call_handler")
    first = call(
        client,
        handler,
        category="rtc",
        text="Two cars crashed at the junction, one driver hurt",
        caller={"phone": "07700 900101"},
    )
    second = call(
        client,
        handler,
        category="rtc",
        text="Car crash at the junction, a driver is injured",
        caller={"phone": "07700 900202"},
        location={**PLACE, "lat": 51.5082},
    )
    assert [d["incident_ref"] for d in second["duplicates"]] == [first["incident_ref"]]
    assert second["duplicates"][0]["reasons"]
    merged = client.post(
        f"/api/v1/incidents/{second['incident_ref']}/merge",
        headers=handler.headers,
        json={"into": first["incident_ref"]},
    )
    assert merged.status_code == 200 and merged.json()["ref"] == first["incident_ref"]
    contacts = client.get(f"/api/v1/incidents/{first['incident_ref']}/contacts", headers=handler.headers).json()
    assert sorted(c["ref"] for c in contacts) == sorted([first["ref"], second["ref"]])
    old = client.get(f"/api/v1/incidents/{second['incident_ref']}", headers=handler.headers).json()
    assert old["status"] == "closed" and old["merged_into"] == first["incident_ref"]


def test_free_text_yields_phones_vehicles_postcodes_and_weapon_warnings(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    made = call(
        client,
        handler,
        category="violence",
        text="He has a knife, drove off in AB12 CDE towards SW1A 2AA, his number is 07700 900999",
    )
    kinds = {(e["kind"], e["value"]) for e in made["entities"]}
    assert ("phone", "+447700900999") in kinds
    assert any(k == "vrm" for k, _ in kinds) and any(k == "postcode" and v == "SW1A 2AA" for k, v in kinds)
    assert any("knife" in w for w in made["warnings"])


def test_numbers_and_marks_in_the_text_suggest_links_to_known_records(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    person = client.post(
        "/api/v1/people",
        headers=handler.headers,
        json={"forenames": "Dee", "surname": "Known", "phones": ["07700 900404"]},
    ).json()
    client.post("/api/v1/vehicles", headers=handler.headers, json={"vrm": "AB12CDE", "make": "Ford", "colour": "red"})
    made = call(client, handler, text="The driver of AB12 CDE, phone 07700900404, is threatening people")
    links = {(link["kind"], link["ref"]) for link in made["links"]}
    assert ("person", person["ref"]) in links and ("vehicle", "AB12CDE") in links


def test_a_rejected_match_is_remembered_and_a_confirmed_one_is_preferred(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    people = [
        client.post(
            "/api/v1/people",
            headers=handler.headers,
            json={"forenames": name, "surname": "Smith", "date_of_birth": "1970-01-01"},
        ).json()
        for name in ("John", "Jon")
    ]
    query = {"phone": "07700 900777", "forenames": "John", "surname": "Smyth", "date_of_birth": "1970-01-01"}
    before = client.get("/api/v1/contacts/lookup", params=query, headers=handler.headers).json()
    assert {m["person_ref"] for m in before["matches"]} == {p["ref"] for p in people}
    call(
        client, handler, caller={"phone": "07700 900777"}, person_ref=people[1]["ref"], rejected_refs=[people[0]["ref"]]
    )
    after = client.get("/api/v1/contacts/lookup", params=query, headers=handler.headers).json()
    assert [m["person_ref"] for m in after["matches"]] == [people[1]["ref"]]
    assert after["matches"][0]["decision"] == "confirmed"
    with platform_of(app).sessions() as session:
        decisions = session.execute(select(MatchDecision.decision)).scalars().all()
        assert sorted(decisions) == ["confirmed", "rejected"]
        assert session.execute(select(Contact.caller_person_id)).scalars().all()


def test_bad_calls_are_refused_and_store_nothing(app: FastAPI, client: TestClient) -> None:
    handler = staff(app, client, "call_handler")
    for body in (
        {"channel": "999", "category": "nope", "text": "x"},
        {"channel": "999", "category": "rtc", "text": "x" * 4500},
        {"channel": "999", "category": "rtc", "text": "hi", "caller": {"phone": "not a phone"}},
        {"channel": "email", "category": "rtc", "text": "hi"},
    ):
        assert client.post("/api/v1/contacts", json=body, headers=handler.headers).status_code == 422, body
    with platform_of(app).sessions() as session:
        assert session.execute(select(Contact.id)).first() is None


def test_the_incident_page_shows_the_sla_timer_thrive_history_and_every_caller(
    app: FastAPI, client: TestClient
) -> None:
    handler = staff(app, client, "call_handler")
    made = call(client, handler, category="violence", text="Fight outside the pub", caller={"phone": "07700 900303"})
    ref = made["incident_ref"]
    urgent = thrive_body(threat={"score": 3, "reason": "fight now"}, harm={"score": 2, "reason": "injuries"})
    client.post(f"/api/v1/incidents/{ref}/thrive", headers=handler.headers, json={**urgent, "in_progress": True})
    page = client.get(f"/incidents/{ref}", headers={**handler.headers, "Accept": "text/html"}).text
    assert 'id="sla"' in page and "left (target 15 min)" in page
    assert "Version 1" in page and "fight now" in page
    assert "Fight outside the pub" in page and made["ref"] not in page  # callers shown by name/number, not refs
    listing = client.get("/incidents", headers={**handler.headers, "Accept": "text/html"}).text
    assert "left (target 15 min)" in listing
