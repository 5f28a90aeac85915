"""Staff identity: sign-in, sessions and tokens, accounts."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="identity",
    package="peel.identity",
    routers=("peel.identity.routes", "peel.identity.pages"),
    models=("peel.identity.models",),
    navigation=(NavLink("Users", "/admin/users", "user.list", 120),),
)
