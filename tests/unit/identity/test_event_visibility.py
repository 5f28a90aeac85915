"""may_see_event: a live or replayed event is shown by the same rule as reading its object."""

from __future__ import annotations

from dataclasses import dataclass

from peel.events.domain import Delivered, DomainEvent, split_payload
from peel.identity.access import may_see_event


@dataclass(frozen=True)
class Viewer:
    user_id: int
    role: str
    team_id: int | None


def event(
    object_type: str = "incident", team: int | None = 7, restricted: bool = False, grants: tuple[int, ...] = ()
) -> Delivered:
    at = "2026-11-22T00:00:00+00:00"
    return Delivered(1, "e1", "Happened", object_type, "REF-1", team, {}, at, restricted, grants)


def test_it_hides_a_restricted_incident_from_every_force_wide_role() -> None:
    for role in ("call_handler", "dispatcher", "investigator", "supervisor", "analyst"):
        assert may_see_event(Viewer(1, role, 7), event())
        assert not may_see_event(Viewer(1, role, 7), event(restricted=True))


def test_it_shows_a_restricted_event_to_a_user_it_is_granted_to() -> None:
    assert may_see_event(Viewer(5, "dispatcher", None), event(restricted=True, grants=(5,)))
    assert not may_see_event(Viewer(6, "dispatcher", None), event(restricted=True, grants=(5,)))


def test_it_keeps_team_scoped_roles_to_their_team_or_grants() -> None:
    assert may_see_event(Viewer(1, "officer", 7), event())
    assert not may_see_event(Viewer(1, "officer", 8), event())
    assert may_see_event(Viewer(1, "officer", 8), event(grants=(1,)))


def test_it_shows_a_prosecutor_only_the_cases_shared_with_them() -> None:
    assert may_see_event(Viewer(3, "prosecutor", None), event("case", grants=(3,)))
    assert not may_see_event(Viewer(3, "prosecutor", None), event("case"))
    assert not may_see_event(Viewer(3, "prosecutor", None), event("incident", grants=(3,)))
    assert not may_see_event(Viewer(4, "auditor", None), event())


def test_the_access_facts_travel_in_the_outbox_payload_and_never_reach_a_browser() -> None:
    raised = DomainEvent("CaseOpened", "case", "CASE-1", {"title": "x"}, 7, restricted=True, grants=(3, 4))
    payload, restricted, grants = split_payload(raised.stored_payload())
    assert payload == {"title": "x"} and restricted and grants == (3, 4)
    delivered = event("case", restricted=True, grants=(3, 4))
    assert Delivered.from_dict(delivered.as_dict()) == delivered  # across processes (Redis) with the facts
    assert "grants" not in delivered.as_dict(with_access=False)
