"""Proactive policing analytics: crime import, grids, hotspot forecasts, back-tests, near-repeat and fairness.

The public surface is re-exported here; everything else is an implementation detail. Domain modules are pure
(numpy in, numpy out); ``importers`` and ``cli`` are the adapters that touch files.
"""

from peel.analytics.backtest.metrics import COVERAGES, Interval, Scores, bootstrap_mean, score_at
from peel.analytics.backtest.rolling import BacktestResult, run_backtest
from peel.analytics.events import CHANNELS, EventSet, ImportResult, Rejection, apply_import, make_events, merge
from peel.analytics.export import HEADER, forecast_rows, parse_forecast_csv, to_csv
from peel.analytics.fairness import calibration, disparity_by_area, simulate_feedback, training_events
from peel.analytics.grid import Points, SquareGrid, StudyArea, choose_crs, h3_counts, project
from peel.analytics.methods import BASELINES, BEST, METHODS, Forecaster, make_method
from peel.analytics.nearrepeat import Alert, KnoxResult, knox_test, near_repeat_alert
from peel.analytics.periods import Period, make_periods

__all__ = [
    "BASELINES",
    "BEST",
    "CHANNELS",
    "COVERAGES",
    "HEADER",
    "METHODS",
    "Alert",
    "BacktestResult",
    "EventSet",
    "Forecaster",
    "ImportResult",
    "Interval",
    "KnoxResult",
    "Period",
    "Points",
    "Rejection",
    "Scores",
    "SquareGrid",
    "StudyArea",
    "apply_import",
    "bootstrap_mean",
    "calibration",
    "choose_crs",
    "disparity_by_area",
    "forecast_rows",
    "h3_counts",
    "knox_test",
    "make_events",
    "make_method",
    "make_periods",
    "merge",
    "near_repeat_alert",
    "parse_forecast_csv",
    "project",
    "run_backtest",
    "score_at",
    "simulate_feedback",
    "to_csv",
    "training_events",
]
