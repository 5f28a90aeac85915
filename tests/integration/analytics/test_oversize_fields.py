"""A field too long to store is bad input (422, the field or line named), never a server error."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from peel.analytics.models import CrimeDataset
from tests.integration.analytics.workspace_support import crime_csv, upload
from tests.support.staff import platform_of, staff


def test_it_refuses_a_csv_field_longer_than_the_reader_allows_with_a_422(app: FastAPI, client: TestClient) -> None:
    analyst = staff(app, client, "analyst")
    text = crime_csv(n=5).rstrip("\n") + '\nR9,2026-01-01T10:00:00Z,"' + "x" * 140_000 + '",-0.13,51.5,reported\n'
    response = upload(client, analyst.headers, text)
    assert response.status_code == 422, response.text
    assert "line" in response.json()["detail"] and "too long" in response.json()["detail"]
    with platform_of(app).sessions() as session:
        assert session.execute(select(func.count()).select_from(CrimeDataset)).scalar_one() == 0


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_it_names_the_field_the_database_found_too_long(app: FastAPI) -> None:
    # SQLite does not enforce lengths (the request schemas do, for both); PostgreSQL refuses with a DataError.
    from peel.core.clock import utcnow
    from peel.db.uow import Actor
    from peel.workforce.models import Team

    def endpoint() -> dict[str, str]:
        with platform_of(app).uow(Actor.system("test")) as uow:
            uow.session.add(Team(name="T" * 81, kind="response"))
            uow.audit("team.create", "team", "x", detail=str(utcnow()))
            uow.commit()
        return {}

    app.add_api_route("/api/v1/test/long", endpoint, methods=["POST"])
    response = TestClient(app, raise_server_exceptions=False).post("/api/v1/test/long")
    assert response.status_code == 422, response.text
    assert "name is too long for a team (at most 80 characters)" in response.json()["detail"]
    with platform_of(app).sessions() as session:
        assert session.execute(select(func.count()).select_from(Team)).scalar_one() == 0
