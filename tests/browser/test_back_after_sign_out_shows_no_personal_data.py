"""A call handler opens a person with a mental-health marker and signs out; pressing Back must not bring the
person's page back out of the browser's cache, it must ask the server, which sends them to sign in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peel.demo.accounts import DEMO_PASSWORD
from tests.browser.ui import sign_in
from tests.e2e.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one demo server, one Chromium

PERSON = {
    "forenames": "Quentin",
    "surname": "Backbutton",
    "markers": [{"kind": "vulnerability", "code": "mental_health", "note": "crisis history"}],
}


def test_back_after_sign_out_does_not_show_the_person_page(desktop: Page, demo_server: LiveServer) -> None:
    page = desktop
    sign_in(page, demo_server.url, "handler", DEMO_PASSWORD)
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content") or ""
    made = page.request.post(f"{demo_server.url}/api/v1/people", data=PERSON, headers={"X-CSRF-Token": csrf})
    assert made.status == 201, made.text()
    ref = made.json()["ref"]

    page.goto(f"{demo_server.url}/people/{ref}")
    expect(page.locator("h1")).to_contain_text("BACKBUTTON")
    expect(page.locator(".marker.vulnerability")).to_have_text("mental health")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    page.go_back()
    page.wait_for_load_state()
    assert "Backbutton".lower() not in page.content().lower(), "the person's page came back from the cache"
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
