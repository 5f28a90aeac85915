"""The access policy, in one place: role × action × relation to the record. Deny by default.

Every route names exactly one action (or a public one). A role may attempt an action only if the table gives it a
scope; whether it may act on a particular record then depends on its relation to that record:

* ``ALL``    — any record, except a restricted one it has not been granted;
* ``TEAM``   — records owned by the user's own team, or granted/shared to the user;
* ``SHARED`` — only records explicitly shared with the user (e.g. a case shared with a CPS prosecutor).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    ALL = "all"
    TEAM = "team"
    SHARED = "shared"


ROLES = (
    "call_handler",
    "dispatcher",
    "officer",
    "investigator",
    "supervisor",
    "analyst",
    "prosecutor",
    "auditor",
    "admin",
)

A, T, S = Scope.ALL, Scope.TEAM, Scope.SHARED
_: None = None  # no entry: denied
# Columns follow ROLES:   call   disp   offi   inve   supe   anal   pros   audi   admin
_TABLE: dict[str, tuple[Scope | None, ...]] = {
    "incident.list":       (A,     A,     T,     A,     A,     A,     _,     _,     _),
    "incident.read":       (A,     A,     T,     A,     A,     A,     _,     _,     _),
    "incident.create":     (A,     A,     A,     _,     A,     _,     _,     _,     _),
    "incident.update":     (A,     A,     T,     _,     A,     _,     _,     _,     _),
    "incident.resolve":    (A,     A,     _,     _,     A,     _,     _,     _,     _),
    "incident.merge":      (A,     A,     _,     _,     A,     _,     _,     _,     _),
    "contact.create":      (A,     A,     _,     _,     A,     _,     _,     _,     _),
    "contact.lookup":      (A,     A,     _,     _,     A,     _,     _,     _,     _),
    "contact.read":        (A,     A,     _,     A,     A,     _,     _,     _,     _),
    "contact.dashboard":   (A,     A,     _,     _,     A,     A,     _,     _,     _),
    "thrive.assess":       (A,     A,     _,     _,     A,     _,     _,     _,     _),
    "person.search":       (A,     A,     A,     A,     A,     _,     _,     _,     _),
    "person.read":         (A,     A,     A,     A,     A,     _,     _,     _,     _),
    "person.create":       (A,     _,     A,     A,     A,     _,     _,     _,     _),
    "person.update":       (A,     _,     A,     A,     A,     _,     _,     _,     _),
    "person.grant":        (_,     _,     _,     _,     A,     _,     _,     _,     _),
    "location.read":       (A,     A,     A,     A,     A,     A,     _,     _,     _),
    "location.create":     (A,     A,     A,     A,     A,     _,     _,     _,     _),
    "vehicle.read":        (A,     A,     A,     A,     A,     _,     _,     _,     _),
    "vehicle.create":      (A,     A,     A,     A,     A,     _,     _,     _,     _),
    "case.list":           (_,     _,     T,     T,     A,     _,     S,     _,     _),
    "case.read":           (_,     _,     T,     T,     A,     _,     S,     _,     _),
    "case.create":         (_,     _,     _,     A,     A,     _,     _,     _,     _),
    "case.share":          (_,     _,     _,     T,     A,     _,     _,     _,     _),
    "workforce.read":      (A,     A,     A,     A,     A,     A,     _,     _,     A),
    "unit.read":           (A,     A,     A,     A,     A,     A,     _,     _,     A),
    "unit.update_status":  (_,     A,     T,     _,     A,     _,     _,     _,     _),
    "map.read":            (A,     A,     A,     A,     A,     A,     _,     _,     _),
    "events.subscribe":    (A,     A,     A,     A,     A,     A,     S,     _,     _),
    "analytics.read":      (_,     _,     _,     _,     A,     A,     _,     _,     _),
    "analytics.import":    (_,     _,     _,     _,     A,     A,     _,     _,     _),
    "analytics.run":       (_,     _,     _,     _,     A,     A,     _,     _,     _),
    "patrol.plan":         (_,     _,     _,     _,     A,     A,     _,     _,     _),
    "patrol.read":         (_,     _,     T,     _,     A,     A,     _,     _,     _),
    "patrol.log":          (_,     _,     T,     _,     A,     _,     _,     _,     _),
    "patrol.exposure":     (_,     _,     _,     _,     A,     A,     _,     _,     _),
    "audit.read":          (_,     _,     _,     _,     _,     _,     _,     A,     _),
    "audit.verify":        (_,     _,     _,     _,     _,     _,     _,     A,     A),
    "user.list":           (_,     _,     _,     _,     _,     _,     _,     _,     A),
    "user.manage":         (_,     _,     _,     _,     _,     _,     _,     _,     A),
    "account.self":        (A,     A,     A,     A,     A,     A,     A,     A,     A),
    "job.read":            (A,     A,     A,     A,     A,     A,     A,     A,     A),
    "job.manage":          (A,     A,     A,     A,     A,     A,     A,     A,     A),
}  # fmt: skip

# Routes anyone may call without logging in. They never return police records.
PUBLIC_ACTIONS = frozenset(
    {"public.health", "public.login", "public.docs", "public.static", "public.home", "public.report", "public.open311"}
)

POLICY: dict[str, dict[str, Scope]] = {
    action: {role: scope for role, scope in zip(ROLES, row, strict=True) if scope is not None}
    for action, row in _TABLE.items()
}


@dataclass(frozen=True)
class Relation:
    """How the user stands to one record."""

    same_team: bool = False
    shared_with_me: bool = False
    restricted: bool = False


def known_action(action: str) -> bool:
    return action in POLICY or action in PUBLIC_ACTIONS


def scope_for(role: str, action: str) -> Scope | None:
    return POLICY.get(action, {}).get(role)


def may_attempt(role: str, action: str) -> bool:
    """May this role call a route for this action at all (before any particular record is looked at)?"""
    return action in PUBLIC_ACTIONS or scope_for(role, action) is not None


def may(role: str, action: str, relation: Relation) -> bool:
    """May this role perform this action on a record it stands to in this relation?"""
    scope = scope_for(role, action)
    if scope is None:
        return False
    if relation.shared_with_me:
        return True
    if relation.restricted:
        return False
    if scope is Scope.ALL:
        return True
    if scope is Scope.TEAM:
        return relation.same_team
    return False


def may_see_job(role: str, user_id: int | None, owner_id: int | None, action: str) -> bool:
    """A job is seen by its owner and by any role the policy allows the job's own action (``job.read`` and
    ``job.manage`` only let a role ask; this decides which jobs it gets)."""
    if user_id is not None and user_id == owner_id:
        return True
    return action in POLICY and scope_for(role, action) is not None


def roles_allowed(action: str) -> list[str]:
    return [role for role in ROLES if may_attempt(role, action)]
