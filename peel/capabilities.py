"""The installed capabilities, in assembly order: the one central list a new capability folder is added to.

Everything else a capability adds (routes, models, navigation, templates, jobs, policy rows, contributions to
other capabilities' pages) is declared in its own ``capability.py`` (see ``peel.core.capability``).
"""

from __future__ import annotations

INSTALLED: tuple[str, ...] = (
    "peel.web",
    "peel.identity",
    "peel.audit",
    "peel.events",
    "peel.jobs",
    "peel.people",
    "peel.workforce",
    "peel.accounts",
    "peel.incidents",
    "peel.cases",
    "peel.contact",
    "peel.analytics",
)
