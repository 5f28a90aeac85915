"""Every demo login works in Chromium: the account signs in through the login page, lands on the home page and
sees exactly the pages its role may use, each of which opens, at desktop width and at phone width (390 px).

Screenshots of every page each role can reach are saved under ``test-artifacts/`` for people to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peel.demo.accounts import DEMO_PASSWORD, demo_accounts
from peel.identity.policy import may_attempt
from peel.identity.service import Principal
from peel.web.navigation import links as nav_links_declared
from peel.web.navigation import nav_for
from tests.browser.ui import PHONE, nav_links, screenshot, sign_in
from tests.e2e.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one demo server, one Chromium

ACCOUNTS = [pytest.param(username, name, role, id=role) for username, name, role, _team in demo_accounts()]
MAP = "/map"  # drawn in its own test: loading the whole road network for every role adds nothing here


def expected_nav(role: str) -> list[tuple[str, str]]:
    principal = Principal(0, "someone", "Someone", role, None, 0, "cookie", "")
    links = nav_for(principal)
    # The navigation is the policy seen from one role: cross-check it against the policy table itself.
    assert links == [(link.label, link.href) for link in nav_links_declared() if may_attempt(role, link.action)]
    return links


def _slug(href: str) -> str:
    return href.strip("/").replace("/", "-") or "home"


def _opens_every_page(page: Page, server: LiveServer, role: str, links: list[tuple[str, str]]) -> None:
    for _label, href in links:
        if href == MAP:
            continue
        if href != "/":
            response = page.goto(f"{server.url}{href}")
            assert response is not None and response.status == 200, f"{role} could not open {href}"
        expect(page.locator("h1")).to_be_visible()
        if page.viewport_size == PHONE:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{href} is {overflow}px wider than a phone for {role}"
        screenshot(page, f"{role}-{_slug(href)}")


@pytest.mark.parametrize(("username", "name", "role"), ACCOUNTS)
def test_a_demo_account_signs_in_and_sees_only_what_its_role_may_use(
    desktop: Page, demo_server: LiveServer, username: str, name: str, role: str
) -> None:
    sign_in(desktop, demo_server.url, username, DEMO_PASSWORD)

    assert desktop.url == f"{demo_server.url}/"
    expect(desktop.get_by_role("heading", level=1)).to_have_text(name)
    expect(desktop.locator("header nav")).to_be_visible()
    links = expected_nav(role)
    assert nav_links(desktop) == links
    _opens_every_page(desktop, demo_server, role, links)


@pytest.mark.parametrize(("username", "name", "role"), ACCOUNTS)
def test_a_demo_account_gets_the_same_pages_behind_the_menu_at_phone_width(
    phone: Page, demo_server: LiveServer, username: str, name: str, role: str
) -> None:
    sign_in(phone, demo_server.url, username, DEMO_PASSWORD)

    assert phone.url == f"{demo_server.url}/"
    expect(phone.get_by_role("heading", level=1)).to_have_text(name)
    nav = phone.locator("header nav")
    expect(nav).to_be_hidden()
    phone.locator("label.navbutton").click()
    expect(nav).to_be_visible()
    links = expected_nav(role)
    assert nav_links(phone) == links
    _opens_every_page(phone, demo_server, role, links)
