"""The Open311 GeoReport v2 server: specified paths and field names, form-encoded POST, XML and JSON."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.contact.models import Contact
from tests.support.staff import platform_of

NOISE = {
    "service_code": "noise",
    "lat": "51.5130",
    "long": "-0.1320",
    "description": "Loud music every night",
    "attribute[ONGOING]": "yes",
    "first_name": "Sam",
    "last_name": "Resident",
    "email": "sam@example.org",
}


def stored(app: FastAPI) -> int:
    with platform_of(app).sessions() as session:
        return int(session.execute(select(func.count()).select_from(Contact)).scalar_one())


def test_discovery_and_the_service_list_in_both_formats(client: TestClient) -> None:
    services = client.get("/open311/v2/services.json").json()
    codes = {s["service_code"] for s in services}
    assert {"noise", "abandoned_vehicle", "asb"} <= codes
    assert set(services[0]) >= {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code") is not None
    discovery = client.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2/")
    assert client.get("/open311/v2/services.csv").status_code == 422


def test_a_service_definition_lists_its_attributes(client: TestClient) -> None:
    definition = client.get("/open311/v2/services/noise.json").json()
    assert definition["service_code"] == "noise"
    assert any(a["code"] == "ONGOING" and a["required"] for a in definition["attributes"])
    root = ET.fromstring(client.get("/open311/v2/services/noise.xml").content)
    assert root.tag == "service_definition" and root.find("attributes/attribute/code") is not None
    missing = client.get("/open311/v2/services/unicorns.xml")
    assert missing.status_code == 404 and ET.fromstring(missing.content).tag == "errors"


def test_a_form_encoded_request_is_created_and_can_be_looked_up(app: FastAPI, client: TestClient) -> None:
    created = client.post("/open311/v2/requests.json", data=NOISE)
    assert created.status_code == 200, created.text
    body = created.json()
    assert isinstance(body, list) and body[0]["service_request_id"].startswith("RPT-")
    request_id = body[0]["service_request_id"]
    one = client.get(f"/open311/v2/requests/{request_id}.json").json()
    assert one[0]["service_request_id"] == request_id and one[0]["status"] == "open"
    assert one[0]["service_code"] == "noise"
    assert "description" not in one[0] or not one[0]["description"], "listings never carry what was reported"
    xml = ET.fromstring(client.get(f"/open311/v2/requests/{request_id}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text == request_id  # type: ignore[union-attr]
    listing = client.get("/open311/v2/requests.json", params={"service_code": "noise"}).json()
    assert [r["service_request_id"] for r in listing] == [request_id]
    assert stored(app) == 1


def test_bad_requests_get_open311_errors_and_store_nothing(app: FastAPI, client: TestClient) -> None:
    unknown = client.post("/open311/v2/requests.xml", data={**NOISE, "service_code": "unicorns"})
    assert unknown.status_code == 404 and ET.fromstring(unknown.content).tag == "errors"
    no_place = {k: v for k, v in NOISE.items() if k not in ("lat", "long")}
    assert client.post("/open311/v2/requests.json", data=no_place).status_code == 400
    bad_coordinates = client.post("/open311/v2/requests.json", data={**NOISE, "lat": "95"})
    assert bad_coordinates.status_code == 400
    errors = bad_coordinates.json()
    assert all(set(e) == {"code", "description"} for e in errors)
    too_long = client.post("/open311/v2/requests.json", data={**NOISE, "description": "y" * 4001})
    assert too_long.status_code == 400 and "sam@example.org" not in too_long.text
    assert stored(app) == 0
    assert client.get("/open311/v2/tokens/abc.json").status_code == 404
