"""Staff sign-in: argon2 passwords, per-address back-off, idle-expiring sessions and tokens, own password change.

Every sign-in attempt costs exactly one argon2 verification (an unknown username verifies a dummy hash) and every
refusal, whether the password was wrong, the username unknown or the attempt blocked, gets the same answer, so
neither the message nor the timing tells an outsider which usernames exist or are locked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peel.core.errors import Conflict, InvalidInput, NotAuthenticated
from peel.db.uow import UnitOfWork
from peel.identity import lockout, passwords, policy
from peel.identity.failures import SqlFailureStore
from peel.identity.lockout import BackoffRules
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
    must_change_password: bool = False


ACCOUNT_WINDOW = timedelta(hours=24)  # failures older than this no longer count towards the account-wide lock


@dataclass(frozen=True)
class LoginPolicy:
    threshold: int = 5
    lockout: timedelta = timedelta(minutes=15)
    idle: timedelta = timedelta(minutes=30)
    token_life: timedelta = timedelta(hours=8)
    cookie_life: timedelta = timedelta(hours=12)
    account_threshold: int = 50
    max_wait: timedelta = timedelta(hours=24)

    @property
    def backoff(self) -> BackoffRules:
        return BackoffRules(
            threshold=self.threshold,
            first_wait=self.lockout,
            max_wait=self.max_wait,
            account_threshold=self.account_threshold,
        )

    def refusal(self) -> str:
        minutes = int(self.lockout.total_seconds() // 60)
        return (
            f"wrong username or password. After {self.backoff.threshold} failed tries from one device, sign-in "
            f"pauses for {minutes} minutes; your administrator can unlock it"
        )


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_user(uow: UnitOfWork, username: str, for_update: bool = False) -> User | None:
    query = select(User).where(User.username == username.strip().lower())
    return uow.session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()


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
    name = display_name.strip() or username
    user = User(
        username=username,
        display_name=name,
        role=role,
        team_id=team_id,
        password_hash=passwords.hash_password(password, username, (name,)),
        created_at=uow.now(),
    )
    uow.session.add(user)
    uow.session.flush()
    uow.audit("user.create", "user", username, detail=f"role={role}")
    return user


def login(
    uow: UnitOfWork,
    username: str,
    password: str,
    kind: str,
    rules: LoginPolicy,
    verifier: passwords.Passwords,
    source: str = "",
) -> tuple[str, Principal]:
    """Check the password and open a session; returns the secret token (shown once) and the principal.

    Failures are audited and committed even though the login fails, so the back-off counts survive.
    """
    now = uow.now()
    name = username.strip().lower()
    user = find_user(uow, name, for_update=True)
    matches = verifier.verify(user.password_hash if user else None, password)  # always exactly one verification
    if user is None or not user.active:
        _refuse(uow, name, "unknown user" if user is None else "account deactivated", rules)
    failures = SqlFailureStore(uow.session)
    record = failures.get(user.id, source[:64])
    # The account-wide lock holds back only addresses that have failed for this account: the real user, signing
    # in from an address with no failures, is not locked out by a stranger's attempts from elsewhere.
    account_locked = user.locked_until is not None and user.locked_until > now and record.failures > 0
    if lockout.is_blocked(record, now) or account_locked:
        _refuse(uow, name, "blocked: too many failures", rules)
    if not matches:
        _count_failure(uow, user, failures, source[:64], record, now, rules)
        _refuse(uow, name, "wrong password", rules)
    failures.forget(user.id, source[:64])
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return _open_session(uow, user, kind, rules, now)


def _refuse(uow: UnitOfWork, name: str, reason: str, rules: LoginPolicy) -> NoReturn:
    uow.audit("auth.login", "user", name, detail=reason, outcome="denied")
    uow.commit()
    raise NotAuthenticated(rules.refusal())


def _count_failure(
    uow: UnitOfWork,
    user: User,
    failures: SqlFailureStore,
    source: str,
    record: lockout.SourceRecord,
    now: datetime,
    rules: LoginPolicy,
) -> None:
    failures.put(user.id, source, lockout.after_failure(record, now, rules.backoff))
    # Counted over the addresses' recent failures only, so failures spread over months never add up to a lock.
    user.failed_logins = failures.recent_total(user.id, now - ACCOUNT_WINDOW)
    if lockout.account_should_lock(user.failed_logins, rules.backoff):
        # A spread-out attack: lock for a while everywhere, and flag it for an administrator to look at.
        user.locked_until = now + rules.lockout
        user.failed_logins = 0
        user.flagged_at = now
        uow.audit(
            "auth.lockout",
            "user",
            user.username,
            detail=f"{rules.account_threshold} failed sign-ins in all; locked until {user.locked_until}",
            outcome="flagged",
        )


def _open_session(uow: UnitOfWork, user: User, kind: str, rules: LoginPolicy, now: datetime) -> tuple[str, Principal]:
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
    uow.audit("auth.login", "user", user.username, detail=kind)
    uow.commit()
    return token, _principal(user, record)


def authenticate(uow: UnitOfWork, token: str, kind: str, rules: LoginPolicy) -> Principal:
    """Resolve a cookie or bearer token; idle, expired, revoked or deactivated sessions are refused (and end).

    The user row is read on every request, so deactivating a user or revoking their sessions takes effect at once.
    """
    now = uow.now()
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


def still_signed_in(session: Session, principal: Principal, now: datetime, rules: LoginPolicy) -> Principal | None:
    """The principal as it stands now, or None once its session has ended (revoked, expired, idle, deactivated).

    For long-lived answers (the live event stream) that were authorised once: they ask again as they run, so
    deactivating a user, signing out or a change of role takes effect on an open stream too.
    """
    row = session.execute(
        select(StaffSession, User)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.id == principal.session_id)
    ).first()
    if row is None:
        return None
    record, user = row
    if record.revoked or not user.active or record.expires_at <= now or now - record.last_seen_at > rules.idle:
        return None
    return _principal(user, record)


def logout(uow: UnitOfWork, session_id: int) -> None:
    record = uow.session.get(StaffSession, session_id)
    if record is not None:
        record.revoked = True
    uow.audit("auth.logout", "session", session_id)
    uow.commit()


def revoke_sessions(uow: UnitOfWork, user_id: int, keep: int | None = None) -> int:
    """End every live session and token of a user (except ``keep``); returns how many ended."""
    query = update(StaffSession).where(StaffSession.user_id == user_id, StaffSession.revoked.is_(False))
    if keep is not None:
        query = query.where(StaffSession.id != keep)
    result = uow.session.execute(query.values(revoked=True))
    return int(getattr(result, "rowcount", 0) or 0)


def change_own_password(
    uow: UnitOfWork, principal: Principal, current: str, new: str, verifier: passwords.Passwords
) -> None:
    """Self-service: the current password proves it is the user; every other session of theirs then ends."""
    user = uow.session.get(User, principal.user_id)
    if user is None or not verifier.verify(user.password_hash, current):
        raise InvalidInput("the current password is not right")
    if new == current:
        raise InvalidInput("the new password must differ from the current one")
    user.password_hash = passwords.hash_password(new, user.username, (user.display_name,))
    user.must_change_password = False
    ended = revoke_sessions(uow, user.id, keep=principal.session_id)
    uow.audit("account.password", "user", user.username, detail=f"other sessions ended: {ended}")


def revoke_own_other_sessions(uow: UnitOfWork, principal: Principal) -> int:
    ended = revoke_sessions(uow, principal.user_id, keep=principal.session_id)
    uow.audit("account.revoke_sessions", "user", principal.username, detail=f"sessions ended: {ended}")
    return ended


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
        must_change_password=user.must_change_password,
    )
