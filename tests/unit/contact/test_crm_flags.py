"""CRM flags for the call handler: repeat and nuisance callers, repeat victims and locations, markers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peel.contact.flags import Flag, FlagRules, Marker, PastContact, assess, flags_for
from peel.core.errors import InvalidInput

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def calls(days_ago: list[float], outcome: str = "no_police_action", role: str = "caller") -> list[PastContact]:
    return [PastContact(NOW - timedelta(days=d), "101", "G5", outcome, role) for d in days_ago]


def kinds(flags: list[Flag]) -> list[str]:
    return [f.kind for f in flags]


def test_three_calls_in_28_days_make_a_repeat_caller() -> None:
    flags = flags_for(calls([1, 10, 27], "deployed"), NOW)
    assert kinds(flags) == ["repeat_caller"]
    assert flags[0].reason == "3 contacts in the last 28 days"


def test_two_calls_in_28_days_are_not_a_repeat_caller() -> None:
    assert flags_for(calls([1, 10, 40], "deployed"), NOW) == []


def test_a_nuisance_caller_has_many_contacts_and_few_needing_police() -> None:
    history = calls([1, 5, 12, 30, 44, 60]) + calls([70], "deployed")
    nuisance = [f for f in flags_for(history, NOW) if f.kind == "nuisance_caller"]
    assert nuisance[0].reason == "7 contacts in the last 90 days, 1 needed police (14 %)"


def test_a_frequent_caller_whose_calls_need_police_is_not_a_nuisance() -> None:
    history = calls([1, 5, 12], "deployed") + calls([30, 44], "resolved_without_deployment")
    assert "nuisance_caller" not in kinds(flags_for(history, NOW))


def test_exactly_twenty_percent_needing_police_is_still_nuisance() -> None:
    history = calls([1, 2, 3, 50]) + calls([60], "deployed")
    assert "nuisance_caller" in kinds(flags_for(history, NOW))


def test_pending_contacts_count_as_contacts_but_not_in_the_police_share() -> None:
    history = calls([1, 2, 3, 4]) + calls([5], "pending")
    nuisance = next(f for f in flags_for(history, NOW) if f.kind == "nuisance_caller")
    assert nuisance.reason == "5 contacts in the last 90 days, 0 of 4 with an outcome needed police (0 %)"


def test_a_caller_with_mostly_pending_contacts_is_not_labelled_a_nuisance() -> None:
    history = calls([1, 2]) + calls([3, 4, 5], "pending")
    assert "nuisance_caller" not in kinds(flags_for(history, NOW))


def test_nuisance_thresholds_are_configurable() -> None:
    rules = FlagRules(nuisance_contacts=3, nuisance_max_police_share=0.5)
    history = calls([1, 2]) + calls([3], "deployed")
    assert "nuisance_caller" in kinds(flags_for(history, NOW, rules=rules))


def test_a_victim_twice_in_twelve_months_is_a_repeat_victim() -> None:
    flags = flags_for(calls([20, 300], "deployed", role="victim"), NOW)
    assert kinds(flags) == ["repeat_victim"]
    assert flags[0].reason == "a victim 2 times in the last 12 months"


def test_one_incident_reported_twice_is_one_victimisation() -> None:
    history = [
        PastContact(NOW - timedelta(days=3), "999", "G1", "deployed", "victim", incident_ref="INC-1"),
        PastContact(NOW - timedelta(days=3), "101", "G1", "deployed", "victim", incident_ref="INC-1"),
    ]
    assert "repeat_victim" not in kinds(flags_for(history, NOW))


def test_three_incidents_at_one_place_in_28_days_make_a_repeat_location() -> None:
    place = [
        PastContact(NOW - timedelta(days=d), "999", "G2", "deployed", location_key="LOC-7", incident_ref=f"INC-{d}")
        for d in (2, 9, 20)
    ]
    flags = flags_for([], NOW, location_history=place)
    assert kinds(flags) == ["repeat_location"]
    assert flags[0].reason == "3 incidents at this location in the last 28 days"
    assert flags[0].code == "LOC-7"


def test_markers_pass_through_as_flags_with_reasons() -> None:
    markers = [Marker("vulnerability", "mental_health"), Marker("warning", "weapons", "knife")]
    flags = flags_for([], NOW, markers=markers)
    assert [(f.kind, f.reason) for f in flags] == [
        ("warning", "warning marker: weapons (knife)"),
        ("vulnerability", "vulnerability marker: mental health"),
    ]


def test_an_unknown_marker_kind_is_refused() -> None:
    with pytest.raises(InvalidInput):
        flags_for([], NOW, markers=[Marker("rumour", "x")])


def test_officer_safety_comes_first_and_the_nuisance_label_last() -> None:
    history = calls([1, 2, 3, 4, 5]) + calls([100, 200], "deployed", role="victim")
    flags = flags_for(history, NOW, markers=[Marker("warning", "violent")])
    assert kinds(flags) == ["warning", "repeat_victim", "repeat_caller", "nuisance_caller"]


def test_contacts_after_now_are_not_history() -> None:
    future = calls([-1, -2, -3])
    assert flags_for(future, NOW) == []


def test_flags_are_the_same_whatever_the_order_of_history() -> None:
    history = calls([1, 5, 12, 30, 44, 60]) + calls([70], "deployed")
    assert flags_for(history, NOW) == flags_for(list(reversed(history)), NOW)


def test_the_lookup_form_takes_place_times_and_marker_pairs() -> None:
    place = [NOW - timedelta(days=d) for d in (1, 2, 3)]
    flags = assess([], place, [("warning", "firearms")], NOW)
    assert kinds(flags) == ["warning", "repeat_location"]


def test_invalid_thresholds_are_refused() -> None:
    with pytest.raises(InvalidInput):
        FlagRules(nuisance_max_police_share=1.5)
