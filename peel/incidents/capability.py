"""Incident records, their list and their page (other capabilities contribute panels to the page)."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="incidents",
    package="peel.incidents",
    routers=("peel.incidents.routes", "peel.incidents.pages"),
    models=("peel.incidents.models",),
    navigation=(
        NavLink("Incidents", "/incidents", "incident.list", 30),
        NavLink("New incident", "/incidents/new", "incident.create", 31),
    ),
)
