"""Restricted records leak nowhere: not through a look-up, a derived record, a list, the live stream or its replay.

One restricted person (with a home address, a vehicle and a call to their name), one restricted incident and one
restricted case, made by an owner who is granted them. Everyone else gets answers as if they did not exist.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from peel.audit.models import AuditEvent
from peel.identity.policy import ROLES, may_attempt
from tests.support import restricted
from tests.support.sse import marker, read_stream
from tests.support.staff import Staff, platform_of, staff


def audit_rows(app: FastAPI, action: str, username: str) -> list[AuditEvent]:
    with platform_of(app).sessions() as session:
        stmt = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.username == username)
        return list(session.execute(stmt.order_by(AuditEvent.seq)).scalars())


def user_id(app: FastAPI, username: str) -> int:
    from peel.identity.models import User

    with platform_of(app).sessions() as session:
        return session.execute(select(User.id).where(User.username == username)).scalar_one()


def replay(app: FastAPI, member: Staff, object_type: str = "incident") -> str:
    team = 1 if object_type != "case" else None
    mark = marker(object_type, team, user_id(app, member.username))
    streamed = read_stream(app, {**member.headers, "Last-Event-ID": "0"}, mark)
    assert streamed.status == 200
    return streamed.text


def test_it_replays_no_restricted_incident_or_case_to_force_wide_roles_and_audits_the_replay(
    app: FastAPI, client: TestClient
) -> None:
    world = restricted.build(app, client)
    dispatcher = staff(app, client, "dispatcher")
    shown = replay(app, dispatcher)
    assert world.open_incident in shown  # the replay works, and shows what the dispatcher may see
    assert world.incident not in shown and restricted.CASE_TITLE not in shown
    owner_view = replay(app, world.owner)
    assert world.incident in owner_view and restricted.CASE_TITLE in owner_view
    assert '"grants"' not in owner_view  # who else may see an event is never sent to browsers
    (entry,) = audit_rows(app, "events.replay", dispatcher.username)
    assert "served=" in entry.detail and "withheld=" in entry.detail and entry.outcome == "allowed"


def test_it_answers_a_restricted_persons_home_address_exactly_like_a_missing_location(
    app: FastAPI, client: TestClient
) -> None:
    world = restricted.build(app, client)
    for role in ("analyst", "call_handler", "officer"):
        member = staff(app, client, role, name=f"loc{role.replace('_', '')}")
        hidden = client.get(f"/api/v1/locations/{world.home}", headers=member.headers)
        missing = client.get("/api/v1/locations/LOC-20000101-9999", headers=member.headers)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == {**missing.json(), "detail": f"no location {world.home}"}
        assert restricted.HOME not in hidden.text
        assert [e.outcome for e in audit_rows(app, "person.read", member.username)] == ["denied"]
    owned = client.get(f"/api/v1/locations/{world.home}", headers=world.owner.headers)
    assert owned.status_code == 200 and owned.json()["address"] == restricted.HOME


def test_it_answers_restricted_refs_exactly_like_missing_ones(app: FastAPI, client: TestClient) -> None:
    world = restricted.build(app, client)
    supervisor = staff(app, client, "supervisor", name="othersupervisor")
    for path, ref, missing in (
        ("/api/v1/people/", world.person, "PER-20000101-9999"),
        ("/api/v1/incidents/", world.incident, "INC-20000101-9999"),
        ("/api/v1/cases/", world.case, "CASE-20000101-9999"),
    ):
        hidden = client.get(path + ref, headers=supervisor.headers)
        absent = client.get(path + missing, headers=supervisor.headers)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.text.replace(ref, "REF") == absent.text.replace(missing, "REF")


def test_it_withholds_a_restricted_callers_name_on_the_incident_page(app: FastAPI, client: TestClient) -> None:
    world = restricted.build(app, client)
    handler = staff(app, client, "call_handler")
    page = client.get(f"/incidents/{world.open_incident}", headers={**handler.headers, "Accept": "text/html"})
    assert page.status_code == 200
    assert restricted.SURNAME not in page.text and world.person not in page.text
    assert "withheld" in page.text
    contacts = client.get(f"/api/v1/incidents/{world.open_incident}/contacts", headers=handler.headers).json()
    assert [c["caller_ref"] for c in contacts] == [None]
    incident = client.get(f"/api/v1/incidents/{world.open_incident}", headers=handler.headers).json()
    assert incident["people"] == []
    owner_page = client.get(f"/incidents/{world.open_incident}", headers={**world.owner.headers, "Accept": "text/html"})
    assert restricted.SURNAME in owner_page.text


def test_it_leaves_restricted_incidents_out_of_the_duplicates_list(app: FastAPI, client: TestClient) -> None:
    world = restricted.build(app, client)
    handler = staff(app, client, "call_handler")
    shown = client.get(f"/api/v1/incidents/{world.open_incident}/duplicates", headers=handler.headers)
    assert shown.status_code == 200 and world.incident not in shown.text
    owned = client.get(f"/api/v1/incidents/{world.open_incident}/duplicates", headers=world.owner.headers)
    assert world.incident in owned.text  # the two are duplicates: the owner is shown it


def test_it_does_not_name_a_restricted_keeper_on_a_vehicle_lookup(app: FastAPI, client: TestClient) -> None:
    world = restricted.build(app, client)
    officer = staff(app, client, "officer")
    seen = client.get(f"/api/v1/vehicles/{world.vrm}", headers=officer.headers)
    assert seen.status_code == 200 and seen.json()["keeper_ref"] is None
    owned = client.get(f"/api/v1/vehicles/{world.vrm}", headers=world.owner.headers)
    assert owned.json()["keeper_ref"] == world.person


def test_it_keeps_restricted_records_out_of_lists_searches_and_look_ups(app: FastAPI, client: TestClient) -> None:
    world = restricted.build(app, client)
    supervisor = staff(app, client, "supervisor", name="othersupervisor")
    h = supervisor.headers
    assert world.incident not in client.get("/api/v1/incidents", headers=h).text
    assert world.case not in client.get("/api/v1/cases", headers=h).text
    assert client.get("/api/v1/people", params={"q": restricted.SURNAME}, headers=h).json() == []
    lookup = client.get("/api/v1/contacts/lookup", params={"phone": restricted.PHONE}, headers=h)
    assert lookup.status_code == 200 and world.person not in lookup.text and world.incident not in lookup.text
    assert world.incident not in client.get("/api/v1/map/overlay", headers=h).text


def test_every_role_sees_the_live_stream_filtered_by_relation(app: FastAPI, client: TestClient) -> None:
    world = restricted.build(app, client)
    for role in ROLES:
        if not may_attempt(role, "events.subscribe"):
            continue
        member = staff(app, client, role, name=f"ev{role.replace('_', '')}")
        kind = "case" if role == "prosecutor" else "incident"
        shown = replay(app, member, kind)
        for word in (world.incident, world.case, restricted.CASE_TITLE):
            assert word not in shown, f"{role} was replayed {word}"


def test_it_does_not_name_the_restricted_incident_another_was_merged_into(app: FastAPI, client: TestClient) -> None:
    world = restricted.build(app, client)
    merged = client.post(
        f"/api/v1/incidents/{world.open_incident}/merge", headers=world.owner.headers, json={"into": world.incident}
    )
    assert merged.status_code == 200, merged.text
    dispatcher = staff(app, client, "dispatcher", name="dispatcher2")
    one = client.get(f"/api/v1/incidents/{world.open_incident}", headers=dispatcher.headers)
    assert one.status_code == 200 and one.json()["merged_into"] is None
    listed = client.get("/api/v1/incidents", headers=dispatcher.headers)
    page = client.get(f"/incidents/{world.open_incident}", headers=dispatcher.headers)
    assert world.incident not in listed.text and world.incident not in page.text
    owner_view = client.get(f"/api/v1/incidents/{world.open_incident}", headers=world.owner.headers).json()
    assert owner_view["merged_into"] == world.incident


def test_a_restricted_callers_number_shows_no_call_history(app: FastAPI, client: TestClient) -> None:
    world = restricted.build(app, client)
    handler = staff(app, client, "call_handler", name="handler2")
    seen = client.get("/api/v1/contacts/lookup", params={"phone": restricted.PHONE}, headers=handler.headers)
    assert seen.status_code == 200 and seen.json()["matches"] == [] and seen.json()["history"] == []
    owner = client.get("/api/v1/contacts/lookup", params={"phone": restricted.PHONE}, headers=world.owner.headers)
    assert owner.status_code == 200 and owner.json()["history"] != []
