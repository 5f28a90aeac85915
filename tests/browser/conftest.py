"""Browser fixtures: Debian's Chromium driven by Playwright against real Peel servers on 127.0.0.1.

The demo server is made the way a user makes one (``peel db upgrade``, then ``peel demo load``) on a SQLite file,
and served by uvicorn in its own process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from peel.settings import Settings
from tests.browser.ui import DESKTOP, PHONE
from tests.conftest import IN_CI, make_settings
from tests.e2e.live_server import LiveServer, run_cli, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PEOPLE, DEMO_DAYS = 40, 2


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("demo")
    settings = make_settings(f"sqlite:///{folder / 'peel.db'}")
    run_cli(settings, folder, "db", "upgrade")
    run_cli(settings, folder, "demo", "load", "--seed", "42", "--people", str(DEMO_PEOPLE), "--days", str(DEMO_DAYS))
    return settings


@pytest.fixture(scope="session")
def demo_server(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(demo_settings, tmp_path_factory.mktemp("demo-server"), "demo") as server:
        yield server


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if IN_CI:
            raise RuntimeError(f"Chromium is needed in CI and {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def _context(browser: Browser, phone: bool) -> BrowserContext:
    if phone:
        return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    return browser.new_context(viewport=DESKTOP)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = _context(browser, phone=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = _context(browser, phone=True)
    yield context.new_page()
    context.close()


@pytest.fixture(params=["desktop", "phone"])
def any_width(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = _context(browser, phone=request.param == "phone")
    yield context.new_page()
    context.close()
