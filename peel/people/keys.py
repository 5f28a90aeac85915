"""Phonetic keys for names, stored so that fuzzy name look-ups can use an index instead of scanning everyone."""

from __future__ import annotations

import jellyfish


def surname_key(surname: str) -> str:
    """Metaphone of the surname's letters: ``Smyth`` and ``Smith`` share ``SM0``."""
    letters = "".join(ch for ch in surname.upper() if ch.isalpha())
    return jellyfish.metaphone(letters)[:24] if letters else ""
