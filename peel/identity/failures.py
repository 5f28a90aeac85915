"""Where failed sign-ins per account and source address are kept: a port, and its SQL adapter."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from peel.identity.lockout import SourceRecord
from peel.identity.models import LoginFailure


class FailureStore(Protocol):
    def get(self, user_id: int, source: str) -> SourceRecord: ...

    def put(self, user_id: int, source: str, record: SourceRecord) -> None: ...

    def forget(self, user_id: int, source: str | None = None) -> None:
        """Forget one address's failures, or every address's when ``source`` is None."""


class SqlFailureStore:
    """Rows in ``login_failures``, inside the caller's transaction (so they commit with the audit entry)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, user_id: int, source: str) -> LoginFailure | None:
        return self.session.execute(
            select(LoginFailure).where(LoginFailure.user_id == user_id, LoginFailure.source == source)
        ).scalar_one_or_none()

    def get(self, user_id: int, source: str) -> SourceRecord:
        row = self._row(user_id, source)
        if row is None:
            return SourceRecord()
        return SourceRecord(row.failures, row.last_failure_at, row.blocked_until)

    def put(self, user_id: int, source: str, record: SourceRecord) -> None:
        assert record.last_failure_at is not None, "a stored record always follows a failure"
        row = self._row(user_id, source)
        if row is None:
            row = LoginFailure(user_id=user_id, source=source, failures=0, last_failure_at=record.last_failure_at)
            self.session.add(row)
        row.failures = record.failures
        row.last_failure_at = record.last_failure_at
        row.blocked_until = record.blocked_until
        self.session.flush()

    def forget(self, user_id: int, source: str | None = None) -> None:
        query = delete(LoginFailure).where(LoginFailure.user_id == user_id)
        if source is not None:
            query = query.where(LoginFailure.source == source)
        self.session.execute(query)

    def recent_total(self, user_id: int, since: datetime) -> int:
        """Failures to one account from every address whose last failure is after ``since`` (older ones decay)."""
        total = self.session.execute(
            select(func.coalesce(func.sum(LoginFailure.failures), 0)).where(
                LoginFailure.user_id == user_id, LoginFailure.last_failure_at > since
            )
        ).scalar_one()
        return int(total)

    def blocked_users(self, now: datetime) -> set[int]:
        """Users with at least one address currently waiting (for the administrators' list)."""
        rows = self.session.execute(select(LoginFailure.user_id).where(LoginFailure.blocked_until > now))
        return set(rows.scalars())
