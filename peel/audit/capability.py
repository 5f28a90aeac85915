"""The tamper-evident audit log and its verification."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="audit",
    package="peel.audit",
    routers=("peel.audit.routes",),
    models=("peel.audit.models",),
    navigation=(NavLink("Audit", "/audit", "audit.verify", 110),),
)
