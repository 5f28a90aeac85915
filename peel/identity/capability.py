"""Staff identity: sign-in, sessions and tokens, accounts."""

from peel.core.capability import Capability

CAPABILITY = Capability(
    name="identity",
    package="peel.identity",
    routers=("peel.identity.routes", "peel.identity.pages"),
    models=("peel.identity.models",),
)
