"""A domain event raised in one server process reaches a live page served by another (PostgreSQL + Redis), and,
with one process on SQLite, the in-process bus delivers it to the page too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from peel.demo.accounts import DEMO_PASSWORD
from tests.browser.ui import screenshot, sign_in
from tests.conftest import make_settings
from tests.e2e.live_server import LiveServer, add_account, bearer_token, running_server
from tests.support.databases import PostgresTemplates
from tests.support.staff import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one demo server, one Chromium

DELIVERY_SECONDS = 10


def open_incident(server: LiveServer, token: str, summary: str) -> str:
    body = {
        "channel": "999",
        "category": "rtc",
        "summary": summary,
        "location": {"address": "Trafalgar Square, London", "lat": 51.508, "lon": -0.128},
    }
    response = httpx.post(
        f"{server.url}/api/v1/incidents", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 201, response.text
    ref: str = response.json()["ref"]
    return ref


def watch_live_feed(page: Page, server: LiveServer, username: str, password: str) -> None:
    sign_in(page, server.url, username, password)
    expect(page.locator("#live-state")).to_have_attribute("data-state", "connected")


@pytest.fixture
def shared_postgres_url(pg_templates: PostgresTemplates | None) -> Iterator[str]:
    if pg_templates is None:
        pytest.skip("PostgreSQL is not available on this machine")
    name = pg_templates.fresh()
    yield pg_templates.url_for(name)
    pg_templates.drop(name)


def test_an_incident_opened_on_one_process_appears_on_a_page_served_by_another(
    desktop: Page, shared_postgres_url: str, redis_url: str | None, tmp_path: Path
) -> None:
    if redis_url is None:
        pytest.skip("Redis is not available on this machine")
    settings = make_settings(shared_postgres_url, redis_url=redis_url)
    add_account(settings, "dispatcher", "dispatcher", "Control Room")
    add_account(settings, "handler", "call_handler", "Control Room")
    with running_server(settings, tmp_path, "a") as a, running_server(settings, tmp_path, "b") as b:
        watch_live_feed(desktop, a, "dispatcher", PASSWORD)

        ref = open_incident(b, bearer_token(b.url, "handler", PASSWORD), "Raised on process B")

        expect(desktop.locator("#live-feed")).to_contain_text(ref, timeout=DELIVERY_SECONDS * 1000)
        screenshot(desktop, "live-feed-across-processes")


def test_an_incident_opened_through_the_api_appears_on_the_live_page_of_the_same_process(
    desktop: Page, demo_server: LiveServer
) -> None:
    watch_live_feed(desktop, demo_server, "dispatcher", DEMO_PASSWORD)

    token = bearer_token(demo_server.url, "handler", DEMO_PASSWORD)
    ref = open_incident(demo_server, token, "Raised in the same process")

    expect(desktop.locator("#live-feed li").first).to_contain_text(ref, timeout=DELIVERY_SECONDS * 1000)
