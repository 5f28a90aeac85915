"""Benchmark of the analytics methods: fit + forecast time and peak memory at 10,000 and 100,000 events.

Run with ``python -m bench.analytics`` from the repository root (add ``--quick`` for 10,000 events only). Events
are the most recent victim-reported St. Louis crimes before 2019-01-01 from data/crime-samples; each
(method, size) runs in a fresh child process so its peak resident memory is its own. The forecast is one week on
150 m cells; the self-exciting model's look-back is widened to cover every event given, so it really fits 100,000.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "crime-samples" / "stl-slmpd-crimes"
SIZES = (10_000, 100_000)
REPEATS = 3


def _prepare(path: Path) -> None:
    from peel.analytics.events import REPORTED
    from peel.analytics.grid import project
    from peel.analytics.importers import load
    from peel.analytics.periods import epoch

    events = load(sorted(SAMPLES.glob("slmpd_*.csv.gz")), "stl").events.of_channels([REPORTED])
    events = events.before(epoch(date(2019, 1, 1)))
    points = project(events)
    np.savez(path, x=points.x, y=points.y, t=points.t, crs=np.array(points.crs))


def _peak_rss_kb() -> int:
    """This process's peak resident memory. VmHWM belongs to the address space, so unlike ``ru_maxrss`` it does
    not carry over the parent's peak into a freshly spawned child."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(path: str, method: str, size: int, repeats: int, queue: mp.Queue) -> None:
    import dataclasses

    from peel.analytics.grid import Points, SquareGrid
    from peel.analytics.methods import make_method
    from peel.analytics.methods.base import DAY
    from peel.analytics.methods.sepp import SelfExcitingPP

    data = np.load(path)
    n = len(data["t"])
    pts = Points(data["x"][n - size :], data["y"][n - size :], data["t"][n - size :], str(data["crs"]))
    start = int(pts.t.max()) + 1
    grid = SquareGrid.covering(pts, 150.0)
    model = make_method(method)
    if isinstance(model, SelfExcitingPP):
        model = dataclasses.replace(model, lookback_days=(start - int(pts.t.min())) / DAY + 1)
    base_kb = _peak_rss_kb()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model.forecast(pts, grid, start, start + 7 * 86_400)
        times.append(time.perf_counter() - t0)
    peak_kb = _peak_rss_kb()
    queue.put((statistics.median(times), peak_kb / 1024, (peak_kb - base_kb) / 1024))


def _measure(path: Path, method: str, size: int, repeats: int) -> tuple[float, float, float]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(str(path), method, size, repeats, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> None:
    import scipy
    import sklearn
    from rich.console import Console
    from rich.table import Table

    from peel.analytics.methods import METHODS

    args = sys.argv[1:] if argv is None else argv
    sizes = SIZES[:1] if "--quick" in args else SIZES
    console = Console()
    console.print(
        f"CPU: {_cpu_model()} · cores: {os.cpu_count()} · Python {platform.python_version()} · "
        f"numpy {np.__version__} · scipy {scipy.__version__} · scikit-learn {sklearn.__version__}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "points.npz"
        with console.status("importing St. Louis sample events"):
            _prepare(path)
        table = Table(title="fit + forecast one week, 150 m cells: median time · peak RSS · peak above loaded data")
        table.add_column("method")
        for size in sizes:
            table.add_column(f"{size:,} events")
        for method in METHODS:
            cells = []
            for size in sizes:
                with console.status(f"{method} at {size:,} events"):
                    median, peak, delta = _measure(path, method, size, REPEATS)
                cells.append(f"{median * 1000:.1f} ms · {peak:.0f} MB · +{delta:.0f} MB")
            table.add_row(method, *cells)
        console.print(table)


if __name__ == "__main__":
    main()
