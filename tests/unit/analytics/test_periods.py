"""Forecast periods are whole, consecutive and half-open."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from peel.analytics.periods import make_periods


def test_weekly_periods_are_consecutive_and_only_whole_ones_are_made() -> None:
    ps = make_periods(date(2019, 1, 1), date(2019, 1, 30), "7d")
    assert [(p.start_date.isoformat(), p.end_date.isoformat()) for p in ps] == [
        ("2019-01-01", "2019-01-08"),
        ("2019-01-08", "2019-01-15"),
        ("2019-01-15", "2019-01-22"),
        ("2019-01-22", "2019-01-29"),
    ]
    assert all(a.end == b.start for a, b in itertools.pairwise(ps))


def test_monthly_periods_follow_the_calendar() -> None:
    ps = make_periods(date(2019, 1, 1), date(2019, 7, 1), "1m")
    assert [p.end_date.isoformat() for p in ps][:3] == ["2019-02-01", "2019-03-01", "2019-04-01"]
    assert len(ps) == 6
    assert len(make_periods(date(2019, 1, 1), date(2019, 1, 3), "1d")) == 2


@pytest.mark.parametrize("spec", ["", "0d", "7x", "week"])
def test_bad_period_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        make_periods(date(2019, 1, 1), date(2019, 2, 1), spec)
