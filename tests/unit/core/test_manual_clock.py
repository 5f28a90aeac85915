"""The manual clock moves only when told to, and never backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peel.core.clock import ManualClock

START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_it_reads_the_same_time_until_advanced() -> None:
    clock = ManualClock(START)
    assert clock() == clock() == START
    assert clock.advance(minutes=16) == START + timedelta(minutes=16)
    assert clock() == START + timedelta(minutes=16)


def test_it_refuses_to_run_backwards_or_to_start_naive() -> None:
    clock = ManualClock(START)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError):
        clock.set(START - timedelta(days=1))
    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 1, 1))
