"""LSOA population table, LSOA codes on events, cells assigned to LSOAs and disparity with population shares."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from peel.analytics.areas import NO_LSOA, area_tables, lsoa_of_cells
from peel.analytics.events import make_events, merge
from peel.analytics.grid import BNG, Points, SquareGrid, StudyArea
from peel.analytics.importers import parse_police_uk
from peel.analytics.population import DEFAULT_TABLE, load_lsoa_population, parse_lsoa_population

# The shipped table's quirks: byte-order mark, CRLF, a blank header column, "Persons" three times (all, household,
# communal), quoted thousands separators, Welsh rows with no region; plus a repeated header and a suppressed count.
CENSUS = (
    "\ufeffRegion code,Region name,Local authority code,Local authority name,MSOA Code,MSOA Name,LSOA Code,"
    "LSOA Name,,Persons,Persons,Persons,Hectares,Persons per hectare,Households,Persons per household\r\n"
    'E12000001,NORTH EAST,E06000001,Hartlepool UA,E02002483,Hartlepool 001,E01011954,Hartlepool 001A,,"1,563",'
    '"1,517",46,650,2.4,666,2.3\r\n'
    "E12000001,NORTH EAST,E06000001,Hartlepool UA,E02002483,Hartlepool 001,E01011955,Hartlepool 001B,,987,980,7,"
    "170,8.1,415,2.2\r\n"
    "Region code,Region name,Local authority code,Local authority name,MSOA Code,MSOA Name,LSOA Code,LSOA Name,,"
    "Persons,Persons,Persons,Hectares,Persons per hectare,Households,Persons per household\r\n"
    ',,W06000022,Newport,W02000366,Newport 020,W01001658,Newport 020D,,"1,885","1,848",37,365,5.2,697,2.7\r\n'
    "E12000001,NORTH EAST,E06000001,Hartlepool UA,E02002483,Hartlepool 001,E01099999,Hartlepool 001Z,,-,-,-,1,1,1,1\r\n"
    "\r\n"
)


def test_the_census_parser_handles_the_header_and_number_quirks() -> None:
    table = parse_lsoa_population(CENSUS)
    # The first "Persons" (all usual residents), thousands separators removed; not the household count.
    assert table.persons == {"E01011954": 1563, "E01011955": 987, "W01001658": 1885}
    assert table.local_authority == {"E01011954": "Hartlepool", "E01011955": "Hartlepool", "W01001658": "Newport"}
    assert table.names["E01011954"] == "Hartlepool 001A"
    assert table.skipped == 2  # the repeated header and the suppressed count
    with pytest.raises(ValueError, match="LSOA"):
        parse_lsoa_population("a,b\n1,2\n")


def test_the_loader_reads_a_gzipped_table_and_the_shipped_census(tmp_path: Path) -> None:
    path = tmp_path / "census.csv.gz"
    path.write_bytes(gzip.compress(CENSUS.encode("utf-8")))
    assert load_lsoa_population(path) == parse_lsoa_population(CENSUS)
    assert load_lsoa_population(tmp_path / "missing.csv.gz") is None
    shipped = load_lsoa_population(DEFAULT_TABLE)
    assert shipped is not None and len(shipped) == 34_753 and shipped.skipped == 0
    assert sum(shipped.persons.values()) == 56_075_912  # England and Wales, 2011 Census
    assert shipped.persons["E01020634"] == 1563 and shipped.local_authority["E01011954"] == "Hartlepool"


def test_police_uk_rows_keep_their_lsoa_code_through_take_and_merge() -> None:
    text = "\n".join(
        [
            "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
            "Last outcome category,Context",
            "a1,2018-10,Cleveland Police,Cleveland Police,-1.23,54.71,On or near X,E01011954,H 001A,Burglary,,",
            "a2,2018-09,Cleveland Police,Cleveland Police,-1.22,54.70,On or near Y,,,Burglary,,",
        ]
    )
    events = parse_police_uk("c.csv", text).events
    assert dict(zip(events.source_id.tolist(), events.area_code.tolist(), strict=True)) == {
        "police-uk:a1": "E01011954",
        "police-uk:a2": "",
    }
    assert events.has_area_codes and events.take(events.area_code == "").area_code.tolist() == [""]
    plain = make_events(["x"], [0], [0.0], [51.0], ["Theft"])
    assert plain.area_code.tolist() == [""] and not plain.has_area_codes
    assert sorted(merge(events, plain).area_code.tolist()) == ["", "", "E01011954"]


def _grid_points(cells: list[tuple[int, int]]) -> Points:
    """One point at the centre of each (row, column) of a 100 m grid at the origin."""
    x = np.array([c * 100 + 50 for _, c in cells], dtype=float)
    y = np.array([r * 100 + 50 for r, _ in cells], dtype=float)
    return Points(x, y, np.zeros(len(cells), dtype=np.int64), BNG)


def test_each_cell_goes_to_the_lsoa_most_of_its_events_carry() -> None:
    grid = SquareGrid(BNG, 100.0, 0.0, 0.0, 3, 1)
    area = StudyArea(grid, np.array([[True, True, True]]))
    points = _grid_points([(0, 0), (0, 0), (0, 0), (0, 1), (0, 1), (0, 2)])
    codes = np.array(["B", "A", "B", "C", "A", ""], dtype=np.str_)
    # Cell 0: B twice beats A; cell 1: a tie goes to the lowest code; cell 2: no coded event, so no LSOA.
    assert lsoa_of_cells(area, points, codes).tolist() == ["B", "A", ""]


def test_disparity_by_lsoa_has_population_shares_summing_to_one_over_covered_lsoas() -> None:
    grid = SquareGrid(BNG, 100.0, 0.0, 0.0, 4, 1)
    area = StudyArea(grid, np.ones((1, 4), dtype=bool))
    points = _grid_points([(0, 0), (0, 1), (0, 2)])
    codes = np.array(["E01011954", "E01011955", "E01000000"], dtype=np.str_)  # the last is not in the table
    scores = np.array([5.0, 1.0, 0.0, 0.0])
    actual = np.array([2.0, 1.0, 1.0, 0.0])
    tables = area_tables(area, points, codes, scores, actual, 0.25, parse_lsoa_population(CENSUS))
    rows = {r.area: r for r in tables.areas}
    assert tables.kind == "lsoa" and set(rows) == {"E01011954", "E01011955", "E01000000", NO_LSOA}
    assert rows["E01011954"].share_flagged == 1.0 and rows["E01011954"].share_crime == 0.5
    assert rows["E01011954"].share_population == pytest.approx(1563 / (1563 + 987))
    assert sum(r.share_population or 0.0 for r in tables.areas) == pytest.approx(1.0)
    assert rows["E01000000"].share_population is None and rows[NO_LSOA].share_population is None
    assert any("not in the census table" in n and "E01000000" in n for n in tables.notes)
    assert any("no LSOA" in n for n in tables.notes)
    larger = {r.area: r for r in tables.larger}
    assert larger["Hartlepool"].share_population == pytest.approx(1.0)
    assert larger["Hartlepool"].share_crime == pytest.approx(0.75)
    assert tables.names["E01011954"] == "Hartlepool 001A"


def test_data_without_area_codes_keeps_tiles_and_says_there_is_no_population() -> None:
    grid = SquareGrid(BNG, 1000.0, 0.0, 0.0, 4, 1)
    area = StudyArea(grid, np.ones((1, 4), dtype=bool))
    points = _grid_points([(0, 0)])
    tables = area_tables(area, points, np.array([""]), np.arange(4.0), np.ones(4), 0.25, None)
    assert tables.kind == "tile" and [r.area for r in tables.areas] == ["2E 0N km", "0E 0N km"]
    assert all(r.share_population is None for r in tables.areas) and not tables.larger
    assert "no population table exists" in tables.notes[0]
