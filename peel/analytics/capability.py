"""Proactive policing: crime import, hotspot forecasts, back-tests, near-repeat and patrol tasking."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="analytics",
    package="peel.analytics",
    routers=(
        "peel.analytics.workspace.routes",
        "peel.analytics.workspace.pages",
        "peel.analytics.patrol.routes",
        "peel.analytics.patrol.pages",
    ),
    models=("peel.analytics.models", "peel.analytics.patrol.models"),
    jobs=("peel.analytics.workspace.jobs:register_jobs",),
    navigation=(
        NavLink("Analytics", "/analytics", "analytics.read", 90),
        NavLink("Patrol", "/patrol", "patrol.read", 100),
    ),
)
