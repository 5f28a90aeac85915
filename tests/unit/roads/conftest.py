"""Fixtures for the road network tests: the real Westminster graph, parsed once per test process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from peel.roads import RoadGraph, load_road_graph

WESTMINSTER = Path(__file__).resolve().parents[3] / "data" / "osm-westminster" / "westminster_drive.graphml.gz"


@lru_cache(maxsize=1)
def _westminster() -> RoadGraph:
    # RoadGraph is immutable, so sharing one parse between test modules cannot leak state between them.
    return load_road_graph(WESTMINSTER)


@pytest.fixture(scope="module")
def westminster() -> RoadGraph:
    return _westminster()


@pytest.fixture(scope="module")
def westminster_path() -> Path:
    return WESTMINSTER
