"""Contact management: 999/101 console, caller look-up, THRIVE, public reports and tips, Open311."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="contact",
    package="peel.contact",
    routers=("peel.contact.routes", "peel.contact.pages", "peel.contact.public", "peel.contact.open311.routes"),
    models=("peel.contact.models",),
    navigation=(
        NavLink("Call handling", "/contact/console", "contact.create", 20),
        NavLink("Contact dashboard", "/contact/dashboard", "contact.dashboard", 80),
    ),
    contributes={
        "incident.page": ("peel.contact.incident_panel:gather",),
        "incident.list": ("peel.contact.incident_panel:timers",),
    },
)
