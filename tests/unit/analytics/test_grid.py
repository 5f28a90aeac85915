"""Metric CRS choice, aligned square grids, study areas and H3 aggregation."""

from __future__ import annotations

import numpy as np
import shapely

from peel.analytics.events import make_events
from peel.analytics.grid import Points, SquareGrid, StudyArea, choose_crs, h3_counts, project


def test_it_chooses_british_national_grid_in_great_britain_and_utm_elsewhere() -> None:
    assert choose_crs(np.array([-1.23]), np.array([54.7])) == "EPSG:27700"
    assert choose_crs(np.array([-90.2]), np.array([38.6])) == "EPSG:32615"  # St. Louis
    assert choose_crs(np.array([-79.4]), np.array([43.7])) == "EPSG:32617"  # Toronto
    assert choose_crs(np.array([151.2]), np.array([-33.9])) == "EPSG:32756"  # Sydney, southern hemisphere


def test_projection_to_bng_is_close_to_a_known_point() -> None:
    # Trafalgar Square; OSTN15 (convertbng) gives 530010.0, 180418.4. pyproj without the OSTN15 grid file
    # uses a Helmert transformation, a couple of metres off: far below any cell size used here.
    ev = make_events(["a"], [0], [-0.12803], [51.50775], ["x"])
    p = project(ev)
    assert p.crs == "EPSG:27700"
    assert abs(p.x[0] - 530010.0) < 5 and abs(p.y[0] - 180418.4) < 5


def test_grid_corners_are_multiples_of_the_cell_size_and_counts_land_in_the_right_cell() -> None:
    xs, ys = np.array([1050.0, 1199.9, 1200.0]), np.array([1950.0, 2099.9, 2100.0])
    pts = Points(xs, ys, np.zeros(3, np.int64), "EPSG:1")
    grid = SquareGrid.covering(pts, 150.0, margin_cells=0)
    assert (grid.x0 % 150, grid.y0 % 150) == (0.0, 0.0)
    counts = grid.counts(pts)
    assert counts.sum() == 3
    row, col, inside = grid.cell_of(pts.x, pts.y)
    assert inside.all()
    assert col.tolist() == [0, 0, 1]  # 1200 is the lower edge of the next cell
    assert row.tolist() == [0, 0, 1]


def test_study_area_from_points_and_from_polygon() -> None:
    pts = Points(np.array([75.0, 375.0]), np.array([75.0, 75.0]), np.zeros(2, np.int64), "EPSG:1")
    grid = SquareGrid("EPSG:1", 150.0, 0.0, 0.0, 4, 2)
    assert StudyArea.from_points(grid, pts).n_cells == 2
    assert StudyArea.from_points(grid, pts, buffer_cells=1).n_cells == 6  # grown in the four grid directions
    square = shapely.box(0, 0, 300, 150)
    assert StudyArea.from_polygon(grid, square).mask.tolist() == [[True, True, False, False], [False] * 4]


def test_h3_counts_group_events_into_hexagons() -> None:
    ev = make_events(["a", "b", "c"], [0, 0, 0], [-0.128, -0.12801, 0.5], [51.5077, 51.50771, 51.0], ["x"] * 3)
    assert sorted(h3_counts(ev, 9).values()) == [1, 2]
