"""The sample capability's manifest: one page, one navigation link, one policy row, its own template folder."""

from peel.core.capability import Capability, NavLink

A, _ = "all", None
CAPABILITY = Capability(
    name="sample",
    package="tests.support.sample_capability",
    routers=("tests.support.sample_capability.routes",),
    navigation=(NavLink("Sample", "/sample", "sample.read", 65),),
    templates="templates",
    # Columns follow ROLES: call disp offi inve supe anal pros audi admin
    policy={"sample.read": (_, _, _, _, A, _, _, _, _)},
    contributes={"incident.page": ("tests.support.sample_capability.routes:panel",)},
)
