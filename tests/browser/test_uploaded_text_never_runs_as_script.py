"""Stored XSS: a crime type in an uploaded CSV is markup with a script in it. The analytics map's tooltip shows it
as text, no element is made from it, nothing runs, and the page's policy would block it anyway."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from peel.demo.accounts import DEMO_PASSWORD
from tests.browser.csp import violations, watch
from tests.browser.ui import screenshot, sign_in
from tests.e2e.live_server import LiveServer
from tests.integration.analytics.workspace_support import COLUMNS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one demo server, one Chromium

PAYLOAD = '<img src=x onerror="window.__pwned=1">'
SPOT = (51.5136, -0.1365)
# Every event sits on one spot: find the dot on the map's canvas by its colour (opaque dark blue: roads are grey
# or orange, hexagons red) and answer its centre in page coordinates.
FIND_DOT = """() => {
  let sx = 0, sy = 0, n = 0;
  for (const canvas of document.querySelectorAll("#map canvas")) {
    const rect = canvas.getBoundingClientRect();
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 150 && data[i] < 100 && data[i + 2] > data[i] + 25) {
        const p = i / 4;
        sx += rect.left + (p % canvas.width) * rect.width / canvas.width;
        sy += rect.top + Math.floor(p / canvas.width) * rect.height / canvas.height;
        n += 1;
      }
    }
  }
  if (!n) throw new Error("no event dot on the map");
  return [sx / n, sy / n];
}"""


def hostile_csv(n: int = 20) -> str:
    """``n`` crimes at one spot, so the map centres on them and the mouse finds one; the type is the payload."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ref", "occurred", "offence", "longitude", "latitude", "how"])
    start = datetime(2026, 10, 1, 12, tzinfo=UTC)
    for i in range(n):
        when = (start + timedelta(hours=i)).isoformat(timespec="seconds")
        writer.writerow([f"X{i:03d}", when, PAYLOAD, f"{SPOT[1]:.6f}", f"{SPOT[0]:.6f}", "reported"])
    return out.getvalue()


def test_a_crime_type_holding_markup_shows_as_text_in_the_map_tooltip(
    desktop: Page, demo_server: LiveServer, tmp_path: Path
) -> None:
    page = desktop
    watch(page)
    csv_path = tmp_path / "hostile.csv"
    csv_path.write_text(hostile_csv(), encoding="utf-8")
    sign_in(page, demo_server.url, "analyst", DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/analytics")
    page.get_by_label("Dataset name").first.fill("Hostile upload")
    page.get_by_label("Source").select_option("csv")
    page.get_by_label("Column mapping (generic CSV only)").fill(COLUMNS)
    page.get_by_label(re.compile(r"^File")).set_input_files(str(csv_path))
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    # The import runs as a job: its page shows progress, then links to the dataset.
    expect(page.locator("#job-status")).to_have_text("succeeded", timeout=60_000)
    with page.expect_navigation():
        page.locator("#job-result-link").click()
    expect(page.locator("#event-count")).to_have_text("20")
    expect(page.locator("#by-type tbody td").first).to_have_text(PAYLOAD)

    drawn = page.locator("#map")
    expect(drawn).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"), timeout=30_000)
    expect(drawn).to_have_attribute("data-roads", re.compile(r"^[01]$"), timeout=30_000)  # the map has settled
    x, y = page.evaluate(FIND_DOT)
    # The dots are drawn above the hexagons, so hovering the dot shows the event's tooltip.
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=5)
    page.wait_for_timeout(100)  # Leaflet's canvas drops mouse moves closer than 32 ms apart: send one more
    page.mouse.move(x, y + 0.5)
    tooltip = page.locator(".leaflet-tooltip", has_text="2026-10-01")
    expect(tooltip).to_be_visible()
    screenshot(page, "xss-tooltip")
    elements, text = tooltip.evaluate("(t) => [t.querySelectorAll('img').length, t.textContent]")
    assert elements == 0, "the uploaded text became an element"
    assert PAYLOAD in text
    assert page.evaluate("window.__pwned") is None, "the uploaded text ran as script"
    assert violations(page) == [], "nothing needed blocking: the text never became markup"
