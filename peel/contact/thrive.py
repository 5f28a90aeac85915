"""THRIVE: a structured assessment that proposes a grade, and the attendance targets (SLAs) that grades carry.

Each of Threat, Harm, Risk, Investigation, Vulnerability and Engagement is scored 0–3 (none, low, medium, high)
with a reason. ``propose_grade`` applies these rules, highest grade first, and reports every rule that fired:

========  =====================================================================================================
G1        threat or harm high *and* the incident is in progress; or risk high together with high threat or harm
          (serious harm is likely now even if it is not yet happening)
G2        any of threat, harm, risk or vulnerability high; or threat or harm medium while in progress
G3        investigation medium or high (an opportunity that needs attendance: a scene, CCTV, a statement); any of
          threat, harm, risk or vulnerability medium; or engagement high (the person needs to be seen)
G4        investigation low or engagement medium: resolve without deployment by telephone or online
          investigation
G5        otherwise: resolve without deployment with advice or a referral to a partner agency
========  =====================================================================================================

Raising any score, or the incident being in progress, never lowers the grade; in particular vulnerability can only
make a response more urgent. The handler decides: ``override`` records a different grade with a mandatory reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from peel.contact.extraction import Entity, weapon_kind
from peel.contact.flags import Flag
from peel.core.errors import InvalidInput
from peel.incidents.categories import CATEGORIES

GRADES = ("G1", "G2", "G3", "G4", "G5")
GRADE_NAMES = {
    "G1": "emergency",
    "G2": "priority",
    "G3": "scheduled",
    "G4": "resolution without deployment",
    "G5": "resolution without deployment",
}
LEVELS = ("none", "low", "medium", "high")
DIMENSIONS = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
NONE, LOW, MEDIUM, HIGH = range(4)


@dataclass(frozen=True)
class Dimension:
    score: int  # 0 none, 1 low, 2 medium, 3 high
    reason: str

    def __post_init__(self) -> None:
        if isinstance(self.score, bool) or not isinstance(self.score, int) or not NONE <= self.score <= HIGH:
            raise InvalidInput("a THRIVE score is a whole number from 0 (none) to 3 (high)")
        if not self.reason or not self.reason.strip():
            raise InvalidInput("every THRIVE score needs a reason")

    @property
    def level(self) -> str:
        return LEVELS[self.score]


@dataclass(frozen=True)
class Assessment:
    threat: Dimension
    harm: Dimension
    risk: Dimension
    investigation: Dimension
    vulnerability: Dimension
    engagement: Dimension

    def items(self) -> tuple[tuple[str, Dimension], ...]:
        return tuple((name, getattr(self, name)) for name in DIMENSIONS)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """``{"threat": {"score": 3, "reason": "..."}, ...}`` for storage as JSON."""
        return {name: {"score": d.score, "reason": d.reason} for name, d in self.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        missing = [name for name in DIMENSIONS if name not in data]
        if missing:
            raise InvalidInput(f"THRIVE assessment is missing {', '.join(missing)}")
        parts = {}
        for name in DIMENSIONS:
            item = data[name]
            score = item.get("score") if isinstance(item, Mapping) else None
            if not isinstance(score, int):
                raise InvalidInput(f"THRIVE {name} needs a score and a reason")
            parts[name] = Dimension(score, str(item.get("reason") or ""))
        return cls(**parts)


@dataclass(frozen=True)
class GradeTargets:
    """Attendance targets per grade (force settings). G3 is an appointment within ``g3`` (nationally 24–48 h;
    the default is the upper end). G4 and G5 carry no attendance target."""

    g1_urban: timedelta = timedelta(minutes=15)
    g1_rural: timedelta = timedelta(minutes=20)
    g2: timedelta = timedelta(minutes=60)
    g3: timedelta = timedelta(hours=48)

    def __post_init__(self) -> None:
        if min(self.g1_urban, self.g1_rural, self.g2, self.g3) <= timedelta(0):
            raise InvalidInput("grade targets must be positive")
        if not max(self.g1_urban, self.g1_rural) <= self.g2 <= self.g3:
            raise InvalidInput("grade targets must not shorten from G1 to G2 to G3")

    @classmethod
    def from_settings(
        cls, g1_urban_minutes: float, g1_rural_minutes: float, g2_minutes: float, g3_hours: float
    ) -> GradeTargets:
        return cls(
            timedelta(minutes=g1_urban_minutes),
            timedelta(minutes=g1_rural_minutes),
            timedelta(minutes=g2_minutes),
            timedelta(hours=g3_hours),
        )


DEFAULT_TARGETS = GradeTargets()


@dataclass(frozen=True)
class Proposal:
    grade: str
    reasons: tuple[str, ...]
    deadline: timedelta | None  # attendance target from opening; None for G4/G5
    resolution: str


def humanise(span: timedelta) -> str:
    """``45 s``, ``15 min``, ``1 h 5 min``, ``48 h``, ``4 d 3 h`` — for targets and timers (sign ignored).

    Up to three days is said in hours, as appointment targets are ("within 48 h")."""
    seconds = int(abs(span).total_seconds())
    days, rest = divmod(seconds, 86_400) if seconds >= 3 * 86_400 else (0, seconds)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else f"{secs} s"


def target_for(grade: str, urban: bool = True, targets: GradeTargets | None = None) -> timedelta | None:
    _check_grade(grade)
    t = targets or DEFAULT_TARGETS
    return {"G1": t.g1_urban if urban else t.g1_rural, "G2": t.g2, "G3": t.g3}.get(grade)


def deadline_at(
    grade: str, opened_at: datetime, urban: bool = True, targets: GradeTargets | None = None
) -> datetime | None:
    """When attendance (G1/G2) or the appointment (G3) is due; None for resolution without deployment."""
    target = target_for(grade, urban, targets)
    return None if target is None else opened_at + target


def _check_grade(grade: str) -> None:
    if grade not in GRADES:
        raise InvalidInput(f"grade must be one of {', '.join(GRADES)}")


def _resolution(grade: str, urban: bool, targets: GradeTargets) -> str:
    target = target_for(grade, urban, targets)
    if grade == "G1":
        return f"emergency: attend within {humanise(target or timedelta(0))} ({'urban' if urban else 'rural'} target)"
    if grade == "G2":
        return f"priority: attend within {humanise(target or timedelta(0))}"
    if grade == "G3":
        return f"scheduled: book an appointment within {humanise(target or timedelta(0))}"
    if grade == "G4":
        return "resolve without deployment: telephone or online investigation"
    return "resolve without deployment: advice or referral to a partner agency"


def _said(name: str, d: Dimension) -> str:
    return f"{name} {d.level} ({d.reason})"


def _rules(a: Assessment, in_progress: bool) -> dict[str, list[str]]:
    """Every rule that fires, by grade."""
    fired: dict[str, list[str]] = {g: [] for g in GRADES}
    _emergency_rules(a, in_progress, fired)
    for name in ("threat", "harm", "risk", "vulnerability"):
        d = getattr(a, name)
        if d.score == HIGH:
            fired["G2"].append(_said(name, d))
        elif d.score == MEDIUM:
            fired["G3"].append(_said(name, d))
    for name in ("threat", "harm"):
        d = getattr(a, name)
        if d.score == MEDIUM and in_progress:
            fired["G2"].append(f"{_said(name, d)} and the incident is in progress")
    _follow_up_rules(a, fired)
    fired["G5"].append(
        "no threat, harm, risk or vulnerability above low and nothing to investigate: advice or referral"
    )
    return fired


def _emergency_rules(a: Assessment, in_progress: bool, fired: dict[str, list[str]]) -> None:
    """G1: serious threat or harm happening now, or likely now."""
    serious = [(n, d) for n, d in (("threat", a.threat), ("harm", a.harm)) if d.score == HIGH]
    for name, d in serious:
        if in_progress:
            fired["G1"].append(f"{_said(name, d)} and the incident is in progress")
    if a.risk.score == HIGH and serious:
        fired["G1"].append(
            f"{_said('risk', a.risk)} with {' and '.join(n for n, _ in serious)} high: harm is likely now"
        )


def _follow_up_rules(a: Assessment, fired: dict[str, list[str]]) -> None:
    """G3/G4: what investigation and engagement need (attendance, a call back, by telephone or online)."""
    if a.investigation.score >= MEDIUM:
        fired["G3"].append(f"{_said('investigation', a.investigation)}: an opportunity that needs attendance")
    elif a.investigation.score == LOW:
        fired["G4"].append(f"{_said('investigation', a.investigation)}: can be progressed by telephone or online")
    if a.engagement.score == HIGH:
        fired["G3"].append(f"{_said('engagement', a.engagement)}: the person needs to be seen")
    elif a.engagement.score == MEDIUM:
        fired["G4"].append(f"{_said('engagement', a.engagement)}: needs a call back")


def propose_grade(
    assessment: Assessment, *, urban: bool, in_progress: bool, targets: GradeTargets | None = None
) -> Proposal:
    """The most urgent grade any rule supports, every rule that supports it as the reasons (see module table)."""
    targets = targets or DEFAULT_TARGETS
    fired = _rules(assessment, in_progress)
    grade = next(g for g in GRADES if fired[g])
    reasons = tuple(fired[grade])
    # Vulnerability is always on the record when present, even where another rule decided the grade.
    v = assessment.vulnerability
    if v.score >= MEDIUM and not any(r.startswith("vulnerability") for r in reasons):
        reasons = (*reasons, f"also: {_said('vulnerability', v)}")
    return Proposal(grade, reasons, target_for(grade, urban, targets), _resolution(grade, urban, targets))


@dataclass(frozen=True)
class GradeDecision:
    proposed: str
    chosen: str
    overridden: bool
    direction: str  # "same", "up" (more urgent than proposed) or "down" (less urgent: supervisors review these)
    reason: str


def accept(proposal: Proposal) -> GradeDecision:
    return GradeDecision(proposal.grade, proposal.grade, False, "same", "proposed grade accepted")


def override(proposal: Proposal, chosen_grade: str, reason: str) -> GradeDecision:
    """The handler's grade in place of the proposal; a reason is always required and kept."""
    _check_grade(chosen_grade)
    if not reason or not reason.strip():
        raise InvalidInput("choosing a grade other than the proposed one needs a reason")
    delta = GRADES.index(chosen_grade) - GRADES.index(proposal.grade)
    direction = "same" if delta == 0 else ("up" if delta < 0 else "down")
    return GradeDecision(proposal.grade, chosen_grade, delta != 0, direction, reason.strip())


@dataclass(frozen=True)
class SlaState:
    deadline: datetime | None
    remaining: timedelta | None  # to the deadline from now (or from attendance once attended); negative if late
    breached: bool
    attended: bool
    label: str


def sla_state(
    grade: str,
    opened_at: datetime,
    now: datetime,
    attended_at: datetime | None = None,
    targets: GradeTargets | None = None,
    *,
    urban: bool = True,
) -> SlaState:
    """The visible SLA timer: time left, or by how much the target was missed; frozen once attended.

    Arriving exactly at the deadline meets it.
    """
    deadline = deadline_at(grade, opened_at, urban, targets)
    if deadline is None:
        return SlaState(
            None, None, False, attended_at is not None, "no attendance target (resolution without deployment)"
        )
    target = humanise(deadline - opened_at)
    if attended_at is not None:
        remaining = deadline - attended_at
        took = humanise(attended_at - opened_at)
        if remaining < timedelta(0):
            label = f"attended in {took}, {humanise(remaining)} late (target {target})"
        else:
            label = f"attended in {took} (target {target})"
        return SlaState(deadline, remaining, remaining < timedelta(0), True, label)
    remaining = deadline - now
    if remaining < timedelta(0):
        return SlaState(deadline, remaining, True, False, f"breached by {humanise(remaining)} (target {target})")
    return SlaState(deadline, remaining, False, False, f"{humanise(remaining)} left (target {target})")


def changes(before: Assessment, after: Assessment) -> tuple[str, ...]:
    """What a re-assessment changed, for the history: ``threat: low → high (knife now mentioned)``."""
    out = []
    for name, old in before.items():
        new = getattr(after, name)
        if new.score != old.score:
            out.append(f"{name}: {old.level} → {new.level} ({new.reason})")
        elif new.reason != old.reason:
            out.append(f"{name}: still {new.level}, reason now: {new.reason}")
    return tuple(out)


# Starting scores per category before anything else is known, in DIMENSIONS order. They describe the typical
# report of that kind; the handler adjusts them to the facts. Unknown categories start from "other".
_BASELINES: dict[str, tuple[int, int, int, int, int, int]] = {
    "asb": (1, 1, 1, 0, 0, 1),
    "burglary": (1, 2, 1, 2, 1, 1),
    "concern_for_welfare": (1, 2, 2, 0, 2, 1),
    "criminal_damage": (1, 1, 1, 1, 0, 1),
    "domestic": (2, 2, 2, 2, 2, 2),
    "drugs": (1, 1, 1, 1, 0, 0),
    "fraud": (0, 1, 1, 1, 1, 1),
    "missing_person": (1, 2, 2, 1, 2, 1),
    "public_order": (2, 1, 2, 1, 0, 1),
    "robbery": (2, 2, 2, 2, 1, 1),
    "rtc": (1, 2, 1, 1, 1, 1),
    "sexual_offence": (2, 3, 2, 2, 2, 2),
    "suspicious": (1, 0, 1, 1, 0, 0),
    "theft": (0, 1, 0, 1, 0, 1),
    "vehicle_crime": (0, 1, 0, 1, 0, 0),
    "violence": (2, 2, 2, 2, 1, 1),
    "weapons": (3, 2, 2, 2, 0, 1),
    "other": (0, 0, 0, 0, 0, 1),
}


def _raise(scores: dict[str, Dimension], name: str, at_least: int, why: str) -> None:
    current = scores[name]
    if current.score >= at_least:
        if why not in current.reason:
            scores[name] = replace(current, reason=f"{current.reason}; also {why}")
        return
    scores[name] = Dimension(at_least, f"{current.reason}; raised to {LEVELS[at_least]}: {why}")


def suggest_dimensions(category: str, entities: Iterable[Entity] = (), flags: Iterable[Flag] = ()) -> Assessment:
    """Starting scores for the console to pre-fill: the category's typical scores, raised (never lowered) by
    what the text and the CRM flags show. Weapon words raise threat to high (firearms and corrosives raise harm
    too); a vehicle mark is a line of enquiry; warning markers raise threat; vulnerability markers and repeat
    victimisation raise vulnerability; a repeat location raises risk; a repeat caller raises engagement. A nuisance
    flag changes nothing: a nuisance caller can still be in genuine need."""
    label = CATEGORIES.get(category)
    base = _BASELINES.get(category if label else "other", _BASELINES["other"])
    start = f"typical for {label.lower()}" if label else "no typical scores for this category"
    scores = {name: Dimension(score, start) for name, score in zip(DIMENSIONS, base, strict=True)}
    for entity in entities:
        if entity.kind == "weapon":
            kind = weapon_kind(entity.value)
            _raise(scores, "threat", HIGH, f"weapon mentioned: {entity.value}")
            if kind in ("firearm", "corrosive"):
                _raise(scores, "harm", HIGH, f"{kind} mentioned ({entity.value}): risk of serious injury")
        elif entity.kind == "vrm":
            _raise(scores, "investigation", LOW, "a vehicle registration was given: a line of enquiry")
    for flag in flags:
        if flag.kind == "warning":
            _raise(scores, "threat", MEDIUM, flag.reason)
        elif flag.kind == "vulnerability":
            _raise(scores, "vulnerability", MEDIUM, flag.reason)
        elif flag.kind == "repeat_victim":
            _raise(scores, "vulnerability", MEDIUM, f"repeat victim: {flag.reason}")
        elif flag.kind == "repeat_location":
            _raise(scores, "risk", MEDIUM, f"repeat location: {flag.reason}")
        elif flag.kind == "repeat_caller":
            _raise(scores, "engagement", MEDIUM, f"repeat caller: {flag.reason}")
    return Assessment(**scores)
