"""Toronto, data.police.uk and generic CSV importers."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from peel.analytics.events import OFFICER_INITIATED, REPORTED
from peel.analytics.importers import ColumnMapping, load, parse_csv, parse_police_uk, parse_toronto

TORONTO_HEADER = (
    "occurrencedate,occurrencehour,premises_type,occurrencemonth,occurrencedayofweek,MCI,Neighbourhood,"
    "occurrenceday,occurrencedayofyear,Pub_Id,Park_Id,PS_Id,Lat,Long"
)
UK_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)


def test_toronto_dates_are_local_midnight_in_utc_plus_the_local_hour() -> None:
    text = "\n".join(
        [
            TORONTO_HEADER,
            "2019/07/04 04:00:00+00,13,House,,,Assault,Annex,0,0,0,0,0,43.67,-79.40",  # EDT
            "2019/01/04 05:00:00+00,0,House,,,Robbery,Annex,0,0,0,0,0,43.67,-79.40",  # EST
            "2019/01/04 05:00:00+00,0,House,,,Robbery,Annex,0,0,0,0,0,0,0",
        ]
    )
    result = parse_toronto("t.csv", text)
    assert sorted(str(d) for d in result.events.datetimes) == ["2019-01-04T05:00:00", "2019-07-04T17:00:00"]
    assert [r.reason for r in result.rejected] == ["no coordinates"]


def test_identical_toronto_rows_stay_distinct_and_reimport_is_idempotent(tmp_path: Path) -> None:
    line = "2019/01/04 05:00:00+00,3,House,,,Auto Theft,Annex,0,0,0,0,0,43.67,-79.40"
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(("\n".join([TORONTO_HEADER, line, line]) + "\n").encode()))
    once = load([path], "toronto")
    twice = load([path, path], "toronto")
    assert len(once.events) == 2
    assert sorted(twice.events.source_id.tolist()) == sorted(once.events.source_id.tolist())


def test_police_uk_rows_are_placed_at_the_start_of_their_month_and_asb_gets_an_id() -> None:
    text = "\r\n".join(
        [
            UK_HEADER,
            "abc123,2018-10,Cleveland Police,Cleveland Police,-1.23,54.71,On or near X,E01,H 001A,Drugs,"
            "Under investigation,",
            ",2018-10,Cleveland Police,Cleveland Police,-1.23,54.71,On or near X,E01,H 001A,Anti-social behaviour,,",
            "def456,2018-10,Cleveland Police,Cleveland Police,,,No Location,,,Burglary,Under investigation,",
        ]
    )
    result = parse_police_uk("c.csv", text)
    assert len(result.events) == 2
    assert {str(d) for d in result.events.datetimes} == {"2018-10-01T00:00:00"}
    ids = dict(zip(result.events.crime_type.tolist(), result.events.source_id.tolist(), strict=True))
    assert ids["Drugs"] == "police-uk:abc123"
    assert ids["Anti-social behaviour"].startswith("police-uk:")
    channels = dict(zip(result.events.crime_type.tolist(), result.events.channel.tolist(), strict=True))
    assert channels == {"Drugs": OFFICER_INITIATED, "Anti-social behaviour": REPORTED}
    assert [r.reason for r in result.rejected] == ["no location"]


def test_generic_csv_uses_the_mapping_and_time_zone_and_reports_bad_rows() -> None:
    text = "\n".join(
        [
            "Ref,When,What,X,Y,How",
            "1,2020-03-01 10:00,Burglary,-0.1,51.5,reported",
            "2,not a time,Burglary,-0.1,51.5,reported",
            "3,2020-03-01 10:00,Burglary,-0.1,51.5,psychic",
            "4,2020-07-01T10:00:00+00:00,Theft,-0.1,51.5,found-on-patrol",
        ]
    )
    mapping = ColumnMapping(
        time="When", crime_type="What", lon="X", lat="Y", source_id="Ref", channel="How", timezone="Europe/London"
    )
    result = parse_csv("g.csv", text, mapping)
    assert result.events.source_id.tolist() == ["csv:1", "csv:4"]
    assert str(result.events.datetimes[0]) == "2020-03-01T10:00:00"  # GMT in March
    assert sorted(r.reason for r in result.rejected) == ["unknown discovery channel 'psychic'", "unreadable time"]


def test_generic_csv_needs_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="mapping"):
        load([path], "csv")
