"""What the browser tests do on a page: sign in, read the navigation, take screenshots (``test-artifacts/``)."""

from __future__ import annotations

from playwright.sync_api import Page, ViewportSize

from tests.conftest import ROOT

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
ARTIFACTS = ROOT / "test-artifacts"


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login page, as a person would, and wait for the page it leads to."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def nav_links(page: Page) -> list[tuple[str, str]]:
    """The main navigation's (label, href) pairs, in order."""
    links = page.locator("header nav a")
    return [(links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href") or "") for i in range(links.count())]


def is_phone(page: Page) -> bool:
    viewport = page.viewport_size
    return viewport is not None and viewport["width"] <= PHONE["width"]


def width_name(page: Page) -> str:
    return "phone" if is_phone(page) else "desktop"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width_name(page)}.png"), full_page=True)
