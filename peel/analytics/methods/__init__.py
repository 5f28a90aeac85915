"""Forecasting methods and their defaults.

Defaults were chosen by back-test on *early* data only (St. Louis weekly periods 2018-01..2018-06, 150 m cells,
victim-reported crime); the latest shared months (St. Louis 2019-01..06, Toronto 2021) were never used to choose
anything. See docs/analytics.md for the tuning runs.
"""

from __future__ import annotations

from collections.abc import Callable

from peel.analytics.methods.base import Forecaster
from peel.analytics.methods.blend import LearnedBlend
from peel.analytics.methods.counts import NaiveCounts, RecentCounts
from peel.analytics.methods.kde import RetrospectiveKDE
from peel.analytics.methods.prospective import ProspectiveHotspot
from peel.analytics.methods.sepp import SelfExcitingPP

# The recommended method: it beat long-run counts and KDE on the tuning periods (docs/analytics.md).
BEST = "blend"
BASELINES = ("naive", "kde")

_FACTORIES: dict[str, Callable[[], Forecaster]] = {
    "naive": lambda: NaiveCounts(),
    "recent": lambda: RecentCounts(),
    "kde": lambda: RetrospectiveKDE(),
    "prospective": lambda: ProspectiveHotspot(),
    "sepp": lambda: SelfExcitingPP(),
    "blend": lambda: LearnedBlend(),
}
METHODS: tuple[str, ...] = tuple(_FACTORIES)

__all__ = [
    "BASELINES",
    "BEST",
    "METHODS",
    "Forecaster",
    "LearnedBlend",
    "NaiveCounts",
    "ProspectiveHotspot",
    "RecentCounts",
    "RetrospectiveKDE",
    "SelfExcitingPP",
    "make_method",
]


def make_method(name: str) -> Forecaster:
    """A method by name with its default parameters; ``best`` is the recommended one."""
    key = BEST if name == "best" else name
    if key not in _FACTORIES:
        raise ValueError(f"unknown method {name!r}; choose from {', '.join((*METHODS, 'best'))}")
    return _FACTORIES[key]()
