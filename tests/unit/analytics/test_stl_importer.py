"""St. Louis importer: header variants, byte-order marks, withdrawals, missing coordinates, ids."""

from __future__ import annotations

from peel.analytics.events import OFFICER_INITIATED, REPORTED, apply_import, empty_events, merge
from peel.analytics.importers.stl import parse_stl, ucr_class

HEADER = (
    "Complaint,CodedMonth,DateOccur,FlagCrime,FlagUnfounded,FlagAdministrative,Count,FlagCleanup,Crime,District,"
    "Description,ILEADSAddress,ILEADSStreet,Neighborhood,LocationName,LocationComment,CADAddress,CADStreet,XCoord,YCoord"
)
HEADER_2017_05 = (
    "Complaint,Coded Month,Date Occur,Flag-Crime,Flag-Unfounded,Flag-Administrative,Count,Flag Cleanup,Crime,"
    "ILeads Add,ILeads Approve,District,Beat,Description,ILEADS-Address,ILEADS-Street,Neighborhood,ILeads Asg,"
    "ILeads Type,Location Name,Location Comment,CAD-Address,CAD-Street,X-Coord,Y-Coord,Date Crime Coded"
)


def row(complaint: str, month: str, when: str, count: str, code: str, x: str, y: str) -> str:
    return f'{complaint},{month},{when},Y, , ,{count}, , {code},4,"LARCENY, OTHER",1,MAIN ST,59, , ,1,MAIN,{x},{y}'


def test_it_reads_a_file_with_a_byte_order_mark_and_converts_state_plane_feet() -> None:
    text = "\ufeff" + HEADER + "\r\n" + row("18-1", "2018-01", "1/5/2018 9:30", "1", "69702", "899464", "1029203")
    result = parse_stl([("jan.csv", text)])
    assert len(result.events) == 1
    assert abs(result.events.lon[0] - (-90.2224)) < 1e-3
    assert abs(result.events.lat[0] - 38.6598) < 1e-3
    # 09:30 Central Standard Time is 15:30 UTC.
    assert str(result.events.datetimes[0]) == "2018-01-05T15:30:00"
    assert result.events.crime_type[0] == "Larceny"


def test_it_maps_the_2017_05_header_variant() -> None:
    line = "17-2,2017-05,5/10/2017 13:30,Y, , ,1, ,265321,5/14/2017 16:16,5/14/2017,5,529,LEAVING SCENE,1700,"
    line += "HAMILTON AVE,50,305,, , ,,,882454.8,1034517,5/15/2017"
    result = parse_stl([("may.csv", HEADER_2017_05 + "\n" + line)])
    assert len(result.events) == 1
    assert result.events.crime_type[0] == "Other offence"
    assert str(result.events.datetimes[0]) == "2017-05-10T18:30:00"  # CDT is UTC-5


def test_a_later_count_minus_one_withdraws_the_record_across_files() -> None:
    jan = HEADER + "\n" + row("18-1", "2018-01", "1/5/2018 9:30", "1", "41011", "899464", "1029203")
    mar = HEADER + "\n" + row("18-1", "2018-03", "1/5/2018 9:30", "-1", "41011", "0", "0")
    result = parse_stl([("jan.csv", jan), ("mar.csv", mar)])
    assert len(result.events) == 0
    assert result.rejection_counts() == {
        "withdrawn by a later Count -1 record": 1,
        "withdrawal record (Count -1) applied": 1,
    }


def test_a_reclassified_record_keeps_the_coordinates_of_its_complaint() -> None:
    jan = HEADER + "\n" + row("18-1", "2018-01", "1/5/2018 9:30", "1", "41011", "899464", "1029203")
    mar = (
        HEADER
        + "\n"
        + "\n".join(
            [
                row("18-1", "2018-03", "1/5/2018 9:30", "1", "32112", "0", "0"),
                row("18-1", "2018-03", "1/5/2018 9:30", "-1", "41011", "0", "0"),
            ]
        )
    )
    result = parse_stl([("jan.csv", jan), ("mar.csv", mar)])
    assert result.events.crime_type.tolist() == ["Robbery"]
    assert abs(result.events.lat[0] - 38.6598) < 1e-3


def test_rows_without_coordinates_or_with_placeholder_dates_are_rejected_with_reasons() -> None:
    text = (
        HEADER
        + "\n"
        + "\n".join(
            [
                row("18-1", "2018-01", "1/5/2018 9:30", "1", "21000", "0", "0"),
                row("18-2", "2018-01", "01/01/1900 00:00", "1", "51322", "899464", "1029203"),
                row("18-3", "2018-01", "yesterday", "1", "51322", "899464", "1029203"),
            ]
        )
    )
    result = parse_stl([("jan.csv", text)])
    assert len(result.events) == 0
    reasons = sorted(r.reason for r in result.rejected)
    assert reasons == [
        "no coordinates (0,0: not geocoded)",
        "placeholder occurrence date",
        "unreadable occurrence date",
    ]
    assert {r.line for r in result.rejected} == {2, 3, 4}


def test_several_counts_of_one_offence_in_one_complaint_are_separate_events_with_stable_ids() -> None:
    text = (
        HEADER + "\n" + "\n".join([row("15-12", "2015-01", "1/1/2015 0:23", "1", "41011", "893502.2", "1022984")] * 3)
    )
    first = parse_stl([("jan.csv", text)])
    again = parse_stl([("jan.csv", text)])
    assert sorted(first.events.source_id.tolist()) == ["stl:15-12:41011:0", "stl:15-12:41011:1", "stl:15-12:41011:2"]
    assert len(merge(first.events, again.events)) == 3  # re-import changes nothing


def test_drug_and_weapon_offences_are_marked_officer_initiated() -> None:
    text = (
        HEADER
        + "\n"
        + "\n".join(
            [
                row("18-1", "2018-01", "1/5/2018 9:30", "1", "181100", "899464", "1029203"),
                row("18-2", "2018-01", "1/5/2018 9:30", "1", "51322", "899464", "1029203"),
            ]
        )
    )
    events = parse_stl([("jan.csv", text)]).events
    assert dict(zip(events.crime_type.tolist(), events.channel.tolist(), strict=True)) == {
        "Drugs": OFFICER_INITIATED,
        "Burglary": REPORTED,
    }


def test_ucr_class_reads_five_and_six_digit_codes() -> None:
    assert ucr_class(" 51322") == 5
    assert ucr_class("265321") == 26
    assert ucr_class("abc") is None


def test_a_withdrawal_arriving_in_a_later_import_removes_the_event_imported_earlier() -> None:
    jan = HEADER + "\n" + row("18-1", "2018-01", "1/5/2018 9:30", "1", "41011", "899464", "1029203")
    mar = HEADER + "\n" + row("18-1", "2018-03", "1/5/2018 9:30", "-1", "41011", "0", "0")
    held = apply_import(empty_events(), parse_stl([("jan.csv", jan)]))
    assert len(held) == 1
    later = parse_stl([("jan.csv", jan), ("mar.csv", mar)])
    assert len(apply_import(held, later)) == 0
    assert len(apply_import(apply_import(held, later), later)) == 0
