"""UK conventions: E.164 phone numbers, postcodes, vehicle marks, BNG grid references, references, local time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from peel.core import geo
from peel.core.clock import format_local
from peel.core.errors import InvalidInput
from peel.core.phone import to_e164
from peel.db.references import format_reference
from peel.people.vrm import display_vrm, normalise_vrm


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("020 7946 0018", "+442079460018"),
        ("(0044) 20 7946 0018", "+442079460018"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str, expected: str) -> None:
    assert to_e164(raw) == expected


@pytest.mark.parametrize("raw", ["hello", "123", "0770090012345678"])
def test_impossible_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        to_e164(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("sw1a2aa", "SW1A 2AA"), ("W2  1XJ", "W2 1XJ"), ("wc2n 4jp", "WC2N 4JP")]
)
def test_postcodes_are_normalised(raw: str, expected: str) -> None:
    assert geo.normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["SW1A", "12345", "SW1A 2CI", "QQ1 1AA"])
def test_malformed_postcodes_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        geo.normalise_postcode(raw)


@pytest.mark.parametrize(
    ("raw", "compact"),
    [("ab12 cde", "AB12CDE"), ("A123 BCD", "A123BCD"), ("ABC 123D", "ABC123D"), ("1 ABC", "1ABC")],
)
def test_vehicle_marks_are_normalised(raw: str, compact: str) -> None:
    assert normalise_vrm(raw) == compact


def test_current_format_marks_display_with_the_plate_spacing() -> None:
    assert display_vrm("AB12CDE") == "AB12 CDE"


@pytest.mark.parametrize("raw", ["", "AB12CDEF", "!!!", "AB-12-CD-EF"])
def test_malformed_vehicle_marks_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_vrm(raw)


def test_bng_of_a_known_point_matches_the_ordnance_survey_grid() -> None:
    # Nelson's Column, Trafalgar Square: about TQ 30005 80430 (530005 E, 180430 N).
    ref = geo.to_bng(51.50775, -0.12795)
    assert ref is not None
    assert abs(ref.easting - 530005) < 30 and abs(ref.northing - 180430) < 30
    lat, lon = geo.from_bng(ref.easting, ref.northing)
    assert abs(lat - 51.50775) < 1e-6 and abs(lon + 0.12795) < 1e-6


def test_points_outside_great_britain_have_no_grid_reference() -> None:
    assert geo.to_bng(48.8566, 2.3522) is None


def test_references_are_human_readable() -> None:
    assert format_reference("INC", "20261122", 42) == "INC-20261122-0042"


def test_times_are_shown_in_uk_local_time() -> None:
    assert format_local(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "01/07/2026 13:00"
    assert format_local(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)) == "01/12/2026 12:00"
