"""``peel analytics`` commands on real sample files: forecast export, back-test report, Knox."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from peel.analytics.cli import app
from peel.analytics.export import parse_forecast_csv

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "crime-samples" / "stl-slmpd-crimes"
MONTHS = [SAMPLES / f"slmpd_2018-{m:02d}.csv.gz" for m in range(1, 7)]
runner = CliRunner()


def _events_args() -> list[str]:
    return [a for f in MONTHS for a in ("--events", str(f))]


def test_forecast_best_writes_a_valid_interchange_file(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    args = [
        "forecast",
        *_events_args(),
        "--source",
        "stl",
        "--start",
        "2018-05-01",
        "--end",
        "2018-05-15",
        "--period",
        "7d",
        "--cell-size",
        "150",
        "--method",
        "best",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    cells = parse_forecast_csv(out.read_text())
    assert {(c.period_start.isoformat(), c.period_end.isoformat()) for c in cells} == {
        ("2018-05-01", "2018-05-08"),
        ("2018-05-08", "2018-05-15"),
    }
    assert {c.crs for c in cells} == {"EPSG:32615"} and {c.cell_size_m for c in cells} == {150.0}
    assert all(c.x0 % 150 == 0 and c.y0 % 150 == 0 for c in cells)


def test_events_after_the_start_in_the_files_do_not_change_the_forecast(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 4000
    days = rng.uniform(0, 200, n)  # 2018-01-01 + days; the forecast starts on day 150
    lon = -90.25 + rng.normal(0, 0.01, n)
    lat = 38.63 + rng.normal(0, 0.01, n)
    rows = [
        f"{k},{(date(2018, 1, 1) + timedelta(days=float(d))).isoformat()}T12:00:00,Burglary,{x:.6f},{y:.6f}"
        for k, (d, x, y) in enumerate(zip(days, lon, lat, strict=True))
    ]
    header = "id,when,type,lon,lat"
    full, past = tmp_path / "full.csv", tmp_path / "past.csv"
    full.write_text("\n".join([header, *rows]) + "\n")
    past.write_text("\n".join([header, *(r for r, d in zip(rows, days, strict=True) if d < 150)]) + "\n")
    outs = []
    for events in (full, past):
        out = tmp_path / f"out-{events.stem}.csv"
        result = runner.invoke(
            app,
            [
                "forecast",
                "--events",
                str(events),
                "--source",
                "csv",
                "--columns",
                "time=when,type=type,lon=lon,lat=lat,id=id",
                "--start",
                "2018-05-31",
                "--end",
                "2018-06-07",
                "--method",
                "best",
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        outs.append(out.read_text())
    assert outs[0] == outs[1]


def test_backtest_prints_a_table_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    args = [
        "backtest",
        *_events_args(),
        "--source",
        "stl",
        "--start",
        "2018-06-04",
        "--end",
        "2018-06-25",
        "--methods",
        "naive,kde,recent",
        "--report",
        str(report),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "PAI@5%" in result.output and "blend" in result.output
    assert "<svg" in report.read_text()


def test_knox_prints_the_band_table_and_writes_a_report(tmp_path: Path) -> None:
    report = tmp_path / "knox.html"
    window = ["--start", "2018-01-01", "--end", "2018-07-01", "--crime-type", "Burglary"]
    args = ["knox", *_events_args(), "--source", "stl", *window, "--permutations", "49", "--report", str(report)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "[0, 100) m" in result.output and "[0, 7)" in result.output
    assert "alert" in result.output
    assert "Benjamini" in report.read_text()


def test_a_bad_source_is_refused_with_a_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--events", str(MONTHS[0]), "--source", "nope"])
    assert result.exit_code != 0
