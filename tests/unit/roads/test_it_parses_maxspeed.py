"""maxspeed tags become km/h; lists take the lower limit; roads without one take their class default."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peel.roads.speeds import (
    MPH_TO_KMH,
    default_speed_kmh,
    edge_speed_kmh,
    main_highway_class,
    parse_maxspeed,
    parse_osm_list,
)


@pytest.mark.parametrize(
    ("raw", "kmh"),
    [
        ("20 mph", 20 * MPH_TO_KMH),
        ("20mph", 20 * MPH_TO_KMH),
        ("30", 30.0),  # a bare number is km/h by OSM convention
        ("50 km/h", 50.0),
        ("['20 mph', '30 mph']", 20 * MPH_TO_KMH),
        ("['40 mph', '20 mph']", 20 * MPH_TO_KMH),
        ("['5 mph', '20 mph']", 5 * MPH_TO_KMH),
        ("30 mph;20 mph", 20 * MPH_TO_KMH),
        ("GB:nsl_single", 60 * MPH_TO_KMH),
        ("GB:motorway", 70 * MPH_TO_KMH),
        ("['signals', '20 mph']", 20 * MPH_TO_KMH),
    ],
)
def test_it_parses_usable_speeds(raw: str, kmh: float) -> None:
    assert parse_maxspeed(raw) == pytest.approx(kmh)


@pytest.mark.parametrize("raw", [None, "", "none", "signals", "variable", "walk", "0", "[]", "fast mph"])
def test_it_returns_none_without_a_usable_speed(raw: str | None) -> None:
    assert parse_maxspeed(raw) is None


def test_it_falls_back_to_the_class_default() -> None:
    assert edge_speed_kmh(None, "residential") == pytest.approx(20 * MPH_TO_KMH)
    assert edge_speed_kmh("variable", "primary") == pytest.approx(30 * MPH_TO_KMH)
    assert edge_speed_kmh("20 mph", "primary") == pytest.approx(20 * MPH_TO_KMH)
    assert default_speed_kmh("trunk_link") == default_speed_kmh("trunk")
    assert default_speed_kmh("no_such_class") > 0


def test_it_picks_the_most_important_merged_highway_class() -> None:
    assert main_highway_class("['residential', 'primary']") == "primary"
    assert main_highway_class("['trunk_link', 'tertiary']") == "trunk_link"
    assert main_highway_class("residential") == "residential"
    assert main_highway_class(None) == ""


def test_it_splits_osmnx_and_osm_lists() -> None:
    assert parse_osm_list("['Macclesfield Bridge', 'Avenue Road']") == ["Macclesfield Bridge", "Avenue Road"]
    assert parse_osm_list("A;B") == ["A", "B"]
    assert parse_osm_list("[not python") == ["[not python"]
    assert parse_osm_list(None) == []


@given(st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=4))
def test_it_takes_the_lowest_of_any_mph_list(limits: list[int]) -> None:
    raw = str([f"{limit} mph" for limit in limits]) if len(limits) > 1 else f"{limits[0]} mph"
    assert parse_maxspeed(raw) == pytest.approx(min(limits) * MPH_TO_KMH)
