"""The access policy, in one place: role × action × relation to the record. Deny by default.

Every route names exactly one action (or a public one). A role may attempt an action only if the table gives it a
scope; whether it may act on a particular record then depends on its relation to that record:

* ``ALL``    — any record, except a restricted one it has not been granted;
* ``TEAM``   — records owned by the user's own team, or granted/shared to the user;
* ``SHARED`` — only records explicitly shared with the user (e.g. a case shared with a CPS prosecutor).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
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
_PUBLIC = frozenset(
    {"public.health", "public.login", "public.docs", "public.static", "public.home", "public.report", "public.open311"}
)


def _rows(table: Mapping[str, tuple[Scope | str | None, ...]], origin: str) -> dict[str, dict[str, Scope]]:
    out: dict[str, dict[str, Scope]] = {}
    for action, row in table.items():
        if len(row) != len(ROLES):
            raise RuntimeError(f"policy row {action!r} from {origin} has {len(row)} columns, not {len(ROLES)}")
        out[action] = {role: Scope(scope) for role, scope in zip(ROLES, row, strict=True) if scope is not None}
    return out


class _Table(Mapping[str, dict[str, Scope]]):
    """The one table: the rows above plus the rows each installed capability declares in its manifest.

    Capabilities are discovered by name (``peel.core.capability``), so identity imports nothing above it; an
    action declared twice is refused, so a capability cannot quietly widen another's rule.
    """

    def __init__(self) -> None:
        self._merged: dict[str, dict[str, Scope]] | None = None
        self._public: frozenset[str] = _PUBLIC

    def _load(self) -> dict[str, dict[str, Scope]]:
        if self._merged is None:
            from peel.core.capability import installed

            merged = _rows(_TABLE, "peel.identity.policy")
            public = set(_PUBLIC)
            for cap in installed():
                for action, scopes in _rows(cap.policy, cap.name).items():
                    if action in merged or action in public:
                        raise RuntimeError(f"policy action {action!r} of {cap.name} is declared twice")
                    merged[action] = scopes
                public |= cap.public_actions
            self._public = frozenset(public)
            self._merged = merged
        return self._merged

    def reset(self) -> None:
        """Forget the merged table (after the installed list changed: tests that plug in a capability)."""
        self._merged, self._public = None, _PUBLIC

    def public(self) -> frozenset[str]:
        self._load()
        return self._public

    def __getitem__(self, action: str) -> dict[str, Scope]:
        return self._load()[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


POLICY = _Table()


class _PublicActions(Set[str]):
    """The public actions, the platform's and those capabilities declare (a read-only set)."""

    def __contains__(self, action: object) -> bool:
        return action in POLICY.public()

    def __iter__(self) -> Iterator[str]:
        return iter(POLICY.public())

    def __len__(self) -> int:
        return len(POLICY.public())


PUBLIC_ACTIONS = _PublicActions()


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
