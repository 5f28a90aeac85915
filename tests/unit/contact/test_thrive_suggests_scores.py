"""Pre-filled THRIVE scores from the category, the words in the report and the CRM flags."""

from __future__ import annotations

from peel.contact.extraction import extract
from peel.contact.flags import Flag
from peel.contact.thrive import _BASELINES, propose_grade, suggest_dimensions
from peel.incidents.categories import CATEGORIES


def test_every_incident_category_has_typical_scores() -> None:
    assert set(CATEGORIES) <= set(_BASELINES)


def test_scores_start_from_the_category_with_that_as_the_reason() -> None:
    assessment = suggest_dimensions("burglary")
    assert assessment.investigation.score == 2
    assert assessment.investigation.reason == "typical for burglary"


def test_an_unknown_category_starts_from_other() -> None:
    assessment = suggest_dimensions("alien_landing")
    assert assessment.threat.score == 0
    assert "no typical scores" in assessment.threat.reason


def test_a_weapon_word_raises_threat_to_high_with_the_word_as_the_reason() -> None:
    assessment = suggest_dimensions("asb", extract("youths outside, one has a machete"))
    assert assessment.threat.score == 3
    assert "weapon mentioned: machete" in assessment.threat.reason


def test_a_firearm_raises_harm_as_well() -> None:
    assessment = suggest_dimensions("public_order", extract("a man waving a shotgun"))
    assert assessment.harm.score == 3
    assert "firearm mentioned (shotgun)" in assessment.harm.reason


def test_a_vehicle_mark_is_a_line_of_enquiry() -> None:
    assessment = suggest_dimensions("asb", extract("they drove off in AB12 CDE"))
    assert assessment.investigation.score == 1
    assert "vehicle registration" in assessment.investigation.reason


def test_a_repeat_victim_raises_vulnerability() -> None:
    flag = Flag("repeat_victim", "a victim 3 times in the last 12 months")
    assessment = suggest_dimensions("theft", flags=[flag])
    assert assessment.vulnerability.score == 2
    assert "repeat victim: a victim 3 times" in assessment.vulnerability.reason


def test_markers_repeat_locations_and_repeat_callers_raise_their_dimensions() -> None:
    flags = [
        Flag("warning", "warning marker: violent", "violent"),
        Flag("repeat_location", "4 incidents at this location in the last 28 days", "LOC-1"),
        Flag("repeat_caller", "3 contacts in the last 28 days"),
    ]
    assessment = suggest_dimensions("other", flags=flags)
    assert (assessment.threat.score, assessment.risk.score, assessment.engagement.score) == (2, 2, 2)


def test_suggestions_never_lower_a_typical_score() -> None:
    assessment = suggest_dimensions("weapons", extract("he has a knife"), [Flag("warning", "warning marker: weapons")])
    assert assessment.threat.score == 3
    assert "also weapon mentioned: knife" in assessment.threat.reason


def test_a_nuisance_flag_changes_no_score() -> None:
    plain = suggest_dimensions("concern_for_welfare")
    flagged = suggest_dimensions("concern_for_welfare", flags=[Flag("nuisance_caller", "7 contacts, 0 needed police")])
    assert plain == flagged


def test_a_knife_in_a_domestic_in_progress_is_proposed_as_an_emergency() -> None:
    assessment = suggest_dimensions("domestic", extract("partner is threatening me with a knife"))
    assert propose_grade(assessment, urban=True, in_progress=True).grade == "G1"
