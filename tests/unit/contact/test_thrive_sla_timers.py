"""SLA timers: how long is left, by how much a target was missed, and what happened at attendance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peel.contact.thrive import GradeTargets, deadline_at, humanise, sla_state
from peel.core.errors import InvalidInput

OPENED = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)


def test_g1_urban_is_due_fifteen_minutes_after_opening() -> None:
    assert deadline_at("G1", OPENED, True) == OPENED + timedelta(minutes=15)


def test_g1_rural_is_due_twenty_minutes_after_opening() -> None:
    assert deadline_at("G1", OPENED, False) == OPENED + timedelta(minutes=20)


def test_g3_appointments_are_due_within_48_hours_by_default() -> None:
    assert deadline_at("G3", OPENED, True) == OPENED + timedelta(hours=48)


@pytest.mark.parametrize("grade", ["G4", "G5"])
def test_resolution_without_deployment_has_no_attendance_deadline(grade: str) -> None:
    assert deadline_at(grade, OPENED, True) is None
    state = sla_state(grade, OPENED, OPENED + timedelta(days=3))
    assert state.breached is False and state.remaining is None
    assert "no attendance target" in state.label


def test_an_unknown_grade_is_refused() -> None:
    with pytest.raises(InvalidInput):
        deadline_at("G0", OPENED, True)


def test_the_timer_counts_down_before_the_deadline() -> None:
    state = sla_state("G2", OPENED, OPENED + timedelta(minutes=20))
    assert state.remaining == timedelta(minutes=40)
    assert state.breached is False
    assert state.label == "40 min left (target 1 h)"


def test_the_timer_shows_the_breach_after_the_deadline() -> None:
    state = sla_state("G1", OPENED, OPENED + timedelta(minutes=22), urban=True)
    assert state.breached is True
    assert state.remaining == timedelta(minutes=-7)
    assert state.label == "breached by 7 min (target 15 min)"


def test_arriving_exactly_at_the_deadline_meets_it() -> None:
    state = sla_state("G1", OPENED, OPENED + timedelta(hours=1), OPENED + timedelta(minutes=15))
    assert state.breached is False and state.attended is True


def test_the_timer_stops_at_attendance() -> None:
    attended = OPENED + timedelta(minutes=9)
    early = sla_state("G1", OPENED, OPENED + timedelta(hours=5), attended)
    assert early.breached is False
    assert early.remaining == timedelta(minutes=6)
    assert early.label == "attended in 9 min (target 15 min)"


def test_late_attendance_is_a_breach_with_how_late() -> None:
    state = sla_state("G2", OPENED, OPENED + timedelta(hours=5), OPENED + timedelta(minutes=75))
    assert state.breached is True
    assert state.label == "attended in 1 h 15 min, 15 min late (target 1 h)"


def test_force_targets_change_the_timer() -> None:
    targets = GradeTargets(g2=timedelta(minutes=30))
    assert sla_state("G2", OPENED, OPENED + timedelta(minutes=31), targets=targets).breached is True


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(seconds=45), "45 s"),
        (timedelta(minutes=15), "15 min"),
        (timedelta(hours=1, minutes=5), "1 h 5 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(hours=48), "48 h"),
        (timedelta(days=4, hours=3), "4 d 3 h"),
        (timedelta(minutes=-7), "7 min"),
    ],
)
def test_durations_read_naturally(span: timedelta, text: str) -> None:
    assert humanise(span) == text
