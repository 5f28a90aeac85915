"""Metric projection, square grids, study areas and H3 hexagons.

Metric work happens in British National Grid (EPSG:27700) when the events lie in Great Britain and in the local
UTM zone otherwise, chosen from the median event position. Square grids are aligned to multiples of the cell size
in that CRS, so the same cell has the same lower-left corner (``x0, y0``) in every forecast and export.
"""

from __future__ import annotations

from dataclasses import dataclass

import h3
import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from scipy import ndimage

from peel.analytics.events import EventSet, FloatArray, IntArray

BNG = "EPSG:27700"
_GB_LON = (-8.8, 2.0)
_GB_LAT = (49.8, 60.95)


def choose_crs(lon: FloatArray, lat: FloatArray) -> str:
    """BNG in Great Britain, otherwise the UTM zone (WGS84, EPSG:326xx north / 327xx south) of the median."""
    if len(lon) == 0:
        raise ValueError("cannot choose a CRS without events")
    mlon, mlat = float(np.median(lon)), float(np.median(lat))
    if _GB_LON[0] <= mlon <= _GB_LON[1] and _GB_LAT[0] <= mlat <= _GB_LAT[1]:
        return BNG
    zone = min(60, int((mlon + 180.0) // 6.0) + 1)
    return f"EPSG:{32600 + zone if mlat >= 0 else 32700 + zone}"


@dataclass(frozen=True)
class Points:
    """Projected events: x/y metres in ``crs``, t epoch seconds. The methods' only input."""

    x: FloatArray
    y: FloatArray
    t: IntArray
    crs: str

    def __len__(self) -> int:
        return len(self.t)

    def take(self, index: NDArray[np.bool_] | NDArray[np.intp]) -> Points:
        return Points(self.x[index], self.y[index], self.t[index], self.crs)

    def before(self, t: int) -> Points:
        return self.take(self.t < t)

    def between(self, start: int, end: int) -> Points:
        return self.take((self.t >= start) & (self.t < end))


def project(events: EventSet, crs: str | None = None) -> Points:
    crs = crs or choose_crs(events.lon, events.lat)
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = tr.transform(events.lon, events.lat)
    return Points(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), events.time.copy(), crs)


@dataclass(frozen=True)
class SquareGrid:
    """``nx`` × ``ny`` square cells of ``cell_size`` metres; cell (row i, column j) has lower-left corner
    (x0 + j·size, y0 + i·size). Arrays of scores are shaped (ny, nx)."""

    crs: str
    cell_size: float
    x0: float
    y0: float
    nx: int
    ny: int

    @classmethod
    def covering(cls, points: Points, cell_size: float, margin_cells: int = 2) -> SquareGrid:
        if len(points) == 0:
            raise ValueError("cannot build a grid around no events")
        x0 = (np.floor(points.x.min() / cell_size) - margin_cells) * cell_size
        y0 = (np.floor(points.y.min() / cell_size) - margin_cells) * cell_size
        nx = int(np.floor((points.x.max() - x0) / cell_size)) + 1 + margin_cells
        ny = int(np.floor((points.y.max() - y0) / cell_size)) + 1 + margin_cells
        return cls(points.crs, float(cell_size), float(x0), float(y0), nx, ny)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.ny, self.nx)

    def cell_of(self, x: FloatArray, y: FloatArray) -> tuple[IntArray, IntArray, NDArray[np.bool_]]:
        """(row, column, inside) for each point; row/column are clipped where ``inside`` is False."""
        col = np.floor((x - self.x0) / self.cell_size).astype(np.int64)
        row = np.floor((y - self.y0) / self.cell_size).astype(np.int64)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        return np.clip(row, 0, self.ny - 1), np.clip(col, 0, self.nx - 1), inside

    def counts(self, points: Points, weights: FloatArray | None = None) -> FloatArray:
        """Events (or summed weights) per cell, shaped (ny, nx); points outside the grid are ignored."""
        row, col, inside = self.cell_of(points.x, points.y)
        flat = row[inside] * self.nx + col[inside]
        w = None if weights is None else weights[inside]
        return np.bincount(flat, weights=w, minlength=self.nx * self.ny).astype(np.float64).reshape(self.shape)

    def fine_counts(self, points: Points, factor: int, weights: FloatArray | None = None) -> FloatArray:
        """Counts on the grid subdivided ``factor`` times in each direction (for accurate smoothing)."""
        fine = SquareGrid(self.crs, self.cell_size / factor, self.x0, self.y0, self.nx * factor, self.ny * factor)
        return fine.counts(points, weights)

    def lower_left(self) -> tuple[FloatArray, FloatArray]:
        jj, ii = np.meshgrid(np.arange(self.nx, dtype=np.float64), np.arange(self.ny, dtype=np.float64))
        return self.x0 + jj * self.cell_size, self.y0 + ii * self.cell_size

    def centres(self) -> tuple[FloatArray, FloatArray]:
        x, y = self.lower_left()
        return x + self.cell_size / 2, y + self.cell_size / 2


def pool(fine: FloatArray, factor: int) -> FloatArray:
    """Sum ``factor`` × ``factor`` blocks: fine-grid values back to the coarse grid."""
    ny, nx = fine.shape[0] // factor, fine.shape[1] // factor
    pooled: FloatArray = fine.reshape(ny, factor, nx, factor).sum(axis=(1, 3))
    return pooled


@dataclass(frozen=True)
class StudyArea:
    """The cells a forecast ranks and a back-test scores: a boolean mask over a grid."""

    grid: SquareGrid
    mask: NDArray[np.bool_]

    @property
    def n_cells(self) -> int:
        return int(self.mask.sum())

    @classmethod
    def from_points(cls, grid: SquareGrid, points: Points, buffer_cells: int = 0) -> StudyArea:
        """Cells containing at least one of ``points`` (pass only past events), grown by ``buffer_cells``."""
        mask = grid.counts(points) > 0
        if buffer_cells > 0:
            mask = ndimage.binary_dilation(mask, iterations=buffer_cells)
        return cls(grid, mask)

    @classmethod
    def from_polygon(cls, grid: SquareGrid, polygon: shapely.Geometry) -> StudyArea:
        """Cells whose centre lies in ``polygon`` (given in the grid's CRS)."""
        cx, cy = grid.centres()
        inside = shapely.contains_xy(polygon, cx.ravel(), cy.ravel()).reshape(grid.shape)
        return cls(grid, np.asarray(inside, dtype=bool))


def h3_cells(events: EventSet, resolution: int) -> NDArray[np.str_]:
    """The H3 hexagon of each event at ``resolution`` (9 ≈ 0.1 km², 8 ≈ 0.7 km²)."""
    return np.array(
        [h3.latlng_to_cell(float(la), float(lo), resolution) for la, lo in zip(events.lat, events.lon, strict=True)],
        dtype=np.str_,
    )


def h3_counts(events: EventSet, resolution: int) -> dict[str, int]:
    cells, counts = np.unique(h3_cells(events, resolution), return_counts=True)
    return {str(c): int(n) for c, n in zip(cells, counts, strict=True)}
