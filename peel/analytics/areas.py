"""Areas for the fairness tables: LSOAs (with census population) where events carry LSOA codes, tiles otherwise.

**Rule.** data.police.uk places every crime in an LSOA (its ``area_code``), but no LSOA boundaries are available
here, so a square grid cell cannot be intersected with LSOAs. Instead each study-area cell is assigned to the LSOA
that holds **most of its events** (all the events given, of every period; ties go to the lowest code). Each LSOA
is then reported with its share of the flagged cells, of crime and of population (ONS 2011 Census, over the LSOAs
that hold at least one cell), and the same is summed per local authority.

**Limits.** A cell that straddles an LSOA boundary counts wholly for one LSOA. A cell with no coded event gets no
LSOA (shown as its own row, with no population), which only happens when the study area has cells without events.
An LSOA whose events all lie in cells another LSOA wins holds no cell, so its population is left out of the shares.
LSOA codes that are not in the 2011 table (e.g. 2021 codes in newer data) are shown with no population.

Data without area codes (St. Louis, Toronto, generic CSV) keeps square tiles of about 2 km, and no population
table exists for them, so their population shares are not available.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from peel.analytics.events import FloatArray, StrArray
from peel.analytics.fairness import AreaDisparity, disparity_by_area
from peel.analytics.grid import Points, StudyArea
from peel.analytics.population import PopulationTable

TILE_M = 2000.0
NO_LSOA = "no LSOA"  # a cell with no event carrying an LSOA code
NOT_IN_TABLE = "not in the census table"


def tile_labels(area: StudyArea, tile_m: float = TILE_M) -> list[str]:
    """A label per study-area cell (mask order): the tile it lies in, named by its lower-left corner in km."""
    x0, y0 = area.grid.lower_left()
    ii, jj = np.nonzero(area.mask)
    tx = np.floor(x0[ii, jj] / tile_m) * tile_m / 1000
    ty = np.floor(y0[ii, jj] / tile_m) * tile_m / 1000
    return [f"{x:g}E {y:g}N km" for x, y in zip(tx, ty, strict=True)]


def lsoa_of_cells(area: StudyArea, points: Points, codes: StrArray) -> StrArray:
    """Per study-area cell (mask order), the area code carried by most of the points in it; "" if none."""
    n = area.n_cells
    out = np.full(n, "", dtype=object)
    row, col, inside = area.grid.cell_of(points.x, points.y)
    keep = inside & (np.asarray(codes) != "")
    keep[keep] = area.mask[row[keep], col[keep]]
    if keep.any():
        position = np.full(area.grid.shape, -1, dtype=np.int64)
        position[area.mask] = np.arange(n)
        cell = position[row[keep], col[keep]]
        names, code_id = np.unique(np.asarray(codes)[keep], return_inverse=True)  # names sorted: ties → lowest
        pairs, counts = np.unique(cell * len(names) + code_id, return_counts=True)
        pair_cell, pair_code = pairs // len(names), pairs % len(names)
        order = np.lexsort((pair_code, -counts, pair_cell))  # per cell: most events first, then the lowest code
        first = order[np.r_[True, pair_cell[order][1:] != pair_cell[order][:-1]]]
        out[pair_cell[first]] = names[pair_code[first]]
    return np.asarray(out.astype(str), dtype=np.str_)


@dataclass(frozen=True)
class AreaTables:
    """Disparity by area for one period's scores, ready to render."""

    kind: str  # "lsoa" or "tile"
    areas: list[AreaDisparity]  # by share of flagged cells, then of crime
    larger: list[AreaDisparity] = field(default_factory=list)  # per local authority (LSOAs only)
    names: dict[str, str] = field(default_factory=dict)  # LSOA code → name, for display
    population: str | None = None  # the population table used, if any
    notes: list[str] = field(default_factory=list)


def _sorted(rows: list[AreaDisparity]) -> list[AreaDisparity]:
    return sorted(rows, key=lambda r: (-r.share_flagged, -r.share_crime, r.area))


def area_tables(
    area: StudyArea,
    points: Points,
    codes: StrArray,
    scores: FloatArray,
    actual: FloatArray,
    coverage: float,
    table: PopulationTable | None,
    tile_m: float = TILE_M,
) -> AreaTables:
    """LSOA (and local-authority) tables when ``codes`` (aligned with ``points``) hold LSOA codes, else tiles."""
    if not np.any(np.asarray(codes) != ""):
        rows = disparity_by_area(tile_labels(area, tile_m), scores, actual, coverage)
        note = (
            f"Areas are {tile_m / 1000:g} km square tiles: these events carry no LSOA or other area code, and no "
            "population table exists for them, so population shares are not available."
        )
        return AreaTables("tile", _sorted(rows), notes=[note])
    lsoa = lsoa_of_cells(area, points, codes)
    labels = np.where(lsoa == "", NO_LSOA, lsoa)
    persons = table.persons if table is not None else {}
    covered = sorted(set(lsoa.tolist()) - {""})
    population = {c: float(persons[c]) for c in covered if c in persons}
    rows = disparity_by_area(labels, scores, actual, coverage, population or None)
    in_events = set(np.unique(np.asarray(codes)).tolist()) - {""}
    notes = [
        f"{len(covered)} LSOAs hold at least one of the {area.n_cells} cells (each cell goes to the LSOA most of "
        f"its events carry; {len(in_events)} LSOAs appear in the events). Population shares are over the covered "
        "LSOAs found in the census table."
    ]
    no_lsoa = int((lsoa == "").sum())
    if no_lsoa:
        notes.append(f"{no_lsoa} cells have no event with an LSOA code, so no LSOA (shown as “{NO_LSOA}”).")
    missing = [c for c in covered if c not in persons]
    if table is None:
        notes.append("No LSOA population table was found, so population shares are not available.")
    elif missing:
        notes.append(f"{len(missing)} LSOAs are {NOT_IN_TABLE} (no population): {', '.join(missing[:5])}.")
    larger: list[AreaDisparity] = []
    if table is not None:
        la = table.local_authority
        la_labels = [NO_LSOA if c == "" else la.get(c, NOT_IN_TABLE) for c in lsoa.tolist()]
        la_pop: dict[str, float] = {}
        for code, people in population.items():
            if code in la:
                la_pop[la[code]] = la_pop.get(la[code], 0.0) + people
        larger = _sorted(disparity_by_area(la_labels, scores, actual, coverage, la_pop or None))
    names = {c: table.names[c] for c in covered if table is not None and c in table.names}
    return AreaTables("lsoa", _sorted(rows), larger, names, table.name if table is not None else None, notes)
