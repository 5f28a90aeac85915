"""The access policy: deny by default, scopes by relation, restricted records need a grant."""

from __future__ import annotations

import pytest

from peel.identity import policy
from peel.identity.policy import Relation


def test_an_unknown_action_is_denied_to_every_role() -> None:
    for role in policy.ROLES:
        assert not policy.may_attempt(role, "incident.delete_everything")
        assert not policy.may(role, "incident.delete_everything", Relation(shared_with_me=True))


def test_an_unknown_role_is_denied_everything() -> None:
    assert not any(policy.may_attempt("intruder", action) for action in policy.POLICY)


def test_team_scope_needs_the_same_team() -> None:
    assert policy.may("officer", "incident.read", Relation(same_team=True))
    assert not policy.may("officer", "incident.read", Relation(same_team=False))


def test_a_prosecutor_sees_only_cases_shared_with_them() -> None:
    assert not policy.may("prosecutor", "case.read", Relation(same_team=True))
    assert policy.may("prosecutor", "case.read", Relation(shared_with_me=True))
    assert not policy.may_attempt("prosecutor", "incident.read")
    assert not policy.may_attempt("prosecutor", "person.search")


@pytest.mark.parametrize("role", ["call_handler", "supervisor", "investigator"])
def test_a_restricted_record_needs_a_grant_even_with_force_wide_scope(role: str) -> None:
    assert not policy.may(role, "person.read", Relation(same_team=True, restricted=True))
    assert policy.may(role, "person.read", Relation(restricted=True, shared_with_me=True))


def test_the_auditor_verifies_the_log_but_reads_no_police_records() -> None:
    assert policy.may_attempt("auditor", "audit.verify")
    for action in ("incident.read", "person.read", "case.read", "vehicle.read"):
        assert not policy.may_attempt("auditor", action)


def test_every_role_may_manage_its_own_account_and_only_admin_manages_users() -> None:
    assert all(policy.may_attempt(role, "account.self") for role in policy.ROLES)
    assert policy.roles_allowed("user.manage") == ["admin"]


def test_public_actions_are_separate_from_staff_actions() -> None:
    assert not set(policy.PUBLIC_ACTIONS) & set(policy.POLICY)
    assert all(action.startswith("public.") for action in policy.PUBLIC_ACTIONS)
