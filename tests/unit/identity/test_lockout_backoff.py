"""The back-off rules alone: per-address waits that double, a cap, forgetting, and the account-wide net."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from peel.identity.lockout import (
    BackoffRules,
    SourceRecord,
    account_should_lock,
    after_failure,
    is_blocked,
    wait_after,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
RULES = BackoffRules(threshold=5, first_wait=timedelta(minutes=15), account_threshold=50)


def fail(times: int, start: SourceRecord = SourceRecord(), at: datetime = NOW) -> SourceRecord:
    record = start
    for _ in range(times):
        record = after_failure(record, at, RULES)
    return record


def test_it_lets_an_address_keep_trying_below_the_threshold() -> None:
    record = fail(4)
    assert record.failures == 4 and not is_blocked(record, NOW)


def test_it_makes_an_address_wait_at_the_threshold() -> None:
    record = fail(5)
    assert record.blocked_until == NOW + timedelta(minutes=15)
    assert is_blocked(record, NOW + timedelta(minutes=14)) and not is_blocked(record, NOW + timedelta(minutes=15))


def test_it_doubles_the_wait_with_each_further_failure() -> None:
    assert [wait_after(n, RULES) for n in (5, 6, 7, 8)] == [timedelta(minutes=15 * 2**k) for k in range(4)]


def test_it_caps_the_wait() -> None:
    assert wait_after(60, RULES) == RULES.max_wait
    assert wait_after(10_000, RULES) == RULES.max_wait


def test_it_forgets_an_address_that_has_been_quiet_long_enough() -> None:
    record = fail(7)
    later = NOW + RULES.forget_after
    assert after_failure(record, later, RULES) == SourceRecord(1, later, None)


def test_it_locks_the_account_only_at_the_much_higher_account_wide_count() -> None:
    assert not account_should_lock(49, RULES)
    assert account_should_lock(50, RULES)
