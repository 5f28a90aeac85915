"""``peel analytics …``: import checks, forecasts in the interchange format, back-tests and Knox tests.

A thin entry point: it parses options, reads files through the importers and hands over to
:mod:`peel.analytics.service`; every number comes from the pure modules.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from peel.analytics.events import CHANNELS, EventSet
from peel.analytics.export import forecast_rows, to_csv
from peel.analytics.importers import SOURCES, ColumnMapping, load
from peel.analytics.knox_report import render_knox_report
from peel.analytics.methods import BASELINES, BEST, METHODS, make_method
from peel.analytics.nearrepeat import knox_test, near_repeat_alert
from peel.analytics.periods import epoch, make_periods
from peel.analytics.service import backtest_report, forecast_periods, prepare, select
from peel.core.clock import Clock, utcnow

# The command line is the edge where a person runs Peel now: it hands the system clock to what it calls.
CLOCK: Clock = utcnow

app = typer.Typer(help="Crime import, hotspot forecasts, back-tests and near-repeat analysis.", no_args_is_help=True)
console = Console(stderr=True)

EventsOpt = Annotated[list[Path], typer.Option("--events", exists=True, dir_okay=False, help="Event file(s).")]
SourceOpt = Annotated[str, typer.Option("--source", help=f"One of {', '.join(SOURCES)}.")]
TypesOpt = Annotated[list[str] | None, typer.Option("--crime-type", help="Keep only these crime types.")]
ChannelOpt = Annotated[
    list[str] | None,
    typer.Option("--channel", help=f"Discovery channels to train on ({', '.join(CHANNELS)}); default: reported."),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option("--columns", help="For --source csv: time=COL,type=COL,lon=COL,lat=COL[,id=COL,channel=COL]."),
]


def _mapping(columns: str | None) -> ColumnMapping | None:
    if columns is None:
        return None
    parts = dict(p.split("=", 1) for p in columns.split(",") if "=" in p)
    try:
        return ColumnMapping(
            time=parts["time"],
            crime_type=parts["type"],
            lon=parts.get("lon", "longitude"),
            lat=parts.get("lat", "latitude"),
            source_id=parts.get("id"),
            channel=parts.get("channel"),
        )
    except KeyError as e:
        raise typer.BadParameter(f"--columns needs {e.args[0]}=COLUMN") from e


def _load(paths: list[Path], source: str, columns: str | None) -> EventSet:
    if source not in SOURCES:
        raise typer.BadParameter(f"--source must be one of {', '.join(SOURCES)}")
    with console.status(f"reading {len(paths)} file(s)"):
        result = load(paths, source, _mapping(columns))
    console.print(f"{len(result.events)} events imported, {len(result.rejected)} rows rejected")
    for reason, n in result.rejection_counts().items():
        console.print(f"  rejected {n:>7}: {reason}")
    return result.events


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise typer.BadParameter(f"{text!r} is not an ISO date (YYYY-MM-DD)") from e


@app.command("check")
def check(events: EventsOpt, source: SourceOpt, columns: ColumnsOpt = None) -> None:
    """Import files and report how many rows became events and why the others were rejected."""
    ev = _load(events, source, columns)
    if len(ev):
        console.print(f"occurrence times {ev.datetimes.min()!s} .. {ev.datetimes.max()!s} UTC")


@app.command("forecast")
def forecast(
    events: EventsOpt,
    source: SourceOpt,
    start: Annotated[str, typer.Option(help="First period start (ISO date, inclusive).")],
    end: Annotated[str, typer.Option(help="End of the last period (ISO date, exclusive).")],
    out: Annotated[Path, typer.Option(help="Forecast CSV to write.")],
    period: Annotated[str, typer.Option(help="Period length: 1d, 7d, 2w, 1m …")] = "7d",
    cell_size: Annotated[float, typer.Option(help="Square cell size in metres.")] = 150.0,
    method: Annotated[str, typer.Option(help=f"{', '.join(METHODS)} or best (= {BEST}).")] = "best",
    crime_type: TypesOpt = None,
    channel: ChannelOpt = None,
    columns: ColumnsOpt = None,
) -> None:
    """Write forecasts in the interchange format; each period uses only events strictly before its start."""
    periods = make_periods(_date(start), _date(end), period)
    if not periods:
        raise typer.BadParameter("no whole period fits between --start and --end")
    forecaster = make_method(method)
    ev = select(_load(events, source, columns), crime_type or (), channel or ("reported",))
    prepared = prepare(ev, periods[0].start, cell_size)
    with _progress() as bar:
        task = bar.add_task(f"forecasting with {forecaster.name}", total=len(periods))
        results = forecast_periods(prepared, forecaster, periods, on_step=lambda: bar.advance(task))
    rows = (row for p, scores in results for row in forecast_rows(prepared.area, p, scores))
    out.write_text(to_csv(rows), encoding="utf-8")
    console.print(f"wrote {len(periods)} period(s) × {prepared.area.n_cells} cells to {out}")


@app.command("backtest")
def backtest(
    events: EventsOpt,
    source: SourceOpt,
    start: Annotated[str, typer.Option(help="First period start (ISO date).")],
    end: Annotated[str, typer.Option(help="End of the last period (ISO date, exclusive).")],
    report: Annotated[Path, typer.Option(help="HTML report to write.")] = Path("backtest.html"),
    period: Annotated[str, typer.Option(help="Period length: 1d, 7d, 1m …")] = "7d",
    cell_size: Annotated[float, typer.Option(help="Square cell size in metres.")] = 150.0,
    methods: Annotated[str, typer.Option(help="Comma-separated methods (baselines always included).")] = ",".join(
        METHODS
    ),
    crime_type: TypesOpt = None,
    channel: ChannelOpt = None,
    columns: ColumnsOpt = None,
) -> None:
    """Rolling-origin back-test of several methods; prints a table and writes an HTML report."""
    periods = make_periods(_date(start), _date(end), period)
    if not periods:
        raise typer.BadParameter("no whole period fits between --start and --end")
    names = [m.strip() for m in methods.split(",") if m.strip()]
    for n in names:
        make_method(n)  # fail fast on a bad name
    ev = select(_load(events, source, columns), crime_type or (), channel or ("reported",))
    prepared = prepare(ev, periods[0].start, cell_size)
    total = len(periods) * len(set([*BASELINES, *names, BEST]))
    with _progress() as bar:
        task = bar.add_task("back-testing", total=total)
        result, html = backtest_report(
            prepared,
            names,
            periods,
            f"Back-test: {source}, {start} to {end}, {period}, {cell_size:g} m",
            [p.name for p in events],
            on_step=lambda: bar.advance(task),
            generated=CLOCK(),
        )
    report.write_text(html, encoding="utf-8")
    table = Table(title=f"PAI at 5 % (mean [95 % CI]) over {len(periods)} periods")
    table.add_column("method")
    for c in result.coverages:
        table.add_column(f"PAI@{c:.0%}")
    for m in result.methods:
        cells = [result.summary("pai", c)[m] for c in result.coverages]
        table.add_row(m, *(f"{iv.mean:.2f} [{iv.low:.2f}, {iv.high:.2f}]" for iv in cells))
    Console().print(table)
    console.print(f"report written to {report}")


def _edges(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError as e:
        raise typer.BadParameter(f"{text!r} is not a comma-separated list of numbers") from e


@app.command("knox")
def knox(
    events: EventsOpt,
    source: SourceOpt,
    start: Annotated[str, typer.Option(help="Window start (ISO date).")],
    end: Annotated[str, typer.Option(help="Window end (ISO date, exclusive).")],
    crime_type: TypesOpt = None,
    distance_bands: Annotated[str, typer.Option(help="Distance band edges in metres.")] = "0,100,200,300,400",
    time_bands: Annotated[str, typer.Option(help="Time band edges in days.")] = "0,7,14,21,28",
    permutations: int = 999,
    fdr: Annotated[float, typer.Option(help="Benjamini–Hochberg false discovery rate.")] = 0.05,
    report: Annotated[Path | None, typer.Option(help="Also write an HTML report here.")] = None,
    columns: ColumnsOpt = None,
) -> None:
    """Knox near-repeat test: observed/expected pairs per distance × time band, Monte-Carlo p, BH q."""
    ev = select(_load(events, source, columns), crime_type or (), ())
    ev = ev.between(epoch(_date(start)), epoch(_date(end)))
    if len(ev) < 3:
        raise typer.BadParameter("fewer than three events in the window")
    prepared = prepare(ev, epoch(_date(end)), 100.0)
    with console.status(f"{permutations} permutations over {len(ev)} events"):
        result = knox_test(prepared.points, _edges(distance_bands), _edges(time_bands), permutations)
    d, t = result.distance_edges, result.time_edges
    table = Table(title=f"Knox ratios (observed/expected); * = significant at FDR {fdr:g}")
    table.add_column("distance \\ days")
    for k in range(len(t) - 1):
        table.add_column(f"[{t[k]:g}, {t[k + 1]:g})")
    sig = result.significant(fdr)
    for r in range(len(d) - 1):
        cells = [f"{result.ratio[r, k]:.2f}{'*' if sig[r, k] else ''}" for k in range(len(t) - 1)]
        table.add_row(f"[{d[r]:g}, {d[r + 1]:g}) m", *cells)
    Console().print(table)
    alert = near_repeat_alert(0.0, 0.0, 0, prepared.points.crs, result, fdr)
    if alert is None:
        Console().print(f"{len(ev)} events: no near-repeat alert is warranted (closest band not significant)")
    else:
        days = (alert.ends - alert.starts) / 86_400
        Console().print(f"{len(ev)} events: after a new one, alert within {alert.radius_m:g} m for {days:g} days")
    if report is not None:
        report.write_text(render_knox_report(result, f"Knox test: {source}, {start} to {end}", fdr), encoding="utf-8")
