"""The forecast interchange CSV: exact header, one row per cell per period, validation."""

from __future__ import annotations

import numpy as np
import pytest

from peel.analytics.export import HEADER, forecast_rows, parse_forecast_csv, to_csv
from peel.analytics.grid import SquareGrid, StudyArea
from peel.analytics.periods import Period

GRID = SquareGrid("EPSG:27700", 150.0, 450000.0, 530100.0, 3, 2)


def test_it_writes_the_exact_header_and_the_lower_left_corner_of_each_study_area_cell() -> None:
    area = StudyArea(GRID, np.array([[True, False, True], [False, True, False]]))
    scores = np.array([[3.0, 9.0, 0.5], [0.0, 1.25, 7.0]])
    periods = [Period(1546300800, 1546905600)]  # 2019-01-01 .. 2019-01-08
    text = to_csv(row for p in periods for row in forecast_rows(area, p, scores))
    lines = text.splitlines()
    assert lines[0] == "period_start,period_end,crs,cell_size_m,x0,y0,score"
    assert lines[1:] == [
        "2019-01-01,2019-01-08,EPSG:27700,150,450000,530100,3",
        "2019-01-01,2019-01-08,EPSG:27700,150,450300,530100,0.5",
        "2019-01-01,2019-01-08,EPSG:27700,150,450150,530250,1.25",
    ]
    cells = parse_forecast_csv(text)
    assert [c.score for c in cells] == [3.0, 0.5, 1.25]
    assert tuple(lines[0].split(",")) == HEADER


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("2019-01-08,2019-01-01,EPSG:27700,150,0,0,1", "after period_start"),
        ("2019-01-01,2019-01-08,27700,150,0,0,1", "EPSG"),
        ("2019-01-01,2019-01-08,EPSG:27700,0,0,0,1", "positive"),
        ("2019-01-01,2019-01-08,EPSG:27700,150,0,0,nan", "finite"),
        ("2019-01-01,2019-01-08,EPSG:27700,150,0,0", "expected 7"),
        ("2019-01-01,2019-01-08,EPSG:27700,150,0,0,1\n2019-01-01,2019-01-08,EPSG:27700,150,0,0,2", "twice"),
    ],
)
def test_validation_names_the_problem(body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_forecast_csv(",".join(HEADER) + "\n" + body + "\n")


def test_a_wrong_header_is_refused() -> None:
    with pytest.raises(ValueError, match="header"):
        parse_forecast_csv("start,end,crs,cell,x,y,score\n")
