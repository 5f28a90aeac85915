"""The person index: people, locations and vehicles."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="people",
    package="peel.people",
    routers=("peel.people.routes", "peel.people.pages"),
    models=("peel.people.models",),
    navigation=(NavLink("People", "/people", "person.search", 40),),
)
