"""schemathesis over ``/openapi.json``: no request makes the API fail with a 5xx and every documented response
matches its schema, on SQLite and on PostgreSQL, called as a broad role (supervisor) and as a call handler.

Examples are bounded and derandomised so a run is repeatable and fits in CI. The live event stream (it never
ends) and logout (it would revoke the token the run uses) are not fuzzed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, assume, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.core.result import Ok
from schemathesis.python import asgi as schemathesis_asgi

from peel.settings import Settings
from peel.web.app import create_app
from tests.conftest import BACKENDS, make_settings
from tests.support.databases import PostgresTemplates, SqliteTemplate
from tests.support.staff import Staff, staff

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("openapi-contract")]  # one worker builds each app once

ROLES = ("supervisor", "call_handler")
NOT_FUZZED = r"^/api/v1/(events/stream|auth/logout)$"
CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": list(HealthCheck),
}

# schemathesis found that a NUL character anywhere in the input (query, path or body) made PostgreSQL refuse the
# statement and the API answer 500. It is now refused with a 422 (middleware for the address, the DataError
# handler for bodies), so NUL inputs are fuzzed on both backends; set this to False to exclude them again.
NUL_REFUSED_ON_POSTGRESQL = True


@pytest.fixture(scope="module", params=BACKENDS)
def contract_settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: SqliteTemplate,
    pg_templates: PostgresTemplates | None,
) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield make_settings(sqlite_template.fresh(tmp_path_factory.mktemp("contract") / "peel.db"))
        return
    if pg_templates is None:
        pytest.skip("PostgreSQL is not available on this machine")
    name = pg_templates.fresh()
    yield make_settings(pg_templates.url_for(name))
    pg_templates.drop(name)


@pytest.fixture(scope="module")
def contract_app(contract_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(contract_settings)
    yield app
    # schemathesis keeps an ASGI app's lifespan running for the whole process; end it before the database goes.
    schemathesis_asgi.shutdown_lifespans()
    app.state.platform.engine.dispose()


@pytest.fixture(scope="module")
def callers(contract_app: FastAPI) -> dict[str, Staff]:
    """A supervisor and a call handler, plus a person and an incident so reads and lists return real shapes."""
    with TestClient(contract_app) as client:
        accounts = {role: staff(contract_app, client, role, name=f"contract_{role}") for role in ROLES}
        headers = accounts["supervisor"].headers
        location = {"address": "1 Parliament Street", "postcode": "SW1A 2NH", "lat": 51.5027, "lon": -0.1262}
        person = {"forenames": "Ada", "surname": "Example", "phones": ["020 7946 0000"], "address": location}
        assert client.post("/api/v1/people", json=person, headers=headers).status_code == 201
        incident = {"channel": "101", "category": "rtc", "summary": "Seed", "location": location, "team": "Team A"}
        assert client.post("/api/v1/incidents", json=incident, headers=headers).status_code == 201
    return accounts


def _documented_schema() -> schemathesis.BaseSchema:
    """The OpenAPI document, read at collection time from an app that never opens its database. The cases it
    generates are sent to the app under test (one per backend) at run time."""
    document = create_app(make_settings("sqlite:///:memory:")).openapi()
    schema = schemathesis.openapi.from_dict(document)
    schema.config.generation.update(deterministic=True)
    return schema.exclude(path_regex=NOT_FUZZED)


schema = _documented_schema()


def _contains_nul(value: object) -> bool:
    if isinstance(value, str | bytes):
        return ("\x00" if isinstance(value, str) else b"\x00") in value  # type: ignore[operator]
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(item) for item in value)
    return False


def _skip_known_nul_failure(case: schemathesis.Case, settings_: Settings) -> None:
    if not settings_.is_sqlite and not NUL_REFUSED_ON_POSTGRESQL:
        assume(not _contains_nul([case.path_parameters, case.query, case.headers, case.cookies, case.body]))


@schema.parametrize()
@settings(max_examples=15, **FUZZ)  # type: ignore[arg-type]
def test_a_supervisor_gets_no_server_error_and_only_documented_responses(
    case: schemathesis.Case, contract_app: FastAPI, contract_settings: Settings, callers: dict[str, Staff]
) -> None:
    _skip_known_nul_failure(case, contract_settings)
    case.call_and_validate(app=contract_app, headers=callers["supervisor"].headers, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=8, **FUZZ)  # type: ignore[arg-type]
def test_a_call_handler_gets_no_server_error_and_only_documented_responses(
    case: schemathesis.Case, contract_app: FastAPI, contract_settings: Settings, callers: dict[str, Staff]
) -> None:
    _skip_known_nul_failure(case, contract_settings)
    case.call_and_validate(app=contract_app, headers=callers["call_handler"].headers, checks=CHECKS)


def test_only_the_event_stream_and_logout_are_left_out() -> None:
    operations = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in operations), "the OpenAPI document has invalid operations"
    fuzzed = {result.ok().path for result in operations if isinstance(result, Ok)}
    documented = set(create_app(make_settings("sqlite:///:memory:")).openapi()["paths"])
    assert documented - fuzzed == {"/api/v1/events/stream", "/api/v1/auth/logout"}


def test_a_rejected_body_is_answered_as_documented(contract_app: FastAPI, callers: dict[str, Staff]) -> None:
    operation = schema["/api/v1/incidents"]["POST"]
    case = operation.Case(body={"channel": "999"}, media_type="application/json")
    response = case.call(app=contract_app, headers=callers["supervisor"].headers)
    assert response.status_code == 422
    case.validate_response(response, checks=[content_type_conformance, response_schema_conformance])


NUL_PROBES = [
    ("GET", "/api/v1/people?q=a%00b", None),
    ("GET", "/api/v1/incidents/INC%00X", None),
    ("GET", "/api/v1/people/P%00X", None),
    ("GET", "/api/v1/locations/L%00X", None),
    ("GET", "/api/v1/cases/C%00X", None),
    ("POST", "/api/v1/units/A%00B/status", {"status": "available"}),
    ("POST", "/api/v1/incidents", {"channel": "999", "category": "rtc", "summary": "a\x00b"}),
    ("POST", "/api/v1/people", {"forenames": "A\x00", "surname": "B"}),
    ("POST", "/api/v1/locations", {"address": "1 A\x00 Street", "lat": 51.5, "lon": -0.13}),
    ("POST", "/api/v1/cases", {"title": "x\x00", "summary": "y"}),
]


@pytest.fixture
def nul_bug(request: pytest.FixtureRequest, backend: str) -> None:
    if backend == "postgresql" and not NUL_REFUSED_ON_POSTGRESQL:
        reason = "PostgreSQL refuses text containing NUL and the API answers 500 instead of 422"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.usefixtures("nul_bug")
def test_a_nul_character_is_refused_not_a_server_error(app: FastAPI) -> None:
    server_errors = []
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = staff(app, client, "supervisor").headers
        for method, url, body in NUL_PROBES:
            response = client.request(method, url, json=body, headers=headers)
            if response.status_code >= 500:
                server_errors.append(f"{method} {url} {body!r} -> {response.status_code}")
        token = client.post("/api/v1/auth/token", data={"username": "a\x00b", "password": "wrong-password"})
        if token.status_code >= 500:
            server_errors.append(f"POST /api/v1/auth/token username 'a\\x00b' -> {token.status_code}")
    assert server_errors == []
