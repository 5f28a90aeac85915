"""Tiny inline-SVG charts for self-contained HTML reports (no plotting library needed)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

from peel.analytics.events import FloatArray

PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")


def line_chart(
    x: Sequence[float],
    series: dict[str, Sequence[float]],
    title: str,
    x_label: str,
    y_label: str,
    width: int = 640,
    height: int = 320,
    x_ticks: Sequence[tuple[float, str]] | None = None,
) -> str:
    """Lines with point markers, a legend, and axes starting at zero on y."""
    left, right, top, bottom = 56, 150, 30, 44
    xs = np.asarray(x, dtype=float)
    all_y = np.concatenate([np.asarray(v, dtype=float) for v in series.values()]) if series else np.zeros(1)
    y_max = float(np.nanmax(all_y)) if np.isfinite(all_y).any() else 1.0
    y_max = y_max * 1.1 if y_max > 0 else 1.0
    x_min, x_max = float(xs.min()), float(xs.max()) if xs.max() > xs.min() else float(xs.min()) + 1.0
    pw, ph = width - left - right, height - top - bottom

    def px(v: float) -> float:
        return left + (v - x_min) / (x_max - x_min) * pw

    def py(v: float) -> float:
        return top + ph - v / y_max * ph

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f'<text x="{left}" y="18" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#333"/>',
        f'<text x="{left + pw / 2}" y="{height - 8}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="14" y="{top + ph / 2}" transform="rotate(-90 14 {top + ph / 2})" '
        f'text-anchor="middle">{escape(y_label)}</text>',
    ]
    for k in range(5):
        v = y_max * k / 4
        parts.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.3g}</text>')
        parts.append(f'<line x1="{left}" y1="{py(v):.1f}" x2="{left + pw}" y2="{py(v):.1f}" stroke="#eee"/>')
    for v, label in x_ticks or [(float(t), f"{t:g}") for t in xs]:
        parts.append(f'<text x="{px(v):.1f}" y="{top + ph + 16}" text-anchor="middle">{escape(label)}</text>')
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        ys = np.asarray(values, dtype=float)
        pts = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xs, ys, strict=True) if np.isfinite(b))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>')
        if len(xs) <= 12:
            parts.extend(
                f'<circle cx="{px(a):.1f}" cy="{py(b):.1f}" r="3" fill="{colour}"/>'
                for a, b in zip(xs, ys, strict=True)
                if np.isfinite(b)
            )
        ly = top + 14 * n + 6
        parts.append(f'<rect x="{left + pw + 12}" y="{ly}" width="12" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{left + pw + 28}" y="{ly + 6}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def heat_map(values: FloatArray, mask: np.ndarray, title: str, top_share: float = 0.05, px: int = 3) -> str:
    """The grid as small squares: grey = study area, red shades = the top ``top_share`` of cells by score."""
    ny, nx = values.shape
    inside = values[mask]
    k = max(1, round(top_share * len(inside)))
    cut = np.sort(inside)[::-1][k - 1] if len(inside) else np.inf
    vmax = float(inside.max()) if len(inside) else 1.0
    w, h = nx * px, ny * px + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, j in zip(*np.nonzero(mask), strict=True):
        v = float(values[i, j])
        y = 24 + (ny - 1 - i) * px  # north up
        if v >= cut and v > 0:
            alpha = 0.35 + 0.65 * (v / vmax if vmax > 0 else 1.0)
            parts.append(
                f'<rect x="{j * px}" y="{y}" width="{px}" height="{px}" fill="#c0392b" fill-opacity="{alpha:.2f}"/>'
            )
        else:
            parts.append(f'<rect x="{j * px}" y="{y}" width="{px}" height="{px}" fill="#ddd"/>')
    parts.append("</svg>")
    return "".join(parts)
