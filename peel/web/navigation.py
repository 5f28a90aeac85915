"""Role-aware navigation: a link appears only when the user's role may use the page behind it."""

from __future__ import annotations

from peel.identity import policy
from peel.identity.service import Principal

LINKS: tuple[tuple[str, str, str], ...] = (
    ("Home", "/", "account.self"),
    ("Call handling", "/contact/console", "contact.create"),
    ("Incidents", "/incidents", "incident.list"),
    ("New incident", "/incidents/new", "incident.create"),
    ("People", "/people", "person.search"),
    ("Map", "/map", "map.read"),
    ("Units", "/units", "unit.read"),
    ("Cases", "/cases", "case.list"),
    ("Contact dashboard", "/contact/dashboard", "contact.dashboard"),
    ("Analytics", "/analytics", "analytics.read"),
    ("Patrol", "/patrol", "patrol.read"),
    ("Audit", "/audit", "audit.verify"),
    ("Users", "/admin/users", "user.list"),
    ("My account", "/account", "account.self"),
)


def nav_for(principal: Principal | None) -> list[tuple[str, str]]:
    if principal is None:
        return []
    return [(label, href) for label, href, action in LINKS if policy.may_attempt(principal.role, action)]
