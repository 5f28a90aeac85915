"""A self-contained HTML back-test report: results with confidence intervals, plots, model card, fairness.

Everything is inline (CSS and SVG), so the file can be mailed or archived and still open years later.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from importlib import metadata

import numpy as np

from peel.analytics.areas import AreaTables, area_tables
from peel.analytics.backtest.rolling import BacktestResult
from peel.analytics.backtest.svg import heat_map, line_chart
from peel.analytics.events import FloatArray
from peel.analytics.fairness import AreaDisparity, calibration
from peel.analytics.grid import Points


@dataclass
class ModelCard:
    title: str
    data_sources: list[str]
    data_window: tuple[str, str]
    crime_types: list[str]
    channels: list[str]
    parameters: dict[str, str]
    notes: list[str] = field(default_factory=list)


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("peel", "numpy", "scipy", "scikit-learn", "pyproj"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _fmt(v: float) -> str:
    return "–" if not np.isfinite(v) else f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def _results_table(result: BacktestResult) -> str:
    rows = [
        "<tr><th>method</th>"
        + "".join(f"<th>{m} @{c:.0%}</th>" for c in result.coverages for m in ("hit rate", "PAI", "PEI"))
        + "</tr>"
    ]
    for method in result.methods:
        cells = []
        for c in result.coverages:
            for metric in ("hit_rate", "pai", "pei"):
                iv = result.summary(metric, c)[method]
                cells.append(f"<td>{_fmt(iv.mean)}<br><small>[{_fmt(iv.low)}, {_fmt(iv.high)}]</small></td>")
        rows.append(f"<tr><th>{escape(method)}</th>{''.join(cells)}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _comparison_table(result: BacktestResult, baselines: tuple[str, ...], coverage: float) -> str:
    rows = ["<tr><th>method</th>" + "".join(f"<th>PAI − {escape(b)}</th>" for b in baselines) + "</tr>"]
    for method in result.methods:
        if method in baselines:
            continue
        cells = []
        for b in baselines:
            if b not in result.methods:
                cells.append("<td>–</td>")
                continue
            d = result.paired_difference(method, b, "pai", coverage)
            verdict = "better" if d.low > 0 else "worse" if d.high < 0 else "no clear difference"
            cells.append(f"<td>{_fmt(d.mean)} [{_fmt(d.low)}, {_fmt(d.high)}] <small>{verdict}</small></td>")
        rows.append(f"<tr><th>{escape(method)}</th>{''.join(cells)}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _share(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1%}"


def _area_rows(rows: list[AreaDisparity], names: dict[str, str], limit: int) -> str:
    return "".join(
        f"<tr><td>{escape(r.area)}{' ' + escape(names[r.area]) if r.area in names else ''}</td>"
        f"<td>{r.share_flagged:.1%}</td><td>{r.share_crime:.1%}</td><td>{_share(r.share_population)}</td></tr>"
        for r in rows[:limit]
    )


_AREA_HEAD = "<tr><th>area</th><th>share of flagged cells</th><th>share of crime</th><th>share of population</th></tr>"


def _fairness(areas: AreaTables, last_scores: FloatArray, last_actual: FloatArray, coverage: float) -> str:
    limit = 15
    what = "LSOA (ONS 2011 Census population)" if areas.kind == "lsoa" else "area"
    larger = (
        f"<h3>Disparity by local authority (sum of its LSOAs)</h3><table>{_AREA_HEAD}"
        f"{_area_rows(areas.larger, {}, len(areas.larger))}</table>"
        if areas.larger
        else ""
    )
    notes = "".join(f"<p>{escape(n)}</p>" for n in areas.notes)
    cal = "".join(
        f"<tr><td>{b.lower:.3g}–{b.upper:.3g}</td><td>{b.cells}</td><td>{b.predicted:.3f}</td>"
        f"<td>{b.observed:.3f}</td></tr>"
        for b in calibration(last_scores, last_actual)
    )
    return (
        f"<h3>Disparity by {what} (last period, {coverage:.0%} flagged, top {limit} of {len(areas.areas)})</h3>"
        f"<table>{_AREA_HEAD}{_area_rows(areas.areas, areas.names, limit)}</table>{larger}{notes}"
        "<h3>Calibration (last period, score deciles)</h3><table><tr><th>score range</th><th>cells</th>"
        f"<th>mean predicted</th><th>mean observed</th></tr>{cal}</table>"
    )


def render_report(  # noqa: PLR0913 - the report's parts; all but the first six are keyword defaults
    result: BacktestResult,
    card: ModelCard,
    best: str,
    baselines: tuple[str, ...],
    last_scores: dict[str, FloatArray],
    last_actual: FloatArray,
    headline_coverage: float = 0.05,
    areas: AreaTables | None = None,
    *,
    generated: datetime | None = None,
) -> str:
    """The report as one HTML string. ``last_scores`` are the last period's study-area scores per method;
    ``areas`` the disparity tables for the best method (default: ~2 km tiles, no population)."""
    if areas is None:
        no_codes = np.zeros(0, dtype=np.str_)
        empty = Points(np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64), result.area.grid.crs)
        areas = area_tables(result.area, empty, no_codes, last_scores[best], last_actual, headline_coverage, None)
    pai_curve = line_chart(
        [c * 100 for c in result.coverages],
        {m: [result.summary("pai", c)[m].mean for c in result.coverages] for m in result.methods},
        "Mean PAI by share of area flagged",
        "% of study area flagged",
        "PAI",
    )
    starts = [p.start_date.isoformat() for p in result.periods]
    step = max(1, len(starts) // 6)
    over_time = line_chart(
        list(range(len(starts))),
        {m: list(result.column(m, "pai", headline_coverage)) for m in result.methods},
        f"PAI at {headline_coverage:.0%} per period",
        "period start",
        "PAI",
        x_ticks=[(float(k), starts[k]) for k in range(0, len(starts), step)],
    )
    full = np.zeros(result.area.grid.shape)
    full[result.area.mask] = last_scores[best]
    mapped = heat_map(full, result.area.mask, f"{best}: top {headline_coverage:.0%} cells, last period")
    ver = versions()
    card_rows = [
        ("data sources", ", ".join(card.data_sources)),
        ("data window", f"{card.data_window[0]} to {card.data_window[1]}"),
        ("crime types", ", ".join(card.crime_types)),
        ("discovery channels used", ", ".join(card.channels)),
        ("study area", f"{result.area.n_cells} cells of {result.area.grid.cell_size:g} m in {result.area.grid.crs}"),
        ("periods", f"{len(result.periods)} from {starts[0]} (last starts {starts[-1]})"),
        (
            "events scored",
            f"{int(result.events_in_area.sum())} in the study area, "
            f"{int(result.events_outside.sum())} outside it (not scored)",
        ),
        *card.parameters.items(),
        ("versions", ", ".join(f"{k} {v}" for k, v in ver.items())),
        *([("generated", generated.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))] if generated else []),
    ]
    card_html = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in card_rows)
    notes = "".join(f"<li>{escape(n)}</li>" for n in card.notes)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(card.title)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0;font-size:13px}}td,th{{border:1px solid #ccc;padding:3px 6px;
text-align:left;vertical-align:top}}small{{color:#666}}</style></head><body>
<h1>{escape(card.title)}</h1>
<p>Rolling-origin back-test: every forecast used only events strictly before its period. Mean over periods with
95 % bootstrap intervals (periods resampled). Recommended method: <b>{escape(best)}</b>.</p>
<h2>Against the baselines (PAI at {headline_coverage:.0%}, paired by period)</h2>
{_comparison_table(result, baselines, headline_coverage)}
<h2>All methods</h2>{_results_table(result)}
<h2>Plots</h2>{pai_curve}{over_time}<div>{mapped}</div>
<h2>Model card</h2><table>{card_html}</table><ul>{notes}</ul>
<h2>Fairness</h2>{_fairness(areas, last_scores[best], last_actual, headline_coverage)}
<p>Place-based only: Peel scores places, never people.</p>
</body></html>
"""
