"""Case records and their sharing (e.g. with a CPS prosecutor)."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="cases",
    package="peel.cases",
    routers=("peel.cases.routes",),
    models=("peel.cases.models",),
    navigation=(NavLink("Cases", "/cases", "case.list", 70),),
)
