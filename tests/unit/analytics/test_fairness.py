"""Fairness helpers: disparity by area, calibration, and the feedback-loop guard."""

from __future__ import annotations

import numpy as np

from peel.analytics.events import FOUND_ON_PATROL, OFFICER_INITIATED, REPORTED, make_events
from peel.analytics.fairness import calibration, disparity_by_area, simulate_feedback, training_events


def test_training_defaults_to_victim_reported_crime() -> None:
    ev = make_events(
        ["a", "b", "c"], [0, 1, 2], [0, 0, 0], [0, 0, 0], ["x"] * 3, [REPORTED, OFFICER_INITIATED, FOUND_ON_PATROL]
    )
    assert training_events(ev).source_id.tolist() == ["a"]


def test_disparity_shares_add_up_and_show_over_flagging() -> None:
    labels = ["north"] * 5 + ["south"] * 5
    scores = np.array([9, 8, 7, 6, 5, 1, 1, 1, 1, 1], dtype=float)
    actual = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float)
    rows = {r.area: r for r in disparity_by_area(labels, scores, actual, 0.3, {"north": 100, "south": 300})}
    assert rows["north"].share_flagged == 1.0 and rows["south"].share_flagged == 0.0
    assert rows["north"].share_crime == 0.5 and rows["north"].flagged_to_crime == 2.0
    assert rows["south"].share_population == 0.75


def test_calibration_bins_compare_predicted_with_observed() -> None:
    rng = np.random.default_rng(0)
    rate = rng.gamma(1.0, 1.0, 5000)
    bins = calibration(rate, rng.poisson(rate).astype(float), bins=5)
    assert sum(b.cells for b in bins) == 5000
    for b in bins:
        assert abs(b.predicted - b.observed) < 0.15 * max(b.predicted, 0.5)


def test_the_guard_sends_patrols_where_victims_report_crime_not_where_patrols_were() -> None:
    # Area A (cells 0-19) has half the reported crime of area B (cells 20-39) but was patrolled in the past, so
    # its history holds crime officers found there. 10 cells can be patrolled each period.
    in_a = np.arange(40) < 20
    reported = np.where(in_a, 0.2, 0.4)
    findable = np.full(40, 2.0)
    prior_found = np.where(in_a, 5.0, 0.0)
    rounds = 80

    def share_of_patrols_in_a(guard: bool) -> float:
        shares = []
        for seed in range(3):
            run = simulate_feedback(reported, findable, rounds, 10, guard, prior_found=prior_found, seed=seed)
            late = run.flagged_share_by_round[rounds // 2 :]
            shares.append(late[:, in_a].sum() / late.sum())
        return float(np.mean(shares))

    assert share_of_patrols_in_a(guard=False) > 0.85  # locked in, though A has a third of the crime
    assert share_of_patrols_in_a(guard=True) < 0.25  # patrols follow victims' reports to B
