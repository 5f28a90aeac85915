"""THRIVE scoring proposes a grade with its reasons; the handler may override with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peel.contact.thrive import (
    DIMENSIONS,
    GRADES,
    Assessment,
    Dimension,
    GradeTargets,
    accept,
    changes,
    override,
    propose_grade,
)
from peel.core.errors import InvalidInput


def assess(**scores: int) -> Assessment:
    return Assessment(**{name: Dimension(scores.get(name, 0), f"{name} noted") for name in DIMENSIONS})


def test_it_proposes_g1_for_a_high_threat_in_progress() -> None:
    proposal = propose_grade(assess(threat=3), urban=True, in_progress=True)
    assert proposal.grade == "G1"
    assert proposal.deadline == timedelta(minutes=15)
    assert any("threat high" in r and "in progress" in r for r in proposal.reasons)


def test_it_proposes_g1_for_high_harm_in_progress_with_the_rural_target() -> None:
    proposal = propose_grade(assess(harm=3), urban=False, in_progress=True)
    assert proposal.grade == "G1"
    assert proposal.deadline == timedelta(minutes=20)
    assert "rural" in proposal.resolution


def test_it_proposes_g1_when_high_risk_meets_high_threat_even_if_not_in_progress() -> None:
    proposal = propose_grade(assess(threat=3, risk=3), urban=True, in_progress=False)
    assert proposal.grade == "G1"
    assert any("harm is likely now" in r for r in proposal.reasons)


def test_a_high_threat_that_is_not_in_progress_is_priority() -> None:
    assert propose_grade(assess(threat=3), urban=True, in_progress=False).grade == "G2"


@pytest.mark.parametrize("name", ["risk", "vulnerability", "harm"])
def test_any_high_risk_harm_or_vulnerability_is_at_least_priority(name: str) -> None:
    proposal = propose_grade(assess(**{name: 3}), urban=True, in_progress=False)
    assert proposal.grade == "G2"
    assert proposal.deadline == timedelta(minutes=60)
    assert proposal.reasons[0].startswith(f"{name} high")


def test_a_medium_threat_in_progress_is_priority() -> None:
    assert propose_grade(assess(threat=2), urban=True, in_progress=True).grade == "G2"


def test_an_investigative_opportunity_needing_attendance_is_scheduled() -> None:
    proposal = propose_grade(assess(investigation=2), urban=True, in_progress=False)
    assert proposal.grade == "G3"
    assert proposal.deadline == timedelta(hours=48)
    assert proposal.resolution == "scheduled: book an appointment within 48 h"
    assert "opportunity that needs attendance" in proposal.reasons[0]


def test_a_person_who_needs_to_be_seen_is_scheduled() -> None:
    assert propose_grade(assess(engagement=3), urban=True, in_progress=False).grade == "G3"


def test_low_scores_with_something_to_investigate_are_a_telephone_or_online_investigation() -> None:
    proposal = propose_grade(assess(threat=1, harm=1, investigation=1), urban=True, in_progress=False)
    assert proposal.grade == "G4"
    assert proposal.deadline is None
    assert "telephone or online investigation" in proposal.resolution


def test_low_scores_with_nothing_to_investigate_are_advice_or_referral() -> None:
    proposal = propose_grade(assess(threat=1, risk=1, engagement=1), urban=True, in_progress=False)
    assert proposal.grade == "G5"
    assert "referral to a partner agency" in proposal.resolution
    assert proposal.reasons


def test_every_rule_behind_the_grade_is_given_as_a_reason() -> None:
    proposal = propose_grade(assess(threat=3, harm=3), urban=True, in_progress=True)
    assert len([r for r in proposal.reasons if "in progress" in r]) == 2


def test_vulnerability_stays_on_the_record_when_another_rule_decides() -> None:
    proposal = propose_grade(assess(threat=3, vulnerability=2), urban=True, in_progress=True)
    assert proposal.grade == "G1"
    assert any(r.startswith("also: vulnerability medium") for r in proposal.reasons)


def test_force_targets_set_the_deadlines() -> None:
    targets = GradeTargets.from_settings(10, 25, 45, 24)
    assert propose_grade(assess(threat=3), urban=True, in_progress=True, targets=targets).deadline == timedelta(
        minutes=10
    )
    assert propose_grade(assess(investigation=3), urban=True, in_progress=False, targets=targets).deadline == (
        timedelta(hours=24)
    )


def test_targets_that_shorten_from_g1_to_g3_are_refused() -> None:
    with pytest.raises(InvalidInput):
        GradeTargets(g2=timedelta(minutes=10))


scores = st.integers(min_value=0, max_value=3)
assessments = st.fixed_dictionaries({name: scores for name in DIMENSIONS})


@given(assessments, st.sampled_from(DIMENSIONS), st.booleans(), st.booleans())
def test_raising_any_score_never_lowers_the_grade(base: dict[str, int], name: str, urban: bool, live: bool) -> None:
    before = propose_grade(assess(**base), urban=urban, in_progress=live).grade
    raised = {**base, name: min(3, base[name] + 1)}
    after = propose_grade(assess(**raised), urban=urban, in_progress=live).grade
    assert GRADES.index(after) <= GRADES.index(before)


@given(assessments, st.booleans())
def test_vulnerability_never_pushes_a_grade_down(base: dict[str, int], live: bool) -> None:
    grades = [
        GRADES.index(propose_grade(assess(**{**base, "vulnerability": v}), urban=True, in_progress=live).grade)
        for v in range(4)
    ]
    assert grades == sorted(grades, reverse=True)


@given(assessments)
def test_an_incident_in_progress_is_never_graded_lower(base: dict[str, int]) -> None:
    calm = propose_grade(assess(**base), urban=True, in_progress=False).grade
    live = propose_grade(assess(**base), urban=True, in_progress=True).grade
    assert GRADES.index(live) <= GRADES.index(calm)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_score_without_a_reason_is_refused(reason: str) -> None:
    with pytest.raises(InvalidInput, match="reason"):
        Dimension(2, reason)


@pytest.mark.parametrize("score", [-1, 4, True])
def test_a_score_outside_0_to_3_is_refused(score: int) -> None:
    with pytest.raises(InvalidInput):
        Dimension(score, "why")


def test_an_override_needs_a_reason() -> None:
    proposal = propose_grade(assess(threat=3), urban=True, in_progress=True)
    with pytest.raises(InvalidInput, match="reason"):
        override(proposal, "G3", "  ")


def test_an_override_records_its_direction_and_reason() -> None:
    proposal = propose_grade(assess(investigation=2), urban=True, in_progress=False)
    down = override(proposal, "G4", " caller prefers a telephone call ")
    assert (down.proposed, down.chosen, down.overridden, down.direction) == ("G3", "G4", True, "down")
    assert down.reason == "caller prefers a telephone call"
    assert override(proposal, "G2", "new information").direction == "up"
    assert accept(proposal).overridden is False


def test_an_override_to_an_unknown_grade_is_refused() -> None:
    proposal = propose_grade(assess(), urban=True, in_progress=False)
    with pytest.raises(InvalidInput, match="grade"):
        override(proposal, "G9", "because")


def test_an_assessment_round_trips_through_its_stored_form() -> None:
    original = assess(threat=2, vulnerability=3)
    assert Assessment.from_dict(original.as_dict()) == original


def test_a_stored_assessment_missing_a_dimension_is_refused() -> None:
    data = assess().as_dict()
    del data["engagement"]
    with pytest.raises(InvalidInput, match="engagement"):
        Assessment.from_dict(data)


def test_a_reassessment_says_what_changed() -> None:
    before = assess(threat=1)
    after = Assessment(**{**{n: d for n, d in before.items()}, "threat": Dimension(3, "knife now mentioned")})
    assert changes(before, after) == ("threat: low → high (knife now mentioned)",)


def test_a_stored_assessment_with_a_missing_score_is_refused() -> None:
    data = assess().as_dict()
    data["harm"] = {"reason": "no score"}
    with pytest.raises(InvalidInput, match="harm"):
        Assessment.from_dict(data)
