"""Entities in free text: phone numbers, vehicle marks, postcodes and weapon words, with exact spans."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peel.contact.extraction import Entity, describe, extract, warnings


def values(text: str, kind: str) -> list[str]:
    return [e.value for e in extract(text) if e.kind == kind]


@pytest.mark.parametrize(
    "written",
    ["07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0044 7700 900123", "07700-900-123"],
)
def test_mobile_numbers_are_found_in_any_common_form(written: str) -> None:
    assert values(f"call me back on {written} please", "phone") == ["+447700900123"]


@pytest.mark.parametrize("written", ["020 7946 0018", "(020) 7946 0018", "+44 (0)20 7946 0018", "0207 946 0018"])
def test_landline_numbers_are_found_and_normalised(written: str) -> None:
    assert values(f"landline {written}.", "phone") == ["+442079460018"]


def test_a_number_followed_by_another_figure_is_still_found() -> None:
    assert values("ring 07700 900123 2 people hurt", "phone") == ["+447700900123"]


@pytest.mark.parametrize("text", ["ref 123456", "born 1990 07 01", "call 999", "order 12345678901234", "07700 90012"])
def test_things_that_are_not_uk_numbers_are_not_phones(text: str) -> None:
    assert values(text, "phone") == []


@pytest.mark.parametrize(
    ("written", "compact"),
    [
        ("AB12 CDE", "AB12CDE"),
        ("ab12cde", "AB12CDE"),
        ("LV73 XYZ", "LV73XYZ"),
        ("A123 BCD", "A123BCD"),
        ("ABC 123D", "ABC123D"),
    ],
)
def test_vehicle_marks_in_current_prefix_and_suffix_formats_are_found(written: str, compact: str) -> None:
    assert values(f"a silver car {written} drove off", "vrm") == [compact]


@pytest.mark.parametrize(
    "text",
    [
        "a1 the road",
        "take the A40 west",
        "the M25 at junction 10",
        "at W2 1XJ",
        "he is 6ft tall",
        "AB99 CDE",  # 99 is not an age identifier
        "on12 march",  # lower case prefix-style words are ordinary words
        "was at level 3 yesterday",
    ],
)
def test_ordinary_words_roads_and_postcodes_are_not_vehicle_marks(text: str) -> None:
    assert values(text, "vrm") == []


@pytest.mark.parametrize(
    ("written", "postcode"), [("W2 1XJ", "W2 1XJ"), ("sw1a2aa", "SW1A 2AA"), ("LS14AP", "LS1 4AP")]
)
def test_postcodes_are_found_in_any_case_and_normalised(written: str, postcode: str) -> None:
    assert values(f"outside {written} now", "postcode") == [postcode]


def test_strings_that_break_the_royal_mail_rules_are_not_postcodes() -> None:
    assert values("QQ1 1AA and SW1A 2CI", "postcode") == []


@pytest.mark.parametrize(
    ("text", "weapon"),
    [
        ("he has a knife", "knife"),
        ("two KNIVES on the table", "knife"),
        ("got knifed outside", "knife"),
        ("waving a Machete", "machete"),
        ("a gun in his waistband", "gun"),
        ("the gunman ran", "gun"),
        ("sawn-off shotgun", "shotgun"),
        ("threw acid", "acid"),
        ("with an axe", "axe"),
        ("hit with a hammer", "hammer"),
        ("a zombie  knife", "knife"),
        ("someone was stabbed", "stabbing"),
        ("holding a baseball bat", "baseball bat"),
    ],
)
def test_weapon_words_and_their_inflections_are_found(text: str, weapon: str) -> None:
    assert values(text, "weapon") == [weapon]


@pytest.mark.parametrize("text", ["Hammersmith Broadway", "paying taxes", "it has begun", "a shoulder blade injury"])
def test_weapon_words_inside_other_words_or_anatomy_are_not_weapons(text: str) -> None:
    assert values(text, "weapon") == []


def test_findings_come_in_order_of_appearance_with_their_spans() -> None:
    text = "Knife seen. Car AB12 CDE at W2 1XJ, call 07700 900123"
    found = extract(text)
    assert [e.kind for e in found] == ["weapon", "vrm", "postcode", "phone"]
    assert all(text[e.start : e.end] == e.text for e in found)


def test_weapon_warnings_are_given_once_each_in_order() -> None:
    found = extract("a knife, then a gun, then another knife")
    assert warnings(found) == ("weapon mentioned: knife", "weapon mentioned: gun (firearm)")


def test_entities_other_than_weapons_give_no_warning() -> None:
    assert warnings(extract("AB12 CDE at W2 1XJ")) == ()


def test_entities_are_described_for_the_console() -> None:
    assert describe(Entity("vrm", "AB12CDE", 0, 7, "ab12cde")) == "vehicle AB12 CDE"
    assert describe(Entity("phone", "+447700900123", 0, 11, "07700900123")) == "phone +447700900123"


@given(st.text(max_size=300))
def test_extraction_never_fails_on_any_text(text: str) -> None:
    for entity in extract(text):
        assert text[entity.start : entity.end] == entity.text
        assert entity.value


fragments = st.sampled_from(
    ["07700 900123", "AB12 CDE", "W2 1XJ", "knife", "+44 20 7946 0018", " ", ", ", "\n", "the", "A123 BCD", "(", ")"]
)


@given(st.lists(st.one_of(fragments, st.text(max_size=8)), max_size=12).map("".join))
def test_found_spans_slice_to_the_matched_text_and_never_overlap(text: str) -> None:
    found = extract(text)
    for entity in found:
        assert text[entity.start : entity.end] == entity.text
    for left, right in itertools.pairwise(found):
        assert left.end <= right.start
    phones = [e.value for e in found if e.kind == "phone"]
    assert all(p.startswith("+44") for p in phones)
