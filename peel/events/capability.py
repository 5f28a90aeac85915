"""Domain events: the transactional outbox and the live stream."""

from peel.core.capability import Capability

CAPABILITY = Capability(
    name="events",
    package="peel.events",
    routers=("peel.events.routes",),
    models=("peel.events.models",),
)
