"""Staff account administration (it spans identity and the workforce's teams, so it sits above both)."""

from peel.core.capability import Capability, NavLink

CAPABILITY = Capability(
    name="accounts",
    package="peel.accounts",
    routers=("peel.accounts.pages",),
    navigation=(
        NavLink("Users", "/admin/users", "user.list", 120),
        NavLink("My account", "/account", "account.self", 130),
    ),
)
