"""A self-contained HTML page for a Knox near-repeat test: ratios, p- and q-values, and the implied alert."""

from __future__ import annotations

from html import escape

from peel.analytics.nearrepeat import KnoxResult, near_repeat_alert


def render_knox_report(result: KnoxResult, title: str, fdr: float = 0.05) -> str:
    d, t = result.distance_edges, result.time_edges
    sig = result.significant(fdr)
    head = "".join(f"<th>[{t[k]:g}, {t[k + 1]:g}) days</th>" for k in range(len(t) - 1))
    rows = []
    for r in range(len(d) - 1):
        cells = "".join(
            f"<td{' class=sig' if sig[r, k] else ''}>{result.ratio[r, k]:.2f}<br><small>"
            f"{result.observed[r, k]} pairs · p {result.p_value[r, k]:.3f} · q {result.q_value[r, k]:.3f}</small></td>"
            for k in range(len(t) - 1)
        )
        rows.append(f"<tr><th>[{d[r]:g}, {d[r + 1]:g}) m</th>{cells}</tr>")
    alert = near_repeat_alert(0.0, 0.0, 0, "", result, fdr)
    verdict = (
        "No alert is warranted: the closest band is not significant."
        if alert is None
        else f"After a new event, risk is raised within {alert.radius_m:g} m for "
        f"{(alert.ends - alert.starts) / 86_400:g} days (Knox ratio {alert.ratio:.2f} in the closest band)."
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}.sig{{background:#f6d5d1}}small{{color:#555}}
</style></head><body><h1>{escape(title)}</h1>
<p>{result.n_events} events, {result.permutations} Monte-Carlo permutations of the times. Cells show observed /
expected pairs; shaded cells are significant with Benjamini–Hochberg false discovery rate {fdr:g}. Bands include
their lower edge and exclude their upper edge.</p>
<table><tr><th>distance \\ time</th>{head}</tr>{"".join(rows)}</table>
<p><b>{escape(verdict)}</b></p></body></html>
"""
