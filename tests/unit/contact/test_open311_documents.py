"""Open311 GeoReport v2 documents in JSON and XML, with the specification's element and field names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

import pytest

from peel.contact.open311 import (
    DEFAULT_SERVICES,
    Discovery,
    Endpoint,
    ErrorList,
    Open311Error,
    PostResponse,
    Problem,
    RequestList,
    ServiceDefinition,
    ServiceList,
    ServiceRequest,
    TokenResponse,
    iso,
    service_by_code,
    to_json,
    to_xml,
)

REQUESTED = datetime(2026, 11, 22, 14, 5, tzinfo=UTC)
REQUEST = ServiceRequest(
    service_request_id="INC-20261122-0042",
    status="open",
    service_code="asb",
    service_name="Anti-social behaviour",
    requested_datetime=REQUESTED,
    updated_datetime=REQUESTED + timedelta(hours=1),
    description="Youths & <noise> outside",
    agency_responsible="Peel Demonstration Constabulary",
    address="High Street",
    lat=51.5131,
    long=-0.1589,
)
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]  # fmt: skip


def parse(xml: str) -> ET.Element:
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(xml.split("\n", 1)[1])


def test_the_service_list_in_json_has_the_specification_fields() -> None:
    body = to_json(ServiceList(DEFAULT_SERVICES))
    assert isinstance(body, list)
    assert set(body[0]) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert body[0]["metadata"] is True and body[0]["type"] == "realtime"
    assert body[0]["keywords"] == "car, dumped, untaxed"


def test_the_service_list_in_xml_is_services_of_service() -> None:
    root = parse(to_xml(ServiceList(DEFAULT_SERVICES)))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == [s.service_code for s in DEFAULT_SERVICES]
    assert root.find("service/metadata").text == "true"  # type: ignore[union-attr]


def test_a_service_definition_lists_attributes_in_order_with_values_for_lists() -> None:
    service = service_by_code("asb")
    assert service is not None
    body = to_json(ServiceDefinition(service))
    assert isinstance(body, dict)
    assert body["service_code"] == "asb"
    attributes = body["attributes"]
    assert [a["order"] for a in attributes] == sorted(a["order"] for a in attributes)
    kind = next(a for a in attributes if a["code"] == "KIND")
    assert kind["datatype"] == "multivaluelist" and kind["required"] is True and kind["variable"] is True
    assert {"key": "rowdy", "name": "Rowdy or inconsiderate behaviour"} in kind["values"]
    assert set(kind) == {
        "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"
    }  # fmt: skip


def test_a_service_definition_in_xml_nests_attributes_and_values() -> None:
    service = service_by_code("asb")
    assert service is not None
    root = parse(to_xml(ServiceDefinition(service)))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "asb"
    keys = [v.text for v in root.findall("attributes/attribute[code='KIND']/values/value/key")]
    assert keys == ["rowdy", "neighbours", "drinking", "vehicles", "other"]
    assert root.findtext("attributes/attribute[code='SAFETY']/variable") == "false"


def test_requests_in_json_carry_every_specification_field() -> None:
    body = to_json(RequestList((REQUEST,)))
    assert isinstance(body, list)
    assert list(body[0]) == REQUEST_FIELDS
    assert body[0]["requested_datetime"] == "2026-11-22T14:05:00+00:00"
    assert body[0]["expected_datetime"] is None
    assert body[0]["lat"] == 51.5131


def test_requests_in_xml_escape_text_and_leave_missing_values_empty() -> None:
    xml = to_xml(RequestList((REQUEST,)))
    assert "Youths &amp; &lt;noise&gt; outside" in xml
    root = parse(xml)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("description") == "Youths & <noise> outside"
    assert request.findtext("media_url") == ""
    assert request.findtext("long") == "-0.1589"


def test_characters_xml_cannot_carry_are_dropped_rather_than_breaking_the_document() -> None:
    odd = ServiceRequest("1", "open", "asb", "ASB", REQUESTED, description="bell\x07 and nul\x00")
    assert parse(to_xml(RequestList((odd,)))).findtext("request/description") == "bell and nul"


def test_an_empty_request_list_is_an_empty_service_requests_element() -> None:
    assert to_json(RequestList(())) == []
    assert parse(to_xml(RequestList(()))).tag == "service_requests"


def test_datetimes_keep_their_offset() -> None:
    bst = timezone(timedelta(hours=1))
    assert iso(datetime(2026, 7, 1, 14, 0, tzinfo=bst)) == "2026-07-01T14:00:00+01:00"
    assert iso(datetime(2026, 7, 1, 14, 0)) == "2026-07-01T14:00:00+00:00"


def test_a_post_response_gives_the_request_id_notice_and_account() -> None:
    response = PostResponse("INC-1", service_notice="Thank you.")
    assert to_json(response) == [{"service_request_id": "INC-1", "service_notice": "Thank you.", "account_id": None}]
    request = parse(to_xml(response)).find("request")
    assert request is not None
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]


def test_a_batch_post_response_gives_only_a_token() -> None:
    assert to_json(PostResponse(token="tok-1")) == [{"token": "tok-1"}]
    assert parse(to_xml(PostResponse(token="tok-1"))).findtext("request/token") == "tok-1"


def test_a_token_lookup_gives_the_request_id_and_token() -> None:
    assert to_json(TokenResponse("tok-1", "INC-1")) == [{"service_request_id": "INC-1", "token": "tok-1"}]
    root = parse(to_xml(TokenResponse("tok-1", "INC-1")))
    assert (root.tag, root.findtext("request/service_request_id")) == ("service_requests", "INC-1")


def test_errors_are_a_list_of_code_and_description() -> None:
    errors = ErrorList((Problem(400, "service_code is required"), Problem(404, "no such request")))
    assert to_json(errors) == [
        {"code": 400, "description": "service_code is required"},
        {"code": 404, "description": "no such request"},
    ]
    root = parse(to_xml(errors))
    assert root.tag == "errors"
    assert [e.findtext("code") for e in root.findall("error")] == ["400", "404"]


def test_an_open311_error_renders_as_errors() -> None:
    error = Open311Error([Problem(400, "lat must be a number from -90 to 90")])
    assert error.status == 400
    assert parse(to_xml(error)).findtext("error/description") == "lat must be a number from -90 to 90"


def test_discovery_lists_endpoints_and_formats() -> None:
    changed = datetime(2026, 11, 1, tzinfo=UTC)
    endpoint = Endpoint("https://x/open311/v2", changed)
    doc = Discovery(changed, "101 or peel@example.org", "Keys are not needed", (endpoint,))
    body = to_json(doc)
    assert isinstance(body, dict)
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = parse(to_xml(doc))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_something_that_is_not_a_document_is_refused() -> None:
    with pytest.raises(TypeError):
        to_json("services")  # type: ignore[arg-type]


def test_every_public_open311_name_is_importable() -> None:
    import peel.contact.open311 as open311

    assert [name for name in open311.__all__ if not hasattr(open311, name)] == []
