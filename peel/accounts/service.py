"""User administration: list with status, edit, deactivate and reactivate, unlock, reset a password, revoke.

Each action is audited with the administrator as the actor (the unit of work's actor) and the user as the object,
and is refused with a clear message when it makes no sense: an administrator may not deactivate or demote
themselves, and the last active administrator may not be deactivated or demoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from peel.core.errors import Conflict, InvalidInput, NotFound
from peel.db.uow import UnitOfWork
from peel.identity import passwords, policy
from peel.identity.failures import SqlFailureStore
from peel.identity.models import User
from peel.identity.service import revoke_sessions
from peel.workforce.models import Team


@dataclass(frozen=True)
class UserStatus:
    username: str
    display_name: str
    role: str
    team: str | None
    active: bool
    locked: bool  # the whole account, or at least one address, is waiting after failed sign-ins
    flagged: bool  # the account-wide safety net tripped: someone tried from many addresses
    must_change_password: bool
    last_login_at: datetime | None


def list_users(uow: UnitOfWork) -> list[UserStatus]:
    now = uow.now()
    teams = dict(uow.session.execute(select(Team.id, Team.name)).all())
    blocked = SqlFailureStore(uow.session).blocked_users(now)
    users = uow.session.execute(select(User).order_by(User.role, User.username)).scalars()
    out = [
        UserStatus(
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            team=teams.get(u.team_id) if u.team_id else None,
            active=u.active,
            locked=u.id in blocked or (u.locked_until is not None and u.locked_until > now),
            flagged=u.flagged_at is not None,
            must_change_password=u.must_change_password,
            last_login_at=u.last_login_at,
        )
        for u in users
    ]
    uow.audit_list("user.list", "user", [u.username for u in out])
    return out


def get_user(uow: UnitOfWork, username: str, *, for_update: bool = True) -> User:
    """The named user; locked for the change about to be made unless only read (a read has no lock to take)."""
    stmt = select(User).where(User.username == username.strip().lower())
    user = uow.session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user called {username!r}")
    return user


def team_id_for(uow: UnitOfWork, team: str) -> int | None:
    if not team:
        return None
    team_id = uow.session.execute(select(Team.id).where(Team.name == team)).scalar_one_or_none()
    if team_id is None:
        raise InvalidInput(f"no team called {team!r}")
    return team_id


def edit_user(uow: UnitOfWork, username: str, display_name: str, role: str, team: str) -> User:
    user = get_user(uow, username)
    name = display_name.strip()
    if not name or len(name) > 120:
        raise InvalidInput("the display name must be 1–120 characters")
    if role not in policy.ROLES:
        raise InvalidInput(f"unknown role {role!r}; roles are {', '.join(policy.ROLES)}")
    if user.role == "admin" and role != "admin":
        _refuse_self(uow, user, "change your own role")
        _refuse_last_admin(uow, user, "demote")
    before = f"name={user.display_name!r} role={user.role} team={user.team_id}"
    user.display_name, user.role, user.team_id = name, role, team_id_for(uow, team)
    uow.audit("user.edit", "user", user.username, detail=f"{before} -> role={role} team={user.team_id}")
    return user


def deactivate(uow: UnitOfWork, username: str) -> int:
    """Deactivate and end every session and token at once; returns how many sessions ended."""
    user = get_user(uow, username)
    if not user.active:
        raise Conflict(f"{user.username} is already deactivated")
    _refuse_self(uow, user, "deactivate yourself")
    if user.role == "admin":
        _refuse_last_admin(uow, user, "deactivate")
    user.active = False
    ended = revoke_sessions(uow, user.id)
    uow.audit("user.deactivate", "user", user.username, detail=f"sessions ended: {ended}")
    return ended


def reactivate(uow: UnitOfWork, username: str) -> None:
    user = get_user(uow, username)
    if user.active:
        raise Conflict(f"{user.username} is already active")
    user.active = True
    uow.audit("user.reactivate", "user", user.username)


def unlock(uow: UnitOfWork, username: str) -> None:
    """Clear the account lock, every address's back-off and the safety-net flag."""
    user = get_user(uow, username)
    user.locked_until, user.failed_logins, user.flagged_at = None, 0, None
    SqlFailureStore(uow.session).forget(user.id)
    uow.audit("user.unlock", "user", user.username)


def reset_password(uow: UnitOfWork, username: str, temporary: str = "") -> str:
    """Set a temporary password (generated unless given) that must be changed at the next sign-in.

    Every session and token of the user ends and the account is unlocked; returns the password, shown once.
    """
    user = get_user(uow, username)
    secret = temporary or passwords.temporary_password()
    user.password_hash = passwords.hash_password(secret, user.username, (user.display_name,))
    user.must_change_password = True
    user.locked_until, user.failed_logins, user.flagged_at = None, 0, None
    SqlFailureStore(uow.session).forget(user.id)
    ended = revoke_sessions(uow, user.id)
    uow.audit("user.reset_password", "user", user.username, detail=f"sessions ended: {ended}")
    return secret


def revoke_all(uow: UnitOfWork, username: str) -> int:
    user = get_user(uow, username)
    ended = revoke_sessions(uow, user.id)
    uow.audit("user.revoke_sessions", "user", user.username, detail=f"sessions ended: {ended}")
    return ended


def _refuse_self(uow: UnitOfWork, user: User, what: str) -> None:
    if uow.actor.user_id == user.id:
        raise Conflict(f"you cannot {what}; ask another administrator")


def _refuse_last_admin(uow: UnitOfWork, user: User, verb: str) -> None:
    others = uow.session.execute(
        select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True), User.id != user.id)
    ).scalar_one()
    if others == 0:
        raise Conflict(f"cannot {verb} {user.username}: they are the last active administrator")
