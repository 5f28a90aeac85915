"""Passwords: the strength policy (pure), and argon2id hashing and verification.

Verification goes through one ``Passwords`` object built by ``create_app``. It holds a dummy argon2 hash made once
at start-up, so a sign-in for an unknown username costs the same one argon2 verification as a known one and the
answer's timing does not reveal which usernames exist.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from peel.core.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" against an offline attack on a slow hash
LONGEST_RUN = 3  # "aaaa" is refused
LONGEST_SEQUENCE = 4  # "abcde" or "54321" is refused
_ALPHABETS = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def password_problem(password: str, username: str = "", others: tuple[str, ...] = ()) -> str | None:
    """Why this password is refused, in words for the person choosing it; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"passwords need at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"passwords may have at most {MAX_LENGTH} characters"
    lowered = password.lower()
    name = username.strip().lower()
    if len(name) >= 3 and name in lowered:
        return "the password must not contain the username"
    if re.search(rf"(.)\1{{{LONGEST_RUN}}}", lowered):
        return f"the password repeats one character more than {LONGEST_RUN} times in a row"
    if _has_sequence(lowered):
        return f"the password contains a run of more than {LONGEST_SEQUENCE} letters or digits in order"
    if len(set(lowered)) < 5:
        return "the password uses too few different characters"
    words = [w for u in (name, *others) for w in re.split(r"[^a-z0-9]+", u.lower()) if len(w) >= 3]
    own = [re.sub(r"[^a-z]", "", u.lower()) for u in (name, *others) if u]
    if _common_at_heart(lowered, own):
        return "the password is too easy to guess: a common password or a name, with digits or symbols around it"
    verdict = zxcvbn(password[:100], user_inputs=[*words, *(u for u in (name, *others) if u)])
    if verdict["score"] < MIN_SCORE:
        warning = verdict["feedback"]["warning"] or "it is too easy to guess"
        return f"the password is too easy to guess: {warning.rstrip('.')}. Try a few uncommon words together"
    return None


_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})
COMMON_RANK = 10_000  # the most common passwords in zxcvbn's list that no disguise makes acceptable


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_RANK])


def _common_at_heart(lowered: str, own: list[str]) -> bool:
    """``P@ssw0rd2024!!`` is ``password``; ``PC Jess Morgan 2026`` is the user's own name: both are refused."""
    letters = re.sub(r"[^a-z]", "", lowered.translate(_LEET))
    core = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered).translate(_LEET)
    core_letters = re.sub(r"[^a-z]", "", core)
    if core_letters in _common() or letters in _common():
        return True
    plain = re.sub(r"[^a-z]", "", lowered)
    return any(len(name) >= 4 and name in (letters, plain, core_letters) for name in own)  # one's own name


def check_strength(password: str, username: str = "", others: tuple[str, ...] = ()) -> None:
    problem = password_problem(password, username, others)
    if problem:
        raise InvalidInput(problem)


def _has_sequence(text: str) -> bool:
    span = LONGEST_SEQUENCE + 1
    for alphabet in _ALPHABETS:
        for forwards in (alphabet, alphabet[::-1]):
            if any(forwards[i : i + span] in text for i in range(len(forwards) - span + 1)):
                return True
    return False


def temporary_password() -> str:
    """A random password an administrator hands over; the user must change it at their next sign-in."""
    while True:
        candidate = "-".join(secrets.token_urlsafe(6) for _ in range(3))
        if password_problem(candidate) is None:
            return candidate


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str, username: str = "", others: tuple[str, ...] = ()) -> str:
    check_strength(password, username, others)
    return _hasher().hash(password)


class Passwords:
    """Verifies passwords with argon2; built once at start-up with the dummy hash used for unknown users."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or _hasher()
        self._dummy = self._hasher.hash(secrets.token_urlsafe(24))

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when the password matches; with no stored hash it verifies the dummy, so the cost is the same."""
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False
