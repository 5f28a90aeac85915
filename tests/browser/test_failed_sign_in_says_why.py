"""A failed sign-in says what to do on the login page. A wrong password and a blocked address get the same words
(so the page does not tell a stranger which usernames exist or are locked); after five failures in a row from one
browser even the right password is refused there, with that same advice to wait or ask an administrator."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peel.settings import Settings
from tests.browser.ui import screenshot, sign_in
from tests.e2e.live_server import LiveServer, add_account
from tests.support.staff import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one demo server, one Chromium

WRONG = "not-the-password-at-all"
REFUSAL = (
    "Wrong username or password. After 5 failed tries from one device, sign-in pauses for 15 minutes; your "
    "administrator can unlock it."
)


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(desktop: Page, demo_server: LiveServer) -> None:
    sign_in(desktop, demo_server.url, "dispatcher", WRONG)

    assert desktop.url.startswith(f"{demo_server.url}/login")
    expect(desktop.get_by_role("alert")).to_have_text(REFUSAL)
    expect(desktop.get_by_label("Username")).to_have_value("dispatcher")
    expect(desktop.locator("header nav")).to_have_count(0)
    screenshot(desktop, "login-wrong-password")


def test_five_failures_block_this_browser_and_the_page_gives_the_same_advice(
    desktop: Page, demo_server: LiveServer, demo_settings: Settings
) -> None:
    add_account(demo_settings, "lockme", "officer")
    for _attempt in range(5):
        sign_in(desktop, demo_server.url, "lockme", WRONG)
        expect(desktop.get_by_role("alert")).to_have_text(REFUSAL)

    sign_in(desktop, demo_server.url, "lockme", PASSWORD)

    assert desktop.url.startswith(f"{demo_server.url}/login")
    expect(desktop.get_by_role("alert")).to_have_text(REFUSAL)
    screenshot(desktop, "login-locked")
