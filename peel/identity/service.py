"""Staff sign-in: argon2 passwords, lockout after repeated failures, idle-expiring sessions and tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from peel.core.clock import utcnow
from peel.core.errors import AccountLocked, Conflict, InvalidInput, NotAuthenticated
from peel.db.uow import UnitOfWork
from peel.identity import passwords, policy
from peel.identity.models import StaffSession, User


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    session_id: int
    kind: str  # "cookie" or "bearer"
    csrf_token: str


@dataclass(frozen=True)
class LoginPolicy:
    threshold: int = 5
    lockout: timedelta = timedelta(minutes=15)
    idle: timedelta = timedelta(minutes=30)
    token_life: timedelta = timedelta(hours=8)
    cookie_life: timedelta = timedelta(hours=12)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    uow: UnitOfWork, username: str, display_name: str, role: str, password: str, team_id: int | None = None
) -> User:
    if role not in policy.ROLES:
        raise InvalidInput(f"unknown role {role!r}; roles are {', '.join(policy.ROLES)}")
    username = username.strip().lower()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").isalnum():
        raise InvalidInput("usernames are 1–64 letters, digits, dots or underscores")
    if uow.session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"a user called {username!r} already exists")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        team_id=team_id,
        password_hash=passwords.hash_password(password),
        created_at=utcnow(),
    )
    uow.session.add(user)
    uow.session.flush()
    uow.audit("user.create", "user", username, detail=f"role={role}")
    return user


def login(uow: UnitOfWork, username: str, password: str, kind: str, rules: LoginPolicy) -> tuple[str, Principal]:
    """Check the password and open a session; returns the secret token (shown once) and the principal.

    Failures are audited and committed even though the login fails, so lockout counts survive.
    """
    now = utcnow()
    name = username.strip().lower()
    user = uow.session.execute(select(User).where(User.username == name).with_for_update()).scalar_one_or_none()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        uow.record_outcome("auth.login", "user", name, "denied", "account locked")
        raise AccountLocked(
            "this account is locked after repeated failed logins; try again later or ask an administrator"
        )
    if user is None or not user.active or not passwords.verify_password(user.password_hash, password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= rules.threshold:
                user.locked_until = now + rules.lockout
                user.failed_logins = 0
        uow.audit("auth.login", "user", name, detail="wrong username or password", outcome="denied")
        uow.commit()
        raise NotAuthenticated("wrong username or password")
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    life = rules.token_life if kind == "bearer" else rules.cookie_life
    record = StaffSession(
        token_hash=digest(token),
        kind=kind,
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        last_seen_at=now,
        expires_at=now + life,
    )
    uow.session.add(record)
    uow.session.flush()
    uow.audit("auth.login", "user", name, detail=kind)
    uow.commit()
    return token, _principal(user, record)


def authenticate(uow: UnitOfWork, token: str, kind: str, rules: LoginPolicy) -> Principal:
    """Resolve a cookie or bearer token; idle or expired sessions are refused (and end)."""
    now = utcnow()
    row = uow.session.execute(
        select(StaffSession, User)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.token_hash == digest(token), StaffSession.kind == kind)
    ).first()
    if row is None:
        raise NotAuthenticated("sign in to continue")
    record, user = row
    if record.revoked or not user.active or record.expires_at <= now or now - record.last_seen_at > rules.idle:
        if not record.revoked:
            uow.later(update(StaffSession).where(StaffSession.id == record.id).values(revoked=True))
            uow.commit()
        raise NotAuthenticated("your session has ended; sign in again")
    if now - record.last_seen_at > timedelta(seconds=30):
        # Touch the session at most every 30 s: it keeps it alive without a write on every request. A read
        # request writes it with its audit entries at the end, so it never holds the writer lock meanwhile.
        uow.later(update(StaffSession).where(StaffSession.id == record.id).values(last_seen_at=now))
    return _principal(user, record)


def logout(uow: UnitOfWork, session_id: int) -> None:
    record = uow.session.get(StaffSession, session_id)
    if record is not None:
        record.revoked = True
    uow.audit("auth.logout", "session", session_id)
    uow.commit()


def set_password(uow: UnitOfWork, username: str, password: str) -> None:
    user = uow.session.execute(select(User).where(User.username == username.lower())).scalar_one_or_none()
    if user is None:
        raise InvalidInput(f"no user called {username!r}")
    user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    uow.audit("user.set_password", "user", user.username)


def locked_until(user: User, now: datetime) -> datetime | None:
    return user.locked_until if user.locked_until and user.locked_until > now else None


def _principal(user: User, record: StaffSession) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        team_id=user.team_id,
        session_id=record.id,
        kind=record.kind,
        csrf_token=record.csrf_token,
    )
