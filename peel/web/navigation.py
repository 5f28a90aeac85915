"""Role-aware navigation: a link appears only when the user's role may use the page behind it.

Each capability declares its links in its manifest; the header shows them in their declared order.
"""

from __future__ import annotations

from peel.core.capability import NavLink, installed
from peel.identity import policy
from peel.identity.service import Principal


def links() -> list[NavLink]:
    return sorted((link for cap in installed() for link in cap.navigation), key=lambda link: link.order)


def nav_for(principal: Principal | None) -> list[tuple[str, str]]:
    if principal is None:
        return []
    return [(link.label, link.href) for link in links() if policy.may_attempt(principal.role, link.action)]
