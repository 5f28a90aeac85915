"""The workforce: stations, teams, shifts, officers and units."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="workforce",
    package="peel.workforce",
    routers=("peel.workforce.routes",),
    models=("peel.workforce.models",),
    navigation=(NavLink("Units", "/units", "unit.read", 60),),
)
