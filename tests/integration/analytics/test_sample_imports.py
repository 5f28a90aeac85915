"""The importers on the real sample files copied into data/crime-samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from peel.analytics.importers import load

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "crime-samples"


def test_st_louis_header_variants_and_bom_files_import_alongside_the_usual_header() -> None:
    files = [SAMPLES / "stl-slmpd-crimes" / f"slmpd_{m}.csv.gz" for m in ("2017-01", "2017-05", "2017-06")]
    result = load(files, "stl")
    months = result.events.datetimes.astype("datetime64[M]").astype(str)
    assert {"2017-01", "2017-05", "2017-06"} <= set(months.tolist())
    assert (months == "2017-05").sum() > 3000  # the odd-header month is read, not rejected
    # St. Louis lies around 90.2°W 38.6°N.
    assert np.all((result.events.lon > -90.5) & (result.events.lon < -90.1))
    assert "no coordinates (0,0: not geocoded)" in result.rejection_counts()


def test_importing_the_same_st_louis_months_twice_changes_nothing() -> None:
    files = sorted((SAMPLES / "stl-slmpd-crimes").glob("slmpd_2018-0[1-3].csv.gz"))
    once = load(files, "stl")
    twice = load([*files, *files], "stl")
    assert len(twice.events) <= len(once.events)
    assert set(once.events.source_id.tolist()) >= set(twice.events.source_id.tolist())


def test_cleveland_street_file_imports_with_month_times() -> None:
    result = load([SAMPLES / "uk-police-street-cleveland-durham" / "2018-10-cleveland-street.csv.gz"], "police-uk")
    assert len(result.events) + len(result.rejected) == 9352
    assert set(result.events.datetimes.astype(str).tolist()) == {"2018-10-01T00:00:00"}
