"""CRM flags shown to a call handler the moment a caller, victim or place is recognised.

From a person's or a location's past contacts this module says, with the numbers behind it: repeat caller,
nuisance caller (many contacts, few needing police), repeat victim, repeat location, and passes through the
person's warning and vulnerability markers. Pure and deterministic: ``now`` is a parameter, and contacts after
``now`` are ignored (they cannot be history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from peel.core.errors import InvalidInput

# Outcomes that mean police were needed: attended, or resolved by police without attending (a telephone or
# online investigation is still police work). "no_police_action" is the nuisance signature; "pending" has no
# outcome yet and does not count either way.
POLICE_OUTCOMES = frozenset({"deployed", "resolved_without_deployment"})
PENDING = "pending"
# Order in which flags are shown: officer safety first, the nuisance label last so it never hides a need.
FLAG_ORDER = ("warning", "vulnerability", "repeat_victim", "repeat_location", "repeat_caller", "nuisance_caller")


@dataclass(frozen=True)
class PastContact:
    at: datetime
    channel: str
    grade: str | None
    outcome: str  # "pending", "deployed", "resolved_without_deployment", "no_police_action"
    role: str = "caller"  # the person's role in this contact: "caller", "victim", ...
    location_key: str | None = None  # a stable key for the place (location ref, UPRN or normalised address)
    incident_ref: str | None = None  # several calls about one incident count once where incidents are counted


@dataclass(frozen=True)
class Marker:
    kind: str  # "warning" or "vulnerability"
    code: str  # e.g. "weapons", "mental_health"
    note: str = ""


@dataclass(frozen=True)
class Flag:
    kind: str  # one of FLAG_ORDER
    reason: str
    code: str | None = None  # the marker code for marker flags; the location key for repeat locations


@dataclass(frozen=True)
class FlagRules:
    """Thresholds (force settings). Defaults follow common control-room practice and are explained per field."""

    # Repeat caller: 3 or more contacts within 28 days (a month of calls that a neighbourhood team should see).
    repeat_caller_contacts: int = 3
    repeat_caller_days: int = 28
    # Nuisance caller: 5 or more contacts within 90 days of which at most 20 % needed police, judged only once
    # at least 3 of them have an outcome (a new caller with pending calls is not labelled on no evidence).
    nuisance_contacts: int = 5
    nuisance_days: int = 90
    nuisance_max_police_share: float = 0.20
    nuisance_min_decided: int = 3
    # Repeat victim: a victim 2 or more times within 12 months (the usual definition in victim care).
    repeat_victim_times: int = 2
    repeat_victim_days: int = 365
    # Repeat location: 3 or more incidents at one place within 28 days.
    repeat_location_incidents: int = 3
    repeat_location_days: int = 28

    def __post_init__(self) -> None:
        counts = (self.repeat_caller_contacts, self.nuisance_contacts, self.repeat_victim_times)
        days = (self.repeat_caller_days, self.nuisance_days, self.repeat_victim_days, self.repeat_location_days)
        if min((*counts, self.repeat_location_incidents)) < 1 or min(days) < 1 or self.nuisance_min_decided < 0:
            raise InvalidInput("flag thresholds and windows must be positive")
        if not 0.0 <= self.nuisance_max_police_share <= 1.0:
            raise InvalidInput("the nuisance police share must be between 0 and 1")


def _within(contacts: Iterable[PastContact], now: datetime, days: int) -> list[PastContact]:
    since = now - timedelta(days=days)
    return [c for c in contacts if since <= c.at <= now]


def _incidents(contacts: Sequence[PastContact]) -> int:
    """Distinct incidents: contacts sharing an incident reference count once; unreferenced ones count singly."""
    refs = {c.incident_ref for c in contacts if c.incident_ref is not None}
    return len(refs) + sum(1 for c in contacts if c.incident_ref is None)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def repeat_caller(history: Sequence[PastContact], now: datetime, rules: FlagRules) -> Flag | None:
    calls = _within((c for c in history if c.role == "caller"), now, rules.repeat_caller_days)
    if len(calls) < rules.repeat_caller_contacts:
        return None
    return Flag("repeat_caller", f"{_plural(len(calls), 'contact')} in the last {rules.repeat_caller_days} days")


def nuisance_caller(history: Sequence[PastContact], now: datetime, rules: FlagRules) -> Flag | None:
    calls = _within((c for c in history if c.role == "caller"), now, rules.nuisance_days)
    decided = [c for c in calls if c.outcome != PENDING]
    if len(calls) < rules.nuisance_contacts or not decided or len(decided) < rules.nuisance_min_decided:
        return None
    needed = sum(1 for c in decided if c.outcome in POLICE_OUTCOMES)
    share = needed / len(decided)
    if share > rules.nuisance_max_police_share:
        return None
    of = "" if len(decided) == len(calls) else f" of {len(decided)} with an outcome"
    reason = (
        f"{_plural(len(calls), 'contact')} in the last {rules.nuisance_days} days, "
        f"{needed}{of} needed police ({round(share * 100)} %)"
    )
    return Flag("nuisance_caller", reason)


def repeat_victim(history: Sequence[PastContact], now: datetime, rules: FlagRules) -> Flag | None:
    times = _incidents(_within((c for c in history if c.role == "victim"), now, rules.repeat_victim_days))
    if times < rules.repeat_victim_times:
        return None
    months = round(rules.repeat_victim_days / 30.4)
    window = f"{months} months" if rules.repeat_victim_days >= 60 else f"{rules.repeat_victim_days} days"
    return Flag("repeat_victim", f"a victim {_plural(times, 'time')} in the last {window}")


def repeat_locations(location_history: Sequence[PastContact], now: datetime, rules: FlagRules) -> list[Flag]:
    """One flag per place with enough incidents; contacts are grouped by ``location_key``."""
    by_place: dict[str, list[PastContact]] = defaultdict(list)
    for contact in _within(location_history, now, rules.repeat_location_days):
        if contact.location_key is not None:
            by_place[contact.location_key].append(contact)
    flags = []
    for key in sorted(by_place):
        count = _incidents(by_place[key])
        if count >= rules.repeat_location_incidents:
            reason = f"{_plural(count, 'incident')} at this location in the last {rules.repeat_location_days} days"
            flags.append(Flag("repeat_location", reason, key))
    return flags


def marker_flags(markers: Iterable[Marker]) -> list[Flag]:
    flags = []
    for marker in markers:
        if marker.kind not in ("warning", "vulnerability"):
            raise InvalidInput("a marker is either a warning or a vulnerability marker")
        label = marker.code.replace("_", " ")
        note = f" ({marker.note})" if marker.note.strip() else ""
        flags.append(Flag(marker.kind, f"{marker.kind} marker: {label}{note}", marker.code))
    return flags


def flags_for(
    history: Sequence[PastContact],
    now: datetime,
    *,
    location_history: Sequence[PastContact] = (),
    markers: Iterable[Marker] = (),
    rules: FlagRules | None = None,
) -> list[Flag]:
    """Every flag for a contact: the person's ``history``, the place's ``location_history``, the person's markers.

    Ordered by FLAG_ORDER, then as found; duplicates (the same kind, code and reason) appear once.
    """
    rules = rules or FlagRules()
    found: list[Flag] = marker_flags(markers)
    for rule in (repeat_victim, repeat_caller, nuisance_caller):
        flag = rule(history, now, rules)
        if flag is not None:
            found.append(flag)
    found.extend(repeat_locations(location_history, now, rules))
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda f: FLAG_ORDER.index(f.kind))


def assess(
    history: Sequence[PastContact],
    location_history: Sequence[PastContact | datetime],
    markers: Iterable[Marker | tuple[str, str]],
    now: datetime,
    rules: FlagRules | None = None,
) -> list[Flag]:
    """``flags_for`` with looser inputs for the look-up service: the place's history may be bare incident
    opening times (each one incident at the one place), and markers may be ``(kind, code)`` pairs."""
    place = [
        item if isinstance(item, PastContact) else PastContact(item, "", None, PENDING, "", "here")
        for item in location_history
    ]
    marks = [m if isinstance(m, Marker) else Marker(m[0], m[1]) for m in markers]
    return flags_for(history, now, location_history=place, markers=marks, rules=rules)
