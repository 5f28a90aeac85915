"""Every page each demo role can reach works under the strict Content-Security-Policy: the browser reports no
blocked script, style or connection and no script error, and the pages' scripts did their work (maps drawn, the
console's counter filled in)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peel.demo.accounts import DEMO_PASSWORD, demo_accounts
from tests.browser.csp import policy_console_errors, violations, watch
from tests.browser.test_every_demo_login_works import expected_nav
from tests.browser.ui import screenshot, sign_in
from tests.e2e.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one demo server, one Chromium

ACCOUNTS = [pytest.param(username, role, id=role) for username, _name, role, _team in demo_accounts()]
SHOWN = {"/map", "/contact/console", "/analytics"}  # screenshots to look at: the pages with the most script


def _settle(page: Page, href: str) -> None:
    """Wait until the page's own script has run, where it has one that leaves a mark."""
    if page.locator("#map").count():
        expect(page.locator("#map")).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=30_000)
    if href == "/contact/console":
        expect(page.locator("#averted-count")).to_have_text(re.compile(r"^\d+$"))
    if href == "/":
        live = page.locator("#live-state")
        if live.count():
            expect(live).to_have_attribute("data-state", "connected")


@pytest.mark.parametrize(("username", "role"), ACCOUNTS)
def test_no_page_of_a_role_trips_the_content_security_policy(
    desktop: Page, demo_server: LiveServer, username: str, role: str
) -> None:
    page = desktop
    seen = watch(page)
    sign_in(page, demo_server.url, username, DEMO_PASSWORD)
    for _label, href in expected_nav(role):
        response = page.goto(f"{demo_server.url}{href}")
        assert response is not None and response.status == 200, f"{role} could not open {href}"
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), href
        _settle(page, href)
        assert violations(page) == [], f"{href} for {role}"
        if href in SHOWN:
            screenshot(page, f"csp-{role}-{href.strip('/').replace('/', '-')}")
    assert policy_console_errors(seen) == [], role
    assert seen.errors == [], role


def test_the_public_pages_work_under_the_content_security_policy(desktop: Page, demo_server: LiveServer) -> None:
    page = desktop
    seen = watch(page)
    for href in ("/login", "/report", "/tip"):
        response = page.goto(f"{demo_server.url}{href}")
        assert response is not None and response.status == 200, href
        expect(page.locator("h1")).to_be_visible()
        assert violations(page) == [], href
    assert policy_console_errors(seen) == [] and seen.errors == []
