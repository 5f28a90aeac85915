"""The demo force: the same seed gives the same force; contact times follow the real hour-of-week profile."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from peel.demo import workforce as wf
from peel.demo.generator import generate
from peel.demo.profile import load_profile

POINTS = [(51.50 + i * 1e-4, -0.14 + i * 1e-4, f"Test Street {i % 7}") for i in range(200)]
END = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_the_same_seed_gives_the_same_force() -> None:
    a = generate(7, POINTS, load_profile(), people=150, days=14, end=END)
    b = generate(7, POINTS, load_profile(), people=150, days=14, end=END)
    c = generate(8, POINTS, load_profile(), people=150, days=14, end=END)
    assert [(p.forenames, p.surname, p.dob) for p in a.people] == [(p.forenames, p.surname, p.dob) for p in b.people]
    assert [(i.at, i.category) for i in a.incidents] == [(i.at, i.category) for i in b.incidents]
    assert [(i.at, i.category) for i in a.incidents] != [(i.at, i.category) for i in c.incidents]


def test_contact_times_follow_the_hour_of_week_profile() -> None:
    profile = np.array(load_profile())
    plan = generate(3, POINTS, list(profile), people=150, days=56, end=END)
    counts = np.zeros(168)
    for incident in plan.incidents:
        counts[incident.at.weekday() * 24 + incident.at.hour] += 1
    assert np.corrcoef(counts, profile)[0, 1] > 0.8
    assert all(END - timedelta(days=56) <= i.at < END + timedelta(hours=1) for i in plan.incidents)


def test_nuisance_callers_ring_often_and_rarely_need_police() -> None:
    plan = generate(5, POINTS, load_profile(), people=150, days=28, end=END)
    for who in plan.nuisance:
        calls = [i for i in plan.incidents if (who, "caller") in i.people]
        assert len(calls) >= 5
        assert sum(i.grade in ("G4", "G5") for i in calls) >= 0.8 * len(calls)


def test_synthetic_phone_numbers_are_in_the_drama_ranges() -> None:
    plan = generate(5, POINTS, load_profile(), people=150, days=2, end=END)
    for person in plan.people:
        for phone in person.phones:
            assert phone.startswith(("07700 900", "020 7946 0"))


def test_exactly_one_response_team_is_on_duty_at_every_hour() -> None:
    start = datetime(2026, 3, 1, tzinfo=wf.LONDON)
    for hour in range(24 * 16):
        moment = start + timedelta(hours=hour, minutes=30)
        on = [
            name
            for i, name in enumerate(wf.RESPONSE_TEAMS)
            for day in (moment.date(), moment.date() - timedelta(days=1))
            if wf.shift_on(i, day) != "rest"
            and wf.shift_window(wf.shift_on(i, day), day)[0] <= moment < wf.shift_window(wf.shift_on(i, day), day)[1]
        ]
        assert len(on) == 1, (moment, on)
        assert wf.response_team_at(moment) == on[0]


def test_the_force_has_about_sixty_officers_and_every_unit_is_crewed() -> None:
    staff = wf.officers(np.random.default_rng(1))
    assert 55 <= len(staff) <= 65
    assert len({o.collar for o in staff}) == len(staff)
    units = wf.units(staff)
    assert all(u.crew for u in units)
    assert date(2026, 1, 5).weekday() == 0
