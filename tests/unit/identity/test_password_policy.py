"""The password policy: long enough, not the username, no runs or sequences, not a common or guessable password."""

from __future__ import annotations

import pytest

from peel.core.errors import InvalidInput
from peel.identity.passwords import check_strength, password_problem, temporary_password


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-one", "at least 12 characters"),
        ("aaaaaaaaaaaa", "repeats one character"),
        ("jess.smith-likes-tea", "must not contain the username"),
        ("my-abcdef-horse-ride", "in order"),
        ("zyx-987654-lemonade", "in order"),
        ("qwertyuiop-tea-time", "in order"),
        ("abababababab", "too few different characters"),
        ("password1234", "too easy to guess"),
        ("iloveyou2024", "too easy to guess"),
        ("Password123!", "too easy to guess"),
    ],
)
def test_it_refuses_a_weak_password_and_says_why(password: str, reason: str) -> None:
    problem = password_problem(password, "jess.smith")
    assert problem is not None and reason in problem


@pytest.mark.parametrize("password", ["correct-horse-battery-staple", "peel-demo-2026", "Tr0ub4dor&3-lantern"])
def test_it_accepts_a_strong_password(password: str) -> None:
    assert password_problem(password, "jess.smith") is None


def test_it_refuses_a_password_built_from_the_display_name() -> None:
    assert password_problem("Jessica Winterbourne", "jess", ("Jessica Winterbourne",)) is not None


def test_a_refusal_is_a_422() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_strength("aaaaaaaaaaaa")
    assert caught.value.status == 422


def test_a_temporary_password_passes_the_policy() -> None:
    first, second = temporary_password(), temporary_password()
    assert first != second and password_problem(first) is None


def test_it_refuses_a_common_password_in_disguise_and_the_users_own_name() -> None:
    from peel.identity.passwords import password_problem

    assert password_problem("P@ssw0rd2024!!", "jess") is not None
    assert password_problem("PC Jess Morgan 2026", "officer1", ("PC Jess Morgan",)) is not None
    assert password_problem("correct-horse-battery-staple", "jess", ("Jess Morgan",)) is None
