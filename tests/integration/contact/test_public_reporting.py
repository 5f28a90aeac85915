"""Public reporting without login: online reports with a receipt and status page, anonymous tips, abuse limits."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.contact.models import Contact
from peel.settings import Settings
from peel.web.app import create_app
from tests.support.staff import platform_of, staff

REPORT = {
    "category": "criminal_damage",
    "description": "Someone smashed the bus shelter glass on the corner",
    "address": "Bus shelter, Whitehall",
    "postcode": "SW1A 2AA",
    "lat": "51.5040",
    "lon": "-0.1265",
    "name": "Pat Public",
    "contact_details": "pat@example.org",
}


def contacts(app: FastAPI) -> int:
    with platform_of(app).sessions() as session:
        return int(session.execute(select(func.count()).select_from(Contact)).scalar_one())


def report(client: TestClient, **overrides: str) -> tuple[int, str]:
    response = client.post("/report", data={**REPORT, **overrides})
    return response.status_code, response.text


def test_an_online_report_gets_a_receipt_and_a_status_page_the_reporter_can_add_to(
    app: FastAPI, client: TestClient
) -> None:
    status, page = report(client)
    assert status == 200
    receipt = re.search(r'id="receipt">(RPT-[A-Z0-9]{8})<', page)
    link = re.search(r'id="status-link" href="(/report/status/[^"]+)"', page)
    assert receipt and link
    status_page = client.get(link.group(1))
    assert status_page.status_code == 200 and receipt.group(1) in status_page.text
    assert "Received, waiting to be reviewed" in status_page.text
    added = client.post(link.group(1), data={"text": "I have a photo of the person who did it"})
    assert added.status_code == 200 and "I have a photo of the person who did it" in added.text
    handler = staff(app, client, "call_handler")
    with platform_of(app).sessions() as session:
        ref = session.execute(select(Contact.incident_id)).scalar_one()
        from peel.incidents.models import Incident

        incident_ref = session.get(Incident, ref).ref  # type: ignore[union-attr]
    client.post(
        f"/api/v1/incidents/{incident_ref}/updates",
        headers=handler.headers,
        json={"text": "An officer will visit the shelter tomorrow."},
    )
    assert "An officer will visit the shelter tomorrow." in client.get(link.group(1)).text
    assert client.get("/report/status/not-a-real-token").status_code == 404


def test_a_second_report_of_the_same_event_is_proposed_as_a_duplicate(app: FastAPI, client: TestClient) -> None:
    report(client)
    report(client, description="The glass of the bus shelter has been smashed", lat="51.5041")
    handler = staff(app, client, "call_handler")
    incidents = client.get("/api/v1/incidents", headers=handler.headers).json()
    newest, older = incidents[0]["ref"], incidents[1]["ref"]
    proposed = client.get(f"/api/v1/incidents/{newest}/duplicates", headers=handler.headers).json()
    assert [d["incident_ref"] for d in proposed] == [older]


def test_an_anonymous_tip_can_blur_place_and_time(app: FastAPI, client: TestClient) -> None:
    response = client.post(
        "/tip",
        data={
            "category": "drugs",
            "description": "Dealing from a blue car every night",
            "lat": "51.51234",
            "lon": "-0.13456",
            "coarsen": "yes",
        },
    )
    assert response.status_code == 200 and "RPT-" in response.text
    with platform_of(app).sessions() as session:
        tip = session.execute(select(Contact)).scalar_one()
    assert tip.channel == "anonymous" and tip.coarsened and tip.caller_name == ""
    assert (tip.lat, tip.lon) != (51.51234, -0.13456)
    assert abs(tip.lat - 51.51234) < 0.005 and abs(tip.lon + 0.13456) < 0.008  # type: ignore[operator]
    assert tip.received_at.minute == 0 and tip.received_at.second == 0


def test_bad_public_input_gets_a_clear_4xx_stores_nothing_and_echoes_nothing(app: FastAPI, client: TestClient) -> None:
    cases = [
        {"category": "alien_abduction"},
        {"description": "x" * 4001},
        {"description": "<b></b>   "},
        {"lat": "123", "lon": "0"},
    ]
    for overrides in cases:
        status, page = report(client, **overrides)
        assert status == 422, overrides
        assert "pat@example.org" not in page and "Pat Public" not in page
    assert contacts(app) == 0


def test_html_is_stripped_from_what_the_public_sends(app: FastAPI, client: TestClient) -> None:
    report(client, description="<script>alert(1)</script>Window <b>broken</b> at the shop")
    with platform_of(app).sessions() as session:
        text = session.execute(select(Contact.text)).scalar_one()
    assert "<" not in text and "alert" not in text and "Window broken at the shop" in text


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(app: FastAPI, client: TestClient) -> None:
    status, page = report(client, website="http://spam.example")
    assert status == 200 and "Thank you" in page
    assert contacts(app) == 0


def test_a_flood_of_posts_is_refused_with_retry_after(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"public_reports_per_minute": 3}))
    with TestClient(app) as client:
        statuses = [client.post("/report", data=REPORT).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        refused = client.post("/report", data=REPORT, headers={"Accept": "text/html"})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert contacts(app) == 3
