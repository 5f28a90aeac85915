"""The shell: home page, force map and health check."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="shell",
    package="peel.web",
    routers=("peel.web.pages",),
    navigation=(NavLink("Home", "/", "account.self", 10), NavLink("Map", "/map", "map.read", 50)),
)
