"""A form-encoded POST requests is validated as GeoReport v2 says, reporting every problem without echoing data."""

from __future__ import annotations

import pytest

from peel.contact.open311 import DEFAULT_SERVICES, Attribute, Open311Error, Service, parse_request_form
from peel.core.errors import InvalidInput
from peel.incidents.categories import CATEGORIES

Form = dict[str, str | list[str]]
GOOD: Form = {
    "service_code": "asb",
    "lat": "51.5131",
    "long": "-0.1589",
    "attribute[ONGOING]": "yes",
    "attribute[KIND][]": ["rowdy", "drinking"],
    "description": "<b>Youths</b> shouting &amp; drinking",
}


def problems(form: Form, code: int = 400) -> list[str]:
    with pytest.raises(Open311Error) as caught:
        parse_request_form(form, DEFAULT_SERVICES)
    assert caught.value.status == code
    return [p.description for p in caught.value.problems]


def test_a_good_request_is_accepted_with_clean_text_and_answers() -> None:
    request = parse_request_form(GOOD, DEFAULT_SERVICES)
    assert request.service_code == "asb"
    assert (request.lat, request.long) == (51.5131, -0.1589)
    assert request.description == "Youths shouting & drinking"
    assert request.attributes == {"ONGOING": ("yes",), "KIND": ("rowdy", "drinking")}


def test_services_can_be_given_as_a_mapping_by_code() -> None:
    catalogue = {s.service_code: s for s in DEFAULT_SERVICES}
    assert parse_request_form(GOOD, catalogue).service.category == "asb"


def test_blank_optional_fields_count_as_not_given() -> None:
    request = parse_request_form({**GOOD, "email": "", "phone": " ", "address_id": ""}, DEFAULT_SERVICES)
    assert (request.email, request.phone, request.address_id) == (None, None, None)


def test_the_service_code_is_required() -> None:
    assert "service_code is required" in problems({k: v for k, v in GOOD.items() if k != "service_code"})


def test_an_unknown_service_code_is_not_found() -> None:
    found = problems({**GOOD, "service_code": "unicorns"}, code=404)
    assert found == ["service_code is not a known service (see services.json)"]


def test_a_location_is_required() -> None:
    form = {k: v for k, v in GOOD.items() if k not in ("lat", "long")}
    assert problems(form) == ["a location is required: lat and long, address_string or address_id"]


@pytest.mark.parametrize("where", [{"address_string": "10 Test Street"}, {"address_id": "UPRN-100023336956"}])
def test_an_address_string_or_id_is_location_enough(where: dict[str, str]) -> None:
    form = {**{k: v for k, v in GOOD.items() if k not in ("lat", "long")}, **where}
    request = parse_request_form(form, DEFAULT_SERVICES)
    assert request.lat is None and (request.address_string or request.address_id)


def test_lat_without_long_is_refused() -> None:
    form = {k: v for k, v in GOOD.items() if k != "long"}
    assert problems(form) == ["lat and long must be given together"]


@pytest.mark.parametrize(("name", "value"), [("lat", "91"), ("lat", "nan"), ("long", "-180.5"), ("long", "west")])
def test_coordinates_out_of_range_are_refused(name: str, value: str) -> None:
    assert any(p.startswith(f"{name} must be a number") for p in problems({**GOOD, name: value}))


def test_a_required_attribute_must_be_answered() -> None:
    form = {k: v for k, v in GOOD.items() if k != "attribute[ONGOING]"}
    assert problems(form) == ["attribute ONGOING is required (Is it happening now?)"]


def test_a_list_answer_must_be_one_of_its_keys() -> None:
    assert problems({**GOOD, "attribute[ONGOING]": "maybe"}) == ["attribute ONGOING must be one of its listed keys"]


def test_a_single_value_list_takes_one_value() -> None:
    assert problems({**GOOD, "attribute[ONGOING]": ["yes", "no"]}) == ["attribute ONGOING takes one value"]


def test_attributes_not_in_the_definition_are_counted_not_repeated() -> None:
    found = problems({**GOOD, "attribute[JohnSmith07700900123]": "x", "attribute[SAFETY]": "y"})
    assert found == ["2 attribute(s) not in the definition of asb"]


def test_number_and_datetime_attributes_are_checked() -> None:
    form = {"service_code": "lost_property", "address_string": "Park", "attribute[ITEM]": "wallet"}
    assert parse_request_form({**form, "attribute[WHEN]": "2026-11-22T14:00Z"}, DEFAULT_SERVICES).attributes[
        "WHEN"
    ] == ("2026-11-22T14:00:00+00:00",)
    assert problems({**form, "attribute[WHEN]": "last tuesday"}) == ["attribute WHEN must be an ISO 8601 date and time"]


def test_a_description_over_4000_characters_is_refused_without_echoing_it() -> None:
    found = problems({**GOOD, "description": "private " * 600})
    assert found == ["description is longer than 4000 characters or is not plain text"]


def test_markup_does_not_count_against_the_description_limit() -> None:
    request = parse_request_form({**GOOD, "description": "<p>" + "x" * 3999 + "</p>"}, DEFAULT_SERVICES)
    assert len(request.description) == 3999


def test_contact_details_are_validated_without_echoing_them() -> None:
    found = problems({**GOOD, "email": "not-an-email", "phone": "12", "media_url": "javascript:alert(1)"})
    assert found == [
        "email is not an email address",
        "phone is not a telephone number",
        "media_url must be an http or https URL of at most 2048 characters",
    ]
    assert not any("not-an-email" in p or "javascript" in p for p in found)


def test_contact_details_are_kept_and_the_phone_normalised() -> None:
    form = {**GOOD, "email": "a@example.org", "phone": "07700 900123", "first_name": " Ann ", "last_name": "Lee"}
    request = parse_request_form(form, DEFAULT_SERVICES)
    assert (request.email, request.phone, request.first_name, request.last_name) == (
        "a@example.org",
        "+447700900123",
        "Ann",
        "Lee",
    )


def test_every_problem_is_reported_at_once() -> None:
    found = problems({"service_code": "asb", "lat": "100", "long": "0", "email": "x"})
    assert len(found) == 4  # lat range, ONGOING required, KIND required, email


def test_a_different_jurisdiction_is_not_found_when_one_is_served() -> None:
    with pytest.raises(Open311Error) as caught:
        parse_request_form({**GOOD, "jurisdiction_id": "elsewhere"}, DEFAULT_SERVICES, jurisdiction_id="peel")
    assert caught.value.status == 404
    assert parse_request_form({**GOOD, "jurisdiction_id": "peel"}, DEFAULT_SERVICES, jurisdiction_id="peel")


def test_every_default_service_maps_to_an_incident_category() -> None:
    assert all(s.category in CATEGORIES for s in DEFAULT_SERVICES)


def test_default_service_codes_are_unique_and_url_safe() -> None:
    codes = [s.service_code for s in DEFAULT_SERVICES]
    assert len(codes) == len(set(codes))
    assert all(code.replace("_", "").isalnum() for code in codes)


def test_every_default_service_for_a_possible_crime_reminds_people_that_emergencies_go_to_999() -> None:
    for service in DEFAULT_SERVICES:
        if service.service_code != "lost_property":
            assert "999" in (service.service_notice or ""), service.service_code


def test_attribute_orders_must_be_positive_and_distinct() -> None:
    with pytest.raises(InvalidInput):
        Service("x", "X", "x", "g", attributes=(Attribute("A", "a", order=1), Attribute("B", "b", order=1)))
    with pytest.raises(InvalidInput):
        Service("x", "X", "x", "g", attributes=(Attribute("A", "a", order=0),))
