"""Public input becomes safe plain text; honeypots catch bots; anonymous tips are coarsened in place and time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peel.contact.sanitise import clean_text, coarsen_location, coarsen_time, honeypot_tripped
from peel.core.errors import InvalidInput
from peel.core.geo import to_bng


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<b>bold</b> claim", "bold claim"),
        ("<script>alert(1)</script>hello", "hello"),
        ("<style>p{}</style>text", "text"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("a &lt;b&gt; tag", "a tag"),  # an encoded tag is still a tag once decoded
        ("one<br>two", "one\ntwo"),
        ("<p>first</p><p>second</p>", "first\n\nsecond"),
        ("I <3 you & 2 > 1", "I <3 you & 2 > 1"),
        ("<!-- note -->visible", "visible"),
    ],
)
def test_html_tags_and_entities_are_removed(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_whitespace_is_tidied_and_paragraphs_kept() -> None:
    assert clean_text("  too   many\t spaces \r\n\r\n\r\n\r\nnext  ") == "too many spaces\n\nnext"


def test_control_and_invisible_characters_are_removed() -> None:
    assert clean_text("nul\x00 bell\x07 zero\u200bwidth rtl\u202eoverride") == "nul bell zerowidth rtloverride"


def test_single_line_fields_fold_onto_one_line() -> None:
    assert clean_text("10 Test Street\nLondon", single_line=True) == "10 Test Street London"


def test_text_is_unicode_normalised() -> None:
    assert clean_text("Zoe\u0308") == "Zoë"


def test_the_limit_applies_after_stripping_markup() -> None:
    text = "<b>" + "x" * 3990 + "</b>"
    assert len(clean_text(text)) == 3990


def test_text_over_the_limit_is_refused_naming_the_limit_not_the_text() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_text("secret-name " * 400)
    assert "4000" in caught.value.detail
    assert "secret" not in caught.value.detail


def test_a_custom_limit_is_named_in_the_refusal() -> None:
    with pytest.raises(InvalidInput, match="120"):
        clean_text("x" * 121, limit=120)


def test_enormous_raw_input_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidInput, match="4000"):
        clean_text("<i></i>" * 100_000)


def test_deeply_nested_encoding_is_refused() -> None:
    nested = "<b>x</b>"
    for _ in range(6):
        nested = nested.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    with pytest.raises(InvalidInput, match="markup"):
        clean_text(nested)


@given(st.text(max_size=400))
def test_cleaning_never_fails_except_by_refusal_and_is_stable(raw: str) -> None:
    try:
        once = clean_text(raw)
    except InvalidInput:
        return
    assert "\x00" not in once
    assert clean_text(once) == once


@pytest.mark.parametrize(("value", "tripped"), [(None, False), ("", False), ("   ", False), ("http://spam", True)])
def test_the_honeypot_trips_only_when_filled_in(value: str | None, tripped: bool) -> None:
    assert honeypot_tripped(value) is tripped


def test_a_location_in_great_britain_snaps_to_the_centre_of_a_bng_square() -> None:
    point = coarsen_location(51.50775, -0.12795, 500)
    assert point.grid == "BNG"
    ref = to_bng(point.lat, point.lon)
    assert ref is not None
    assert abs(ref.easting % 500 - 250) < 1 and abs(ref.northing % 500 - 250) < 1
    assert "500 m" in point.reason


def test_every_point_in_a_square_gives_the_same_coarse_point() -> None:
    a = coarsen_location(51.50775, -0.12795)
    b = coarsen_location(51.50790, -0.12780)
    assert (a.lat, a.lon) == (b.lat, b.lon)


def test_a_coarse_point_is_within_the_cell_of_the_original() -> None:
    point = coarsen_location(53.4808, -2.2426, 1000)
    assert abs(point.lat - 53.4808) < 0.01 and abs(point.lon + 2.2426) < 0.02


def test_a_location_outside_great_britain_snaps_to_a_degree_grid() -> None:
    point = coarsen_location(48.8566, 2.3522, 500)
    assert point.grid == "WGS84"
    assert abs(point.lat - 48.8566) < 0.005 and abs(point.lon - 2.3522) < 0.007
    assert coarsen_location(48.8567, 2.3523, 500) == point


def test_impossible_coordinates_or_cells_are_refused() -> None:
    with pytest.raises(InvalidInput):
        coarsen_location(91, 0)
    with pytest.raises(InvalidInput):
        coarsen_location(51.5, -0.1, 0)


def test_time_is_coarsened_to_the_start_of_its_window() -> None:
    moment = datetime(2026, 11, 22, 14, 37, 12, tzinfo=UTC)
    assert coarsen_time(moment, 4) == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert coarsen_time(moment, 1) == datetime(2026, 11, 22, 14, 0, tzinfo=UTC)


def test_coarsened_time_is_in_utc_whatever_zone_it_came_in() -> None:
    bst = timezone(timedelta(hours=1))
    assert coarsen_time(datetime(2026, 7, 1, 13, 30, tzinfo=bst), 1) == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_a_naive_time_is_taken_as_utc() -> None:
    assert coarsen_time(datetime(2026, 11, 22, 14, 37), 24) == datetime(2026, 11, 22, tzinfo=UTC)


def test_a_window_shorter_than_an_hour_is_refused() -> None:
    with pytest.raises(InvalidInput):
        coarsen_time(datetime(2026, 11, 22, tzinfo=UTC), 0)
