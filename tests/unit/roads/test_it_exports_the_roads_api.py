"""Guard the public API of ``peel.roads``: other capabilities import only these names."""

from __future__ import annotations

import peel.roads


def test_it_exports_exactly_the_public_names() -> None:
    assert sorted(peel.roads.__all__) == [
        "Bounds",
        "GraphMLError",
        "RoadGraph",
        "WALK_SPEED_MPS",
        "default_speed_kmh",
        "load_road_graph",
        "parse_maxspeed",
    ]
    for name in peel.roads.__all__:
        assert getattr(peel.roads, name) is not None


def test_it_builds_nothing_at_import_time() -> None:
    public = {name: getattr(peel.roads, name) for name in dir(peel.roads) if not name.startswith("_")}
    assert not any(isinstance(value, peel.roads.RoadGraph) for value in public.values())


def test_it_warms_up_its_caches(westminster: peel.roads.RoadGraph) -> None:
    assert westminster.warm_up() is westminster
    assert "_tree_main" in vars(westminster) and "_outline" in vars(westminster)
