"""The reports' charts as plain SVG, drawn here rather than through Altair and vl-convert.

Why not Altair: a vl-convert conversion costs 0.1 to 0.7 s per chart (STACK-NOTES), and a
cohort's ZIP holds 250 reports whose budget is 0.48 s each; these charts are a few bars,
lines and dots, which a hundred lines of SVG draw in microseconds, with no grid line ever
running through a label (the fault of the old printable report). Colours are the
Okabe-Ito palette of leadcoach.reporting.charts, readable with colour-blindness. Every
chart has a table beside it in the report carrying the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from leadcoach.reporting.charts import ACCENT, MUTED, PREVIOUS

INK = "#222222"
FAINT = "#DDDDDD"
FONT = 'font-family="DejaVu Sans, sans-serif"'


@dataclass(frozen=True)
class Bar:
    """One skill's row of the profile chart (missing values are NaN)."""

    label: str
    score: float
    low: float = math.nan
    high: float = math.nan
    previous: float = math.nan


def _ok(value: float) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def profile(bars: Sequence[Bar], *, width: int = 720) -> str:
    """Horizontal 0-100 bars, one per skill, each with its likely range and previous score."""
    label_w, row_h, top = 300, 24, 22
    plot_w = width - label_w - 40
    height = top + row_h * len(bars) + 8

    def x(value: float) -> float:
        return label_w + plot_w * max(0.0, min(100.0, value)) / 100

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
    ]
    for tick in (0, 25, 50, 75, 100):  # ticks above the rows: no line crosses a label
        parts.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 4}" y2="{height - 8}" '
            f'stroke="{FAINT}" stroke-width="0.6"/>'
            f'<text x="{x(tick):.1f}" y="{top - 8}" font-size="9" text-anchor="middle" '
            f'fill="{INK}" {FONT}>{tick}</text>'
        )
    for index, bar in enumerate(bars):
        y = top + index * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="10.5" text-anchor="end" '
            f'fill="{INK}" {FONT}>{escape(bar.label)}</text>'
        )
        if _ok(bar.score):
            parts.append(
                f'<rect x="{x(0):.1f}" y="{y + 6}" width="{x(bar.score) - x(0):.1f}" '
                f'height="12" fill="{ACCENT}"/>'
                f'<text x="{x(bar.score) + 4:.1f}" y="{y + 15}" font-size="9" fill="{INK}" '
                f"{FONT}>{bar.score:.0f}</text>"
            )
        if _ok(bar.low) and _ok(bar.high):
            parts.append(
                f'<line x1="{x(bar.low):.1f}" x2="{x(bar.high):.1f}" y1="{y + 21}" '
                f'y2="{y + 21}" stroke="{INK}" stroke-width="1.2"/>'
            )
        if _ok(bar.previous):
            parts.append(
                f'<line x1="{x(bar.previous):.1f}" x2="{x(bar.previous):.1f}" y1="{y + 3}" '
                f'y2="{y + 21}" stroke="{PREVIOUS}" stroke-width="2.5"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Interval:
    """One skill's row of the forest plot."""

    label: str
    estimate: float
    low: float
    high: float
    real: bool


def forest(rows: Sequence[Interval], *, width: int = 720) -> str:
    """Each skill's mean change as a dot with its confidence interval, around zero."""
    label_w, row_h, top = 300, 22, 22
    plot_w = width - label_w - 20
    shown = [r for r in rows if _ok(r.estimate) and _ok(r.low) and _ok(r.high)]
    reach = max([abs(v) for r in shown for v in (r.low, r.high)] + [5.0])
    step = 5 if reach <= 20 else 10
    limit = math.ceil(reach / step) * step
    height = top + row_h * len(rows) + 8

    def x(value: float) -> float:
        return label_w + plot_w * (value + limit) / (2 * limit)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
    ]
    for tick in range(-limit, limit + 1, step):
        colour = INK if tick == 0 else FAINT
        parts.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 4}" y2="{height - 8}" '
            f'stroke="{colour}" stroke-width="0.6"/>'
            f'<text x="{x(tick):.1f}" y="{top - 8}" font-size="9" text-anchor="middle" '
            f'fill="{INK}" {FONT}>{tick:+d}</text>'
        )
    for index, row in enumerate(rows):
        y = top + index * row_h + 11
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 4}" font-size="10.5" text-anchor="end" '
            f'fill="{INK}" {FONT}>{escape(row.label)}</text>'
        )
        if row in shown:
            colour = ACCENT if row.real else MUTED
            parts.append(
                f'<line x1="{x(row.low):.1f}" x2="{x(row.high):.1f}" y1="{y}" y2="{y}" '
                f'stroke="{colour}" stroke-width="2"/>'
                f'<circle cx="{x(row.estimate):.1f}" cy="{y}" r="4.5" fill="{colour}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
