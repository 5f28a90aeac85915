"""Jobs: long work off the request path, with progress, cancel and retry."""

from peel.core.capability import Capability

CAPABILITY = Capability(
    name="jobs",
    package="peel.jobs",
    routers=("peel.jobs.routes", "peel.jobs.pages"),
    models=("peel.jobs.models",),
)
