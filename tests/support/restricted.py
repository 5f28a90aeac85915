"""A small world with one restricted person, incident and case, and the open records around them.

Built over the API by an ``owner`` (a supervisor, who is granted each restricted record by creating it), so every
row is made the way the product makes it. The distinctive strings are what a leak would show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.events.models import OutboxEvent
from tests.support.staff import Staff, platform_of, staff

SURNAME, FORENAMES = "Quillfeather", "Isolde"
HOME = "17 Nightjar Mews"
PHONE = "07700 900123"
CASE_TITLE = "Operation Kestrelwing"
SECRET_SUMMARY = "Bramblewick collision reported by a protected witness"
VRM = "QF24NJX"
WHITEHALL = {"address": "Whitehall by the Cenotaph", "lat": 51.5030, "lon": -0.1265}


@dataclass(frozen=True)
class World:
    owner: Staff
    person: str  # the restricted person's ref
    home: str  # the ref of their home address (a location)
    incident: str  # the restricted incident
    case: str  # the restricted case
    open_incident: str  # an ordinary incident next to the restricted one, whose caller is the restricted person
    open_case: str
    vrm: str

    @property
    def words(self) -> tuple[str, ...]:
        """Strings no unentitled response may contain, whatever was asked."""
        return (SURNAME, HOME, CASE_TITLE, "Bramblewick")

    @property
    def refs(self) -> tuple[str, ...]:
        """Refs no unentitled response may contain unless the request named them."""
        return (self.person, self.home, self.incident, self.case)


def _ok(response: object, status: int = 201) -> dict[str, object]:
    code = getattr(response, "status_code", 0)
    assert code == status, getattr(response, "text", "")
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    return body


def build(app: FastAPI, client: TestClient) -> World:
    owner = staff(app, client, "supervisor", team="Team A", name="owner")
    h = owner.headers
    person = _ok(
        client.post(
            "/api/v1/people",
            headers=h,
            json={
                "forenames": FORENAMES,
                "surname": SURNAME,
                "date_of_birth": "1984-03-02",
                "phones": [PHONE],
                "address": {"address": HOME, "postcode": "SW1A 2AA", "lat": 51.5033, "lon": -0.1276},
                "restricted": True,
            },
        )
    )
    _ok(client.post("/api/v1/vehicles", headers=h, json={"vrm": VRM, "keeper_ref": person["ref"]}))
    rtc = {"channel": "999", "category": "rtc", "team": "Team A", "location": WHITEHALL}
    public = _ok(client.post("/api/v1/incidents", headers=h, json={**rtc, "summary": "Two cars collided"}))
    secret = _ok(
        client.post("/api/v1/incidents", headers=h, json={**rtc, "summary": SECRET_SUMMARY, "restricted": True})
    )
    _ok(
        client.post(
            "/api/v1/contacts",
            headers=h,
            json={
                "channel": "999",
                "caller": {"phone": PHONE, "forenames": FORENAMES, "surname": SURNAME},
                "text": "Two cars have collided",
                "category": "rtc",
                "person_ref": person["ref"],
                "join_incident_ref": public["ref"],
            },
        )
    )
    case = _ok(client.post("/api/v1/cases", headers=h, json={"title": CASE_TITLE, "restricted": True}))
    open_case = _ok(client.post("/api/v1/cases", headers=h, json={"title": "Bike theft"}))
    addresses = person["addresses"]
    assert isinstance(addresses, list)
    published(app)
    return World(
        owner=owner,
        person=str(person["ref"]),
        home=str(addresses[0]["ref"]),
        incident=str(secret["ref"]),
        case=str(case["ref"]),
        open_incident=str(public["ref"]),
        open_case=str(open_case["ref"]),
        vrm=VRM,
    )


def published(app: FastAPI) -> None:
    """Wait until the relay has published every committed event (replay serves published events only)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with platform_of(app).sessions() as session:
            pending = session.execute(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
            ).scalar_one()
        if pending == 0:
            return
        time.sleep(0.02)
    raise AssertionError("the relay did not publish the events")
