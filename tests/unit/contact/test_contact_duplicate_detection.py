"""Calls about one event are proposed as one incident: near in space and time, alike in text or category."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peel.contact.duplicates import (
    ContactSketch,
    DuplicateRule,
    haversine_m,
    is_probable_duplicate,
    rank_candidates,
    similarity,
    text_similarity,
)
from peel.core.errors import InvalidInput

AT = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
# Marble Arch; 0.001° of latitude is about 111 m.
LAT, LON = 51.5131, -0.1589


def sketch(
    minutes: float = 0, north_m: float = 0, category: str = "rtc", text: str = "car crashed into a bus", ref: str = ""
) -> ContactSketch:
    return ContactSketch(AT + timedelta(minutes=minutes), LAT + north_m / 111_195, LON, category, text, ref)


def test_haversine_distance_matches_a_known_distance() -> None:
    # London (Charing Cross) to Paris (Notre-Dame) is about 343.5 km.
    assert abs(haversine_m(51.5074, -0.1278, 48.8530, 2.3499) - 343_500) < 1500


def test_calls_nearby_soon_after_in_the_same_category_are_probable_duplicates() -> None:
    score = similarity(sketch(), sketch(minutes=6, north_m=120, text="collision, bus and a car, someone hurt"))
    assert is_probable_duplicate(score)
    assert score.reasons[0].startswith("probable duplicate")
    assert "120 m apart (within 300 m)" in score.reasons
    assert "6 min apart (within 30 min)" in score.reasons


def test_similar_text_rescues_a_different_category() -> None:
    score = similarity(sketch(), sketch(minutes=3, category="other", text="a car crashed into the bus"))
    assert score.text_similarity >= 0.6
    assert is_probable_duplicate(score)


def test_a_different_category_with_different_words_is_not_a_duplicate() -> None:
    score = similarity(sketch(), sketch(minutes=3, category="theft", text="handbag snatched from a cafe table"))
    assert not is_probable_duplicate(score)


def test_calls_too_far_apart_in_space_are_not_duplicates() -> None:
    assert not is_probable_duplicate(similarity(sketch(), sketch(north_m=450)))


def test_calls_too_far_apart_in_time_are_not_duplicates() -> None:
    score = similarity(sketch(), sketch(minutes=45))
    assert not is_probable_duplicate(score)
    assert "45 min apart (beyond 30 min)" in score.reasons


def test_the_rule_edges_are_inclusive() -> None:
    assert is_probable_duplicate(similarity(sketch(), sketch(minutes=30, north_m=299)))


def test_force_rules_change_the_thresholds() -> None:
    wide = DuplicateRule(max_distance_m=600, max_minutes=60)
    assert is_probable_duplicate(similarity(sketch(), sketch(minutes=45, north_m=450), wide))


def test_an_invalid_rule_is_refused() -> None:
    with pytest.raises(InvalidInput):
        DuplicateRule(max_distance_m=0)


def test_text_similarity_ignores_case_punctuation_and_filler_words() -> None:
    assert text_similarity("The CAR hit a bus!", "car hit bus") == 1.0


def test_empty_text_is_not_similar_to_anything() -> None:
    assert text_similarity("", "car hit bus") == 0.0
    assert text_similarity("the a of", "the a of") == 0.0


def test_the_score_falls_with_distance_and_time() -> None:
    near = similarity(sketch(), sketch(minutes=2, north_m=50)).score
    far = similarity(sketch(), sketch(minutes=50, north_m=700)).score
    assert 0 <= far < near <= 1


def test_candidates_are_ranked_probable_first_then_by_score() -> None:
    new = sketch(ref="new")
    recent = [
        sketch(minutes=40, north_m=20, ref="late"),
        sketch(minutes=5, north_m=250, ref="edge"),
        sketch(minutes=2, north_m=10, ref="close"),
        sketch(minutes=600, north_m=5000, category="theft", text="bike stolen", ref="unrelated"),
    ]
    ranked = rank_candidates(new, recent)
    assert [r.sketch.ref for r in ranked] == ["close", "edge", "late"]
    assert [r.score.probable for r in ranked] == [True, True, False]


def test_ranking_can_keep_only_probable_duplicates_up_to_a_limit() -> None:
    recent = [sketch(minutes=m, ref=str(m)) for m in (1, 2, 3, 40)]
    ranked = rank_candidates(sketch(), recent, probable_only=True, limit=2)
    assert [r.sketch.ref for r in ranked] == ["1", "2"]
