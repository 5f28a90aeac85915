"""Matching a caller to known people: each match says why; a phone is strong, a name alone is weak."""

from __future__ import annotations

from datetime import date

from peel.contact.matching import Candidate, match, rank

JOHN = Candidate(
    ref="PER-1",
    forenames="John Paul",
    surname="Smith",
    dob=date(1980, 5, 6),
    phones=("+447700900123",),
    postcodes=("W2 1XJ",),
    addresses=("10 Test Street",),
    aliases=(("Johnny", "Smithers"),),
)


def test_an_exact_phone_is_strong_evidence_on_its_own() -> None:
    result = match(Candidate("", phones=("07700 900123",)), JOHN)
    assert result.strength == "strong"
    assert result.basis == ("exact phone +447700900123",)


def test_a_fuzzy_name_alone_is_weak() -> None:
    result = match(Candidate("", "Jon", "Smythe"), JOHN)
    assert result.strength == "weak"
    assert result.basis[0].startswith("name Jaro-Winkler 0.")


def test_an_exact_name_alone_is_still_weak() -> None:
    assert match(Candidate("", "John", "Smith"), JOHN).strength == "weak"


def test_name_and_date_of_birth_together_are_strong() -> None:
    result = match(Candidate("", "John", "Smith", date(1980, 5, 6)), JOHN)
    assert result.strength == "strong"
    assert result.basis == ("name Jaro-Winkler 1.00 + same date of birth",)


def test_a_misspelt_name_that_sounds_the_same_with_the_date_of_birth_is_strong() -> None:
    result = match(Candidate("", "Jon", "Smyth", date(1980, 5, 6)), JOHN)
    assert result.strength == "strong"
    assert "surname sounds the same + same date of birth" in result.basis[0]


def test_transposed_day_and_month_still_support_a_name() -> None:
    result = match(Candidate("", "John", "Smith", date(1980, 6, 5)), JOHN)
    assert result.strength == "possible"
    assert "day and month transposed" in result.basis[0]


def test_a_different_date_of_birth_counts_against() -> None:
    result = match(Candidate("", "John", "Smith", date(1991, 1, 1)), JOHN)
    assert result.score < 0.1
    assert "different date of birth" in result.basis


def test_a_shared_phone_with_a_different_name_is_only_possible() -> None:
    result = match(Candidate("", "Jane", "Doe", phones=("+447700900123",)), JOHN)
    assert result.strength == "possible"
    assert result.basis[0] == "exact phone +447700900123"
    assert result.basis[1].startswith("different name")


def test_the_same_address_is_named_in_the_basis() -> None:
    result = match(Candidate("", "John", "Smith", addresses=("10 test street, w2 1xj",)), JOHN)
    assert "same address 10 Test Street W2 1XJ" in result.basis


def test_the_same_street_line_in_another_postcode_is_not_the_same_address() -> None:
    result = match(Candidate("", addresses=("10 Test Street M1 1AE",)), JOHN)
    assert result.basis == ()


def test_the_same_postcode_alone_is_slight_evidence() -> None:
    result = match(Candidate("", postcodes=("w21xj",)), JOHN)
    assert result.basis == ("same postcode W2 1XJ",)
    assert 0 < result.score < 0.2


def test_names_match_with_the_fields_swapped() -> None:
    assert match(Candidate("", "Smith", "John", date(1980, 5, 6)), JOHN).strength == "strong"


def test_names_match_without_case_or_accents() -> None:
    candidate = Candidate("PER-2", "Zoë", "O'Brien", date(1975, 3, 2))
    assert match(Candidate("", "zoe", "obrien", date(1975, 3, 2)), candidate).strength == "strong"


def test_an_alias_can_match() -> None:
    result = match(Candidate("", "Johnny", "Smithers", date(1980, 5, 6)), JOHN)
    assert result.strength == "strong"
    assert "alias Johnny Smithers" in result.basis[0]


def test_a_surname_alone_never_counts_as_a_full_name_match() -> None:
    result = match(Candidate("", "", "Smith", date(1980, 5, 6)), JOHN)
    assert result.strength == "possible"


def test_nothing_in_common_scores_zero_with_no_basis() -> None:
    result = match(Candidate("", "Mary", "Jones"), JOHN)
    assert result.score == 0 and result.strength == "weak"


def test_rank_orders_by_score_and_drops_non_matches() -> None:
    other = Candidate("PER-3", "John", "Smith", date(1990, 1, 1))
    stranger = Candidate("PER-4", "Ada", "Lovelace")
    query = Candidate("", "John", "Smith", date(1980, 5, 6), phones=("+447700900123",))
    ranked = rank(query, [stranger, other, JOHN], limit=5)
    assert [m.ref for m in ranked] == ["PER-1"]
    assert ranked[0].score == 1.0


def test_rank_respects_the_limit_and_breaks_ties_by_reference() -> None:
    twins = [Candidate(f"PER-{i}", "John", "Smith") for i in (9, 3, 5)]
    ranked = rank(Candidate("", "John", "Smith"), twins, limit=2)
    assert [m.ref for m in ranked] == ["PER-3", "PER-5"]
