"""Entities in a contact's free text: UK phone numbers, vehicle registrations, postcodes and weapon words.

Each finding keeps its span, so the console can highlight it and suggest a link (a phone to a person, a mark to a
vehicle, a postcode to a place) or a warning ("weapon mentioned: knife"). Candidates are found with deliberately
narrow patterns and then confirmed by the platform's own validators (``to_e164``, ``normalise_postcode``,
``normalise_vrm``), so a match is something Peel would accept as a record key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from peel.core.errors import InvalidInput
from peel.core.geo import normalise_postcode
from peel.core.phone import to_e164
from peel.people.vrm import display_vrm, normalise_vrm

EntityKind = Literal["phone", "vrm", "postcode", "weapon"]
# Where findings overlap, the earlier kind in this order wins (a phone's digits are not also part of anything).
_PRIORITY: dict[str, int] = {"phone": 0, "postcode": 1, "vrm": 2, "weapon": 3}


@dataclass(frozen=True)
class Entity:
    kind: EntityKind
    value: str  # normalised: E.164, compact VRM (``AB12CDE``), postcode (``W2 1XJ``), canonical weapon word
    start: int
    end: int
    text: str  # exactly ``source[start:end]``


# UK numbers: +44 / 0044 (optionally "(0)") or a trunk 0, then 9–10 national digits, separated by single spaces,
# hyphens or dots, or around a bracketed area code. Not preceded or followed by more digits (a longer number).
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44[\s.-]?(?:\(0\)[\s.-]?)?\(?|\(?0)"
    r"\d(?:\)?[\s.-]?\(?\d){7,10}(?![\d])",
    re.ASCII,
)
# Current marks (2001–): two letters (never I, Q, Z), an age identifier (02–29 March, 51–79 September), three
# letters (never I or Q). So distinctive that any case is accepted ("ab12 cde" as typed in a hurry).
_VRM_CURRENT = re.compile(
    r"(?<![\w])[A-HJ-PR-Y]{2}(?:0[2-9]|[12][0-9]|5[1-9]|[67][0-9])\s?[A-HJ-PR-Z]{3}(?![\w])", re.IGNORECASE
)
# Prefix (A123 BCD, 1983–2001) and suffix (ABC 123D, 1963–1983) marks collide with ordinary words in lower case
# ("a1 the"), so they are only taken as typed on the plate: in capitals. Year letters never use I, O, Q, U, Z.
_VRM_PREFIX = re.compile(r"(?<![\w])[A-HJ-NPR-TV-Y][1-9][0-9]{0,2}\s?[A-HJ-PR-Y]{3}(?![\w])")
_VRM_SUFFIX = re.compile(r"(?<![\w])[A-HJ-PR-Y]{3}\s?[1-9][0-9]{0,2}\s?[A-HJ-NPR-TV-Y](?![\w])")
# Postcodes in any case, at most one space between outward and inward code; normalise_postcode then applies the
# Royal Mail letter rules.
_POSTCODE = re.compile(r"(?<![\w])[A-Z]{1,2}[0-9][0-9A-Z]?\s?[0-9][A-Z]{2}(?![\w])", re.IGNORECASE)

# Weapon words: canonical word → (kind of weapon, the forms that mean it). Whole words only, so "hammer" is not
# found in "Hammersmith" nor "axe" in "taxes".
_WEAPONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "knife": ("blade", ("knife", "knives", "knifed", "knifing", "knifeman", "knifemen", "zombie knife")),
    "blade": ("blade", ("blade", "blades", "bladed")),
    "machete": ("blade", ("machete", "machetes")),
    "sword": ("blade", ("sword", "swords", "samurai sword")),
    "cleaver": ("blade", ("cleaver", "cleavers", "meat cleaver")),
    "stabbing": ("blade", ("stab", "stabs", "stabbed", "stabbing", "stabbings")),
    "gun": ("firearm", ("gun", "guns", "gunman", "gunmen", "gunpoint", "handgun", "handguns")),
    "firearm": ("firearm", ("firearm", "firearms")),
    "shotgun": ("firearm", ("shotgun", "shotguns", "sawn-off", "sawn off", "sawn-off shotgun", "sawn off shotgun")),
    "pistol": ("firearm", ("pistol", "pistols", "revolver", "revolvers")),
    "rifle": ("firearm", ("rifle", "rifles", "air rifle")),
    "crossbow": ("other", ("crossbow", "crossbows")),
    "axe": ("blunt", ("axe", "axes", "hatchet", "hatchets")),
    "hammer": ("blunt", ("hammer", "hammers")),
    "baseball bat": ("blunt", ("baseball bat", "baseball bats")),
    "acid": ("corrosive", ("acid", "acids", "corrosive", "noxious substance")),
    "taser": ("other", ("taser", "tasers", "stun gun")),
}
_WEAPON_FORMS: dict[str, str] = {form: canonical for canonical, (_, forms) in _WEAPONS.items() for form in forms}
# Longest forms first, so "zombie knife" is one finding rather than "knife" inside it; spaces match any
# whitespace run.
_WEAPON = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(_WEAPON_FORMS, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)


# Phrases where a weapon word is anatomy, not a weapon.
_NOT_A_WEAPON = re.compile(r"shoulder[\s-]+$", re.IGNORECASE)


def weapon_kind(canonical: str) -> str:
    """``blade``, ``firearm``, ``blunt``, ``corrosive`` or ``other`` for a canonical weapon word."""
    return _WEAPONS[canonical][0]


def _uk_e164(raw: str) -> str | None:
    try:
        e164 = to_e164(raw, "GB")
    except InvalidInput:
        return None
    national = e164.removeprefix("+44")
    # UK national numbers are 10 digits, or 9 for a few old geographic and 0800 numbers.
    if e164.startswith("+44") and (len(national) == 10 or (len(national) == 9 and national[0] in "18")):
        return e164
    return None


def _phones(text: str) -> list[Entity]:
    found: list[Entity] = []
    for m in _PHONE.finditer(text):
        start = m.start()
        # A bracket opened before the area code but left unclosed is not part of the number.
        if text[start] == "(" and ")" not in m.group(0):
            start += 1
        # The pattern is greedy ("07700 900123 2 people" runs on into the 2), so try each shorter ending that
        # stops after a digit, longest first.
        ends = [i + 1 for i in range(m.end() - 1, start, -1) if text[i].isdigit()]
        for end in ends:
            if end < m.end() and text[end].isdigit():
                continue
            e164 = _uk_e164(text[start:end])
            if e164 is not None:
                found.append(Entity("phone", e164, start, end, text[start:end]))
                break
    return found


def _vrms(text: str) -> list[Entity]:
    found: list[Entity] = []
    for pattern in (_VRM_CURRENT, _VRM_PREFIX, _VRM_SUFFIX):
        for m in pattern.finditer(text):
            try:
                compact = normalise_vrm(m.group(0))
            except InvalidInput:
                continue
            found.append(Entity("vrm", compact, m.start(), m.end(), m.group(0)))
    return found


def _postcodes(text: str) -> list[Entity]:
    found: list[Entity] = []
    for m in _POSTCODE.finditer(text):
        try:
            postcode = normalise_postcode(m.group(0))
        except InvalidInput:
            continue
        found.append(Entity("postcode", postcode, m.start(), m.end(), m.group(0)))
    return found


def _weapons(text: str) -> list[Entity]:
    found: list[Entity] = []
    for m in _WEAPON.finditer(text):
        if _NOT_A_WEAPON.search(text, max(0, m.start() - 12), m.start()):
            continue
        form = " ".join(m.group(0).lower().split())
        found.append(Entity("weapon", _WEAPON_FORMS[form], m.start(), m.end(), m.group(0)))
    return found


def extract(text: str) -> list[Entity]:
    """Every phone number, vehicle mark, postcode and weapon word in ``text``, in order of appearance.

    Overlapping candidates are resolved by kind (phone, postcode, vehicle mark, weapon), then by length.
    """
    candidates = _phones(text) + _postcodes(text) + _vrms(text) + _weapons(text)
    candidates.sort(key=lambda e: (_PRIORITY[e.kind], -(e.end - e.start), e.start))
    kept: list[Entity] = []
    for entity in candidates:
        if all(entity.end <= k.start or entity.start >= k.end for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: (e.start, e.end))


def warnings(entities: list[Entity] | tuple[Entity, ...]) -> tuple[str, ...]:
    """Officer-safety warnings from extracted entities, once each, in order of first mention.

    ``weapon mentioned: knife``; firearms say so (``weapon mentioned: gun (firearm)``) because they change who
    is sent.
    """
    seen: list[str] = []
    for entity in entities:
        if entity.kind != "weapon":
            continue
        suffix = " (firearm)" if weapon_kind(entity.value) == "firearm" else ""
        message = f"weapon mentioned: {entity.value}{suffix}"
        if message not in seen:
            seen.append(message)
    return tuple(seen)


def describe(entity: Entity) -> str:
    """A short label for the console: ``phone +447700900123``, ``vehicle AB12 CDE``, ``postcode W2 1XJ``."""
    if entity.kind == "vrm":
        return f"vehicle {display_vrm(entity.value)}"
    return f"{entity.kind} {entity.value}"
