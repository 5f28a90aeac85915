"""Sign-in back-off: the pure rules that decide when an account, or one address trying it, must wait.

Failures are counted per account *and* source address, so a stranger guessing from one address slows only that
address: the real user signing in from theirs is not locked out. Past the threshold each further failure from that
address doubles its wait, up to a cap. Across all addresses a much higher count locks the account for a while and
flags it for an administrator (a spread-out attack), rather than locking it for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class BackoffRules:
    threshold: int = 5  # failures in a row from one address before it must wait
    first_wait: timedelta = timedelta(minutes=15)
    max_wait: timedelta = timedelta(hours=24)
    forget_after: timedelta = timedelta(hours=24)  # a quiet address starts again from zero
    account_threshold: int = 50  # failures from all addresses together before the account itself locks


@dataclass(frozen=True)
class SourceRecord:
    """What is remembered about failed sign-ins to one account from one address."""

    failures: int = 0
    last_failure_at: datetime | None = None
    blocked_until: datetime | None = None


def is_blocked(record: SourceRecord, now: datetime) -> bool:
    return record.blocked_until is not None and record.blocked_until > now


def wait_after(failures: int, rules: BackoffRules) -> timedelta | None:
    """How long an address must wait after this many failures in a row (None: it may try again at once)."""
    if failures < rules.threshold:
        return None
    doublings = min(failures - rules.threshold, 32)  # bounded so the multiplication cannot overflow
    wait: timedelta = rules.first_wait * (2**doublings)
    return min(wait, rules.max_wait)


def after_failure(record: SourceRecord, now: datetime, rules: BackoffRules) -> SourceRecord:
    """The record after one more failure; an address quiet for ``forget_after`` starts again from zero."""
    stale = record.last_failure_at is not None and now - record.last_failure_at >= rules.forget_after
    failures = 1 if stale else record.failures + 1
    wait = wait_after(failures, rules)
    return SourceRecord(failures, now, now + wait if wait else None)


def account_should_lock(failures_everywhere: int, rules: BackoffRules) -> bool:
    return failures_everywhere >= rules.account_threshold
