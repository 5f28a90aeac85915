"""Duplicate contacts: many calls about one road traffic collision should become one incident.

Two contacts are compared on distance (haversine), time apart, text (rapidfuzz ``token_set_ratio`` after dropping
common words) and category. ``similarity`` gives a 0–1 score with its parts and reasons for ranking;
``is_probable_duplicate`` is the plain rule a handler can check by eye:

    within 300 m  and  within 30 min  and  (same category  or  texts at least 60 % similar)

300 m covers callers describing one event from either end of a street or junction; 30 min covers the burst of
calls after an event; text rescues a mis-chosen category ("rtc" vs "other") while the category alone is enough
when callers describe the same thing in different words. The handler always confirms before incidents merge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz

from peel.core.errors import InvalidInput

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
# Words that make any two descriptions look alike without saying anything about the event.
_STOPWORD_LIST = (
    "a an and are as at be been by for from has have he her him his i in is it its me my of on or our she so "
    "that the their them they this to was we were with you your there's it's i'm"
)
_STOPWORDS = frozenset(_STOPWORD_LIST.split())
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class DuplicateRule:
    """The probable-duplicate rule and the shape of the ranking score (force settings; defaults explained above)."""

    max_distance_m: float = 300.0
    max_minutes: float = 30.0
    min_text_similarity: float = 0.6
    # The ranking score falls linearly to zero at these limits, so candidates just outside the rule still rank.
    distance_scale_m: float = 1000.0
    minutes_scale: float = 120.0

    def __post_init__(self) -> None:
        if min(self.max_distance_m, self.max_minutes, self.distance_scale_m, self.minutes_scale) <= 0:
            raise InvalidInput("duplicate distances and times must be positive")
        if not 0.0 <= self.min_text_similarity <= 1.0:
            raise InvalidInput("the text similarity threshold must be between 0 and 1")


DEFAULT_RULE = DuplicateRule()
# Weights of the ranking score: place matters most, then time and text, category least (it is often guessed).
_WEIGHTS = {"distance": 0.35, "time": 0.25, "text": 0.25, "category": 0.15}


@dataclass(frozen=True)
class ContactSketch:
    at: datetime
    lat: float
    lon: float
    category: str
    text: str
    ref: str = ""  # the caller's identifier for the contact or incident, carried through ranking


@dataclass(frozen=True)
class DuplicateScore:
    score: float  # 0–1, for ranking
    distance_m: float
    minutes_apart: float
    text_similarity: float  # 0–1
    same_category: bool
    probable: bool  # the documented rule, not the score
    reasons: tuple[str, ...]


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _content_words(text: str) -> str:
    return " ".join(w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)


def text_similarity(a: str, b: str) -> float:
    """0–1: rapidfuzz ``token_set_ratio`` of the texts' content words; 0 when either says nothing."""
    left, right = _content_words(a), _content_words(b)
    if not left or not right:
        return 0.0
    return fuzz.token_set_ratio(left, right) / 100.0


def _minutes(a: datetime, b: datetime) -> float:
    return abs((a - b).total_seconds()) / 60.0


def _distance_words(metres: float) -> str:
    return f"{metres / 1000:.1f} km apart" if metres >= 1000 else f"{round(metres)} m apart"


def similarity(a: ContactSketch, b: ContactSketch, rule: DuplicateRule = DEFAULT_RULE) -> DuplicateScore:
    distance = haversine_m(a.lat, a.lon, b.lat, b.lon)
    minutes = _minutes(a.at, b.at)
    text = text_similarity(a.text, b.text)
    same = a.category == b.category
    parts = {
        "distance": max(0.0, 1.0 - distance / rule.distance_scale_m),
        "time": max(0.0, 1.0 - minutes / rule.minutes_scale),
        "text": text,
        "category": 1.0 if same else 0.0,
    }
    score = sum(_WEIGHTS[k] * v for k, v in parts.items())
    near = distance <= rule.max_distance_m
    soon = minutes <= rule.max_minutes
    alike = text >= rule.min_text_similarity
    probable = near and soon and (same or alike)
    reasons = [
        f"{_distance_words(distance)} ({'within' if near else 'beyond'} {rule.max_distance_m:g} m)",
        f"{round(minutes)} min apart ({'within' if soon else 'beyond'} {rule.max_minutes:g} min)",
        f"text {round(text * 100)} % similar",
        f"same category ({a.category})" if same else f"different categories ({a.category}, {b.category})",
    ]
    if probable:
        why = "same category" if same else f"text at least {round(rule.min_text_similarity * 100)} % similar"
        reasons.insert(0, f"probable duplicate: near in place and time, {why}")
    return DuplicateScore(round(score, 4), distance, minutes, text, same, probable, tuple(reasons))


def is_probable_duplicate(score: DuplicateScore) -> bool:
    """The documented rule (module docstring), as applied when the score was computed."""
    return score.probable


@dataclass(frozen=True)
class RankedCandidate:
    sketch: ContactSketch
    score: DuplicateScore


def rank_candidates(
    new: ContactSketch,
    recent: Sequence[ContactSketch],
    *,
    rule: DuplicateRule = DEFAULT_RULE,
    limit: int | None = None,
    probable_only: bool = False,
) -> list[RankedCandidate]:
    """Recent contacts best first: probable duplicates before the rest, then by score, then nearest in time.

    Candidates beyond the ranking scales (by default 1 km or 2 h away) are left out: similar words alone do not
    make the same event.
    """
    ranked = [RankedCandidate(c, similarity(new, c, rule)) for c in recent]
    ranked = [
        r
        for r in ranked
        if r.score.distance_m <= rule.distance_scale_m
        and r.score.minutes_apart <= rule.minutes_scale
        and (r.score.probable or not probable_only)
    ]
    ranked.sort(key=lambda r: (not r.score.probable, -r.score.score, r.score.minutes_apart, r.sketch.ref))
    return ranked if limit is None else ranked[:limit]
