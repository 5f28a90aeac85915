"""The forecast interchange format, so any tool can score any method.

CSV, UTF-8, header ``period_start,period_end,crs,cell_size_m,x0,y0,score``; one row per study-area cell per
period. ``period_start``/``period_end`` are ISO dates (start inclusive, end exclusive, UTC days); ``crs`` is the
EPSG code as text (``EPSG:27700``, ``EPSG:32615``); ``x0,y0`` the cell's lower-left corner in that CRS in metres;
``score`` ranks cells (higher = more expected crime; for Peel's methods, an expected count). Cells that are left
out count as 0. Rows are ordered by period, then y0, then x0.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from peel.analytics.events import FloatArray
from peel.analytics.grid import StudyArea
from peel.analytics.periods import Period

HEADER = ("period_start", "period_end", "crs", "cell_size_m", "x0", "y0", "score")
_EPSG = re.compile(r"^EPSG:\d{4,6}$")


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def forecast_rows(area: StudyArea, period: Period, scores: FloatArray) -> Iterator[tuple[str, ...]]:
    """Rows for one period; ``scores`` is shaped like the grid (cells outside the study area are not written)."""
    grid = area.grid
    x0, y0 = grid.lower_left()
    start, end = period.start_date.isoformat(), period.end_date.isoformat()
    size = _num(grid.cell_size)
    for i, j in zip(*np.nonzero(area.mask), strict=True):
        yield (start, end, grid.crs, size, _num(x0[i, j]), _num(y0[i, j]), f"{float(scores[i, j]):.9g}")


def to_csv(rows: Iterable[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class ForecastCell:
    period_start: date
    period_end: date
    crs: str
    cell_size_m: float
    x0: float
    y0: float
    score: float


def parse_forecast_csv(text: str) -> list[ForecastCell]:
    """Read and validate a forecast file; raises ValueError naming the first bad line."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != HEADER:
        raise ValueError(f"header must be {','.join(HEADER)}")
    cells: list[ForecastCell] = []
    seen: set[tuple[date, float, float]] = set()
    for n, row in enumerate(reader, start=2):
        if len(row) != len(HEADER):
            raise ValueError(f"line {n}: expected {len(HEADER)} fields, got {len(row)}")
        try:
            cell = ForecastCell(
                date.fromisoformat(row[0]),
                date.fromisoformat(row[1]),
                row[2],
                float(row[3]),
                float(row[4]),
                float(row[5]),
                float(row[6]),
            )
        except ValueError as e:
            raise ValueError(f"line {n}: {e}") from e
        if cell.period_end <= cell.period_start:
            raise ValueError(f"line {n}: period_end must be after period_start")
        if not _EPSG.match(cell.crs):
            raise ValueError(f"line {n}: crs must be an EPSG code like EPSG:27700")
        if not cell.cell_size_m > 0 or not all(np.isfinite([cell.x0, cell.y0, cell.score])):
            raise ValueError(f"line {n}: cell size must be positive and numbers finite")
        key = (cell.period_start, cell.x0, cell.y0)
        if key in seen:
            raise ValueError(f"line {n}: cell listed twice in one period")
        seen.add(key)
        cells.append(cell)
    return cells
