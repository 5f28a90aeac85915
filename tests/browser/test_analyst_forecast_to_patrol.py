"""An analyst imports a small CSV, runs a forecast and sees the hotspot cells on the map, then tasks a team; an
officer on a phone sees the patrol tasks and logs a visit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from peel.demo.accounts import DEMO_PASSWORD
from tests.browser.csp import policy_console_errors, violations, watch
from tests.browser.ui import PHONE, screenshot, sign_in
from tests.e2e.live_server import LiveServer
from tests.integration.analytics.workspace_support import COLUMNS, crime_csv

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one demo server, one Chromium


def _import_and_forecast(page: Page, server: LiveServer, csv_path: Path) -> None:
    page.goto(f"{server.url}/analytics")
    expect(page.get_by_role("heading", level=1)).to_have_text("Analytics workspace")
    page.get_by_label("Dataset name").first.fill("Browser test crimes")
    page.get_by_label("Source").select_option("csv")
    page.get_by_label("Column mapping (generic CSV only)").fill(COLUMNS)
    page.get_by_label(re.compile(r"^File")).set_input_files(str(csv_path))
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    _follow_job(page)
    expect(page.get_by_role("status")).to_contain_text("Imported")
    expect(page.locator("#event-count")).to_have_text("300")
    expect(page.locator("#map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"), timeout=30_000)
    screenshot(page, "analyst-dataset")

    page.get_by_label("Flag top %").fill("10")
    with page.expect_navigation():
        page.get_by_role("button", name="Run forecast").click()
    _follow_job(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hotspot forecast")


def _follow_job(page: Page) -> None:
    """The work runs as a job: its page shows live progress, then links to the result."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Job")
    expect(page.locator("#job-status")).to_have_text("succeeded", timeout=60_000)
    with page.expect_navigation():
        page.locator("#job-result-link").click()


def test_an_analyst_forecasts_hotspots_and_an_officer_logs_a_patrol_visit(
    browser: Browser, desktop: Page, demo_server: LiveServer, tmp_path: Path
) -> None:
    csv_path = tmp_path / "crimes.csv"
    csv_path.write_text(crime_csv(n=300), encoding="utf-8")
    page = desktop
    seen = watch(page)
    sign_in(page, demo_server.url, "analyst", DEMO_PASSWORD)
    _import_and_forecast(page, demo_server, csv_path)

    flagged = int(page.locator("#flagged-count").inner_text())
    drawn = page.locator("#map")
    expect(drawn).to_have_attribute("data-loaded", str(flagged), timeout=30_000)
    assert page.locator("#map path.leaflet-interactive").count() >= flagged or page.locator("#map canvas").count()
    expect(page.locator("#calibration tbody tr").first).to_be_visible()
    screenshot(page, "analyst-forecast")

    page.get_by_label("Team").select_option("Response Team A")
    page.get_by_label("Eligible top cells").fill("8")
    page.get_by_label("Control share %").fill("25")
    page.get_by_label("Seed (blank = random)").fill("42")
    with page.expect_navigation():
        page.get_by_role("button", name="Create patrol tasks").click()
    expect(page.locator("#seed")).to_have_text("42")
    expect(page.locator("#arms tbody tr").nth(0)).to_contain_text("6")
    expect(page.locator("#arms tbody tr").nth(1)).to_contain_text("2")
    screenshot(page, "analyst-patrol-plan")

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    phone = context.new_page()
    seen_on_phone = watch(phone)
    try:
        sign_in(phone, demo_server.url, "officer", DEMO_PASSWORD)
        phone.goto(f"{demo_server.url}/patrol")
        expect(phone.get_by_role("heading", level=1)).to_have_text("Patrol tasks")
        cards = phone.locator("section.task")
        assert cards.count() >= 6
        expect(phone.locator("#map")).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=30_000)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the patrol page is {overflow}px wider than the phone"
        first = cards.first
        first.get_by_label("Minutes in the cell").fill("20")
        with phone.expect_navigation():
            first.get_by_role("button", name="Log visit").click()
        expect(phone.get_by_role("status")).to_contain_text("Visit logged")
        expect(phone.locator("section.task .minutes").first).to_have_text("20")
        screenshot(phone, "officer-patrol")
        assert violations(phone) == [] and seen_on_phone.errors == [], "the patrol page works under the CSP"
    finally:
        context.close()

    page.reload()
    expect(page.locator("#arms tbody tr").nth(0)).to_contain_text("20")
    assert policy_console_errors(seen) == [] and seen.errors == [], "the analytics pages work under the CSP"
