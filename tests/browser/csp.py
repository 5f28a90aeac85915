"""Collects what a page's Content-Security-Policy blocked, and script errors, so a test can fail on either."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import ConsoleMessage, Error, Page

# Runs before any page script (Playwright injects it outside the page's policy), so nothing is missed.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " in " + e.sourceFile);
});
"""


@dataclass
class Watch:
    """Console errors and uncaught errors seen on one page, across navigations."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append(message.text)

    def on_error(self, error: Error) -> None:
        self.errors.append(str(error))


def watch(page: Page) -> Watch:
    seen = Watch()
    page.add_init_script(LISTEN)
    page.on("console", seen.on_console)
    page.on("pageerror", seen.on_error)
    return seen


def violations(page: Page) -> list[str]:
    """What the policy blocked on the current document."""
    found: list[str] = page.evaluate("window.__violations || []")
    return found


def policy_console_errors(seen: Watch) -> list[str]:
    return [text for text in seen.console if "Content Security Policy" in text or "Refused to" in text]
