"""Fixtures for the analytics unit tests."""

from __future__ import annotations

import pytest
from analytics_fixtures import synthetic_points

from peel.analytics.grid import Points


@pytest.fixture
def points() -> Points:
    return synthetic_points()
