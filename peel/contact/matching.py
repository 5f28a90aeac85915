"""Is this caller someone we know? Scoring a person record against what the caller told us, with the reasons.

Evidence adds up to a score from 0 to 1; each piece says itself in ``basis``:

===============================================  ======  ==================================================
evidence                                         weight  why
===============================================  ======  ==================================================
exact phone (E.164)                              +0.80   a number is usually one person's (strong alone)
name matches (Jaro-Winkler ≥ 0.92) + same DOB    +0.85   two independent facts agreeing (strong)
name similar (JW ≥ 0.85 or same surname sound)
  + same DOB                                     +0.65   a misspelt name with the right birthday (possible)
name matches alone                               +0.35   many people share a name (weak)
name similar alone                               +0.20
same date of birth alone                         +0.10   about 1 in 25,000 share it
DOB with day and month transposed + name         +0.20   a common keying error, on top of the name
same address (line and postcode)                 +0.30   households share addresses
same postcode only                               +0.10
DOB known on both sides and different            −0.40   strong evidence of a different person
names known on both sides and clearly different  −0.20   (JW < 0.70): a shared household phone, say
===============================================  ======  ==================================================

``strength`` is "strong" from 0.75, "possible" from 0.40, otherwise "weak". Names are compared without case,
accents or punctuation, on the first forename and the surname (and the other way round, for swapped fields), and
against the candidate's aliases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import jellyfish
from rapidfuzz import fuzz

from peel.core.errors import InvalidInput
from peel.core.geo import normalise_postcode
from peel.core.phone import to_e164
from peel.people.keys import surname_key

STRONG = 0.75
POSSIBLE = 0.40
NAME_MATCH = 0.92
NAME_SIMILAR = 0.85
NAME_DIFFERENT = 0.70
ADDRESS_SAME = 92.0  # rapidfuzz token_sort_ratio of normalised address lines
_POSTCODE_IN_LINE = re.compile(r"(?<![A-Z0-9])[A-Z]{1,2}[0-9][0-9A-Z]?\s?[0-9][A-Z]{2}(?![A-Z0-9])")


@dataclass(frozen=True)
class Candidate:
    """A sketch of a person record (or, with an empty ``ref``, of what a caller said)."""

    ref: str
    forenames: str = ""
    surname: str = ""
    dob: date | None = None
    phones: tuple[str, ...] = ()  # E.164
    postcodes: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()  # address lines as written, postcode included or not
    aliases: tuple[tuple[str, str], ...] = ()  # (forenames, surname)


@dataclass(frozen=True)
class Match:
    ref: str
    score: float
    strength: str  # "strong", "possible" or "weak"
    basis: tuple[str, ...]


@dataclass(frozen=True)
class _NameResult:
    similarity: float  # Jaro-Winkler, weighted 0.6 surname and 0.4 first forename
    sounds_alike: bool  # surnames share a metaphone or Soundex key (and forenames are close)
    exact: bool
    alias: str  # "" for the candidate's own name, else the alias matched
    surname_similarity: float = 0.0

    @property
    def effective(self) -> float:
        """Similarity with a surname that sounds the same counted as 0.95 alike (Smith and Smyth)."""
        lift = 0.6 * max(0.0, 0.95 - self.surname_similarity) if self.sounds_alike else 0.0
        return self.similarity + lift


def _fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces: ``O'Brien-Smith`` → ``o brien smith``."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z]+", " ", letters.lower()).split())


def _first(forenames: str) -> str:
    parts = _fold(forenames).split()
    return parts[0] if parts else ""


def _forename_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if len(a) == 1 or len(b) == 1:  # an initial agrees with a name but proves little
        return 0.9 if a[0] == b[0] else 0.0
    return jellyfish.jaro_winkler_similarity(a, b)


def _name_pair(q_fore: str, q_sur: str, c_fore: str, c_sur: str, alias: str) -> _NameResult:
    qs, cs = _fold(q_sur), _fold(c_sur)
    qf, cf = _first(q_fore), _first(c_fore)
    if not qs or not cs:
        return _NameResult(0.0, False, False, alias)
    surname = jellyfish.jaro_winkler_similarity(qs, cs)
    sounds = surname_key(qs) == surname_key(cs) or jellyfish.soundex(qs) == jellyfish.soundex(cs)
    if not qf or not cf:
        # A surname alone can be "similar" at best: it cannot tell family members apart.
        return _NameResult(min(surname, NAME_SIMILAR), False, False, alias)
    forename = _forename_similarity(qf, cf)
    exact = qs == cs and _fold(q_fore) == _fold(c_fore)
    return _NameResult(0.6 * surname + 0.4 * forename, sounds and forename >= 0.8, exact, alias, surname)


def _best_name(query: Candidate, candidate: Candidate) -> _NameResult | None:
    if not _fold(query.surname) or not (_fold(candidate.surname) or candidate.aliases):
        return None
    best = _NameResult(0.0, False, False, "")
    names = [(candidate.forenames, candidate.surname, "")] + [(f, s, f"{f} {s}".strip()) for f, s in candidate.aliases]
    for fore, sur, alias in names:
        for q_fore, q_sur in ((query.forenames, query.surname), (query.surname, query.forenames)):
            result = _name_pair(q_fore, q_sur, fore, sur, alias)
            if (result.exact, result.effective) > (best.exact, best.effective):
                best = result
    return best


def _dob_evidence(q: date | None, c: date | None) -> str:
    """ "same", "transposed", "different" or "unknown"."""
    if q is None or c is None:
        return "unknown"
    if q == c:
        return "same"
    if q.year == c.year and q.day == c.month and q.month == c.day:
        return "transposed"
    return "different"


def _norm_phone(raw: str) -> str | None:
    if raw.startswith("+"):
        return raw
    try:
        return to_e164(raw)
    except InvalidInput:
        return None


def _norm_postcodes(values: Iterable[str]) -> set[str]:
    out = set()
    for value in values:
        try:
            out.add(normalise_postcode(value))
        except InvalidInput:
            continue
    return out


def _address_key(line: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", line.upper()).split())


def _name_evidence(name: _NameResult | None, dob: str) -> tuple[float, list[str]]:
    if name is None:
        return (0.1, ["same date of birth"]) if dob == "same" else (0.0, [])
    label = "same name" if name.exact else f"name Jaro-Winkler {name.similarity:.2f}"
    if name.sounds_alike and not name.exact and name.similarity < NAME_MATCH:
        label += ", surname sounds the same"
    if name.alias:
        label += f" (alias {name.alias})"
    matched = name.exact or name.effective >= NAME_MATCH
    if matched or name.effective >= NAME_SIMILAR:
        if dob == "same":
            return (0.85 if matched else 0.65), [f"{label} + same date of birth"]
        score = 0.35 if matched else 0.20
        if dob == "transposed":
            return score + 0.20, [f"{label} + date of birth with day and month transposed"]
        return score, [label]
    score, basis = (0.1, ["same date of birth"]) if dob == "same" else (0.0, [])
    if name.effective < NAME_DIFFERENT:
        score -= 0.2
        basis.append(f"different name (Jaro-Winkler {name.similarity:.2f})")
    return score, basis


def match(query: Candidate, candidate: Candidate) -> Match:
    """How well ``candidate`` fits what the caller said, with every piece of evidence (see the module table)."""
    score = 0.0
    basis: list[str] = []
    q_phones = {p for p in (_norm_phone(x) for x in query.phones) if p}
    shared = sorted(q_phones & {p for p in (_norm_phone(x) for x in candidate.phones) if p})
    if shared:
        score += 0.80
        basis.append(f"exact phone {shared[0]}")
    dob = _dob_evidence(query.dob, candidate.dob)
    name_score, name_basis = _name_evidence(_best_name(query, candidate), dob)
    score += name_score
    basis.extend(name_basis)
    same_address = _same_address(query, candidate)
    if same_address:
        score += 0.30
        basis.append(f"same address {same_address}")
    else:
        postcodes = sorted(_norm_postcodes(query.postcodes) & _norm_postcodes(candidate.postcodes))
        if postcodes:
            score += 0.10
            basis.append(f"same postcode {postcodes[0]}")
    if dob == "different":
        score -= 0.40
        basis.append("different date of birth")
    score = round(min(1.0, max(0.0, score)), 4)
    strength = "strong" if score >= STRONG else "possible" if score >= POSSIBLE else "weak"
    return Match(candidate.ref, score, strength, tuple(basis))


def _split_address(line: str) -> tuple[str, set[str]]:
    """An address line's comparable words without its postcode, and the postcode(s) it contained."""
    upper = line.upper()
    codes = _norm_postcodes(m.group(0) for m in _POSTCODE_IN_LINE.finditer(upper))
    return _address_key(_POSTCODE_IN_LINE.sub(" ", upper)), codes


def _same_address(query: Candidate, candidate: Candidate) -> str:
    """The candidate's address (with its postcode) when it matches one of the caller's, else ""."""
    q_listed, c_listed = _norm_postcodes(query.postcodes), _norm_postcodes(candidate.postcodes)
    for q_line in query.addresses:
        q_key, q_codes = _split_address(q_line)
        q_codes = q_codes or q_listed
        for c_line in candidate.addresses:
            c_key, c_codes = _split_address(c_line)
            c_codes = c_codes or c_listed
            if not q_key or not c_key or fuzz.token_sort_ratio(q_key, c_key) < ADDRESS_SAME:
                continue
            # The same street line in another town is another address: postcodes, where both have one, agree.
            if q_codes and c_codes and not q_codes & c_codes:
                continue
            shown = c_line.strip()
            extra = sorted(c_codes & q_codes if q_codes else c_codes)
            if extra and extra[0] not in shown.upper():
                shown = f"{shown} {extra[0]}"
            return shown
    return ""


def rank(query: Candidate, candidates: Sequence[Candidate], limit: int = 10, min_score: float = 0.0) -> list[Match]:
    """The best ``limit`` matches, highest score first (ties by reference), leaving out scores of ``min_score``
    or less."""
    matches = [m for m in (match(query, c) for c in candidates) if m.score > min_score]
    matches.sort(key=lambda m: (-m.score, m.ref))
    return matches[:limit]
