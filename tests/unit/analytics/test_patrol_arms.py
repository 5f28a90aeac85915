"""Control cells for patrol tasking: the seeded split is reproducible and takes the configured share."""

from __future__ import annotations

import pytest

from peel.analytics.patrol.tasking import assign_arms


def test_the_same_seed_gives_the_same_controls_and_the_share_is_respected() -> None:
    arms = assign_arms(40, 0.25, seed=11)
    assert arms == assign_arms(40, 0.25, seed=11)
    assert arms.count("control") == 10 and arms.count("treated") == 30
    assert arms != assign_arms(40, 0.25, seed=12)
    assert assign_arms(5, 0.0, seed=1) == ["treated"] * 5


def test_a_split_that_leaves_nothing_to_patrol_is_refused() -> None:
    with pytest.raises(ValueError):
        assign_arms(2, 0.9, seed=1)
    with pytest.raises(ValueError):
        assign_arms(0, 0.2, seed=1)
