"""The force map draws the real road network as its base layer (no internet tiles), at desktop and phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peel.demo.accounts import DEMO_PASSWORD
from tests.browser.ui import screenshot, sign_in
from tests.e2e.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one demo server, one Chromium


def test_the_map_draws_every_road_of_the_force_area(any_width: Page, demo_server: LiveServer) -> None:
    page = any_width
    sign_in(page, demo_server.url, "dispatcher", DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/map")

    drawn = page.locator("#map")
    expect(drawn).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=30_000)
    roads = int(drawn.get_attribute("data-loaded") or 0)
    served = page.request.get(f"{demo_server.url}/api/v1/map/roads").json()
    assert roads > 1000
    assert roads == len(served["features"])
    expect(page.locator("#map canvas").first).to_be_visible()
    box = drawn.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["width"] >= viewport["width"] * 0.8 and box["height"] >= 200
    screenshot(page, "dispatcher-map")
