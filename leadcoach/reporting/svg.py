"""The reports' charts: SVG drawings, with their words set as HTML beside them.

Why not Altair: a vl-convert conversion costs 0.1 to 0.7 s per chart (STACK-NOTES), and a
cohort's ZIP holds 250 reports whose budget is 0.48 s each; these charts are a few bars,
lines and dots, which a hundred lines of SVG draw in microseconds, with no grid line ever
running through a label (the fault of the old printable report). Colours are the
Okabe-Ito palette of leadcoach.reporting.charts, readable with colour-blindness. Every
chart has a table beside it in the report carrying the same figures.

Why the skill names are HTML, not SVG `<text>`: WeasyPrint 70 draws SVG text one character
at a time (weasyprint/svg/text.py lays out and draws each letter on its own), which (1) sets
Arabic letters unjoined and left to right, unreadable, and (2) cost 0.23 s of a 1.1 s report
for the profile chart's 28 labels (cProfile). So a chart is a table: each row a skill name
in HTML (shaped by Pango and HarfBuzz like the rest of the page, aligned toward the drawing,
on the right in a right-to-left report) beside an SVG of that row's marks; only numbers,
whose digits need no joining, stay SVG text. In a right-to-left report the scale runs from
right to left (issue 25: the skill axis on the right side in Arabic).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from leadcoach.platform import i18n
from leadcoach.reporting.charts import ACCENT, MUTED, PREVIOUS

INK = "#222222"
FAINT = "#DDDDDD"
FONT = 'font-family="DejaVu Sans, sans-serif"'
PLOT_W = 440  # user units of each row's drawing (the cell's width, scaled)
AXIS_H = 16


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


def _scale(
    low: float, high: float, *, pad: float, rtl: bool, pad_end: float | None = None
) -> Callable[[float], float]:
    """Value -> x in a row's drawing, left to right (or right to left for `rtl`), `pad`
    units kept free before the low end and `pad_end` (default `pad`) after the high end,
    for the tick numbers centred on the ends and a score written past its bar."""
    after = pad if pad_end is None else pad_end
    span = PLOT_W - pad - after

    def x(value: float) -> float:
        share = (max(low, min(high, value)) - low) / (high - low)
        return PLOT_W - pad - span * share if rtl else pad + span * share

    return x


def _svg(height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PLOT_W}" height="{height}" '
        f'viewBox="0 0 {PLOT_W} {height}" aria-hidden="true">{body}</svg>'
    )


def _grid(ticks: Sequence[float], x, height: float, zero: float | None = None) -> str:
    return "".join(
        f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="0" y2="{height}" '
        f'stroke="{INK if t == zero else FAINT}" stroke-width="0.6"/>'
        for t in ticks
    )


def _axis(ticks: Sequence[float], x, label: Callable[[float], str]) -> str:
    """The tick numbers above the rows (numbers only: their digits need no shaping)."""
    return _svg(
        AXIS_H,
        "".join(
            f'<text x="{x(t):.1f}" y="{AXIS_H - 4}" font-size="9" text-anchor="middle" '
            f'fill="{INK}" {FONT}>{escape(label(t))}</text>'
            for t in ticks
        ),
    )


def _table(axis: str, rows: Sequence[tuple[str, str]]) -> str:
    """The chart as rows of (skill name, row drawing) under the axis."""
    body = "".join(
        f'<tr><td class="chart-label">{escape(label)}</td>'
        f'<td class="chart-plot">{drawing}</td></tr>'
        for label, drawing in rows
    )
    return (
        '<table class="chart-rows" role="presentation"><tbody>'
        f'<tr><td class="chart-label"></td><td class="chart-plot">{axis}</td></tr>'
        f"{body}</tbody></table>"
    )


def profile(bars: Sequence[Bar], *, rtl: bool | None = None) -> str:
    """Horizontal 0-100 bars, one per skill, each with its likely range and previous score."""
    rtl = i18n.is_rtl() if rtl is None else rtl
    row_h = 24
    ticks = (0, 25, 50, 75, 100)
    x = _scale(0, 100, pad=8, pad_end=24, rtl=rtl)
    # The score is written past the bar's end: to its right, or to its left right to left.
    step, anchor = (-4, "end") if rtl else (4, "start")
    rows = []
    for bar in bars:
        marks = [_grid(ticks, x, row_h)]
        if _ok(bar.score):
            left, right = sorted((x(0), x(bar.score)))
            marks.append(
                f'<rect x="{left:.1f}" y="6" width="{right - left:.1f}" height="12" '
                f'fill="{ACCENT}"/>'
                f'<text x="{x(bar.score) + step:.1f}" y="15" font-size="9" fill="{INK}" '
                f'text-anchor="{anchor}" {FONT}>{escape(i18n.formatted(bar.score, ".0f"))}</text>'
            )
        if _ok(bar.low) and _ok(bar.high):
            marks.append(
                f'<line x1="{x(bar.low):.1f}" x2="{x(bar.high):.1f}" y1="21" y2="21" '
                f'stroke="{INK}" stroke-width="1.2"/>'
            )
        if _ok(bar.previous):
            marks.append(
                f'<line x1="{x(bar.previous):.1f}" x2="{x(bar.previous):.1f}" y1="3" y2="21" '
                f'stroke="{PREVIOUS}" stroke-width="2.5"/>'
            )
        rows.append((bar.label, _svg(row_h, "".join(marks))))
    return _table(_axis(ticks, x, lambda t: i18n.formatted(t, "d")), rows)


@dataclass(frozen=True)
class Interval:
    """One skill's row of the forest plot."""

    label: str
    estimate: float
    low: float
    high: float
    real: bool


def forest(rows: Sequence[Interval], *, rtl: bool | None = None) -> str:
    """Each skill's mean change as a dot with its confidence interval, around zero."""
    rtl = i18n.is_rtl() if rtl is None else rtl
    row_h = 22
    shown = [r for r in rows if _ok(r.estimate) and _ok(r.low) and _ok(r.high)]
    reach = max([abs(v) for r in shown for v in (r.low, r.high)] + [5.0])
    step = 5 if reach <= 20 else 10
    limit = math.ceil(reach / step) * step
    ticks = range(-limit, limit + 1, step)
    x = _scale(-limit, limit, pad=14, rtl=rtl)
    drawn = []
    for row in rows:
        marks = [_grid(ticks, x, row_h, zero=0)]
        if row in shown:
            colour = ACCENT if row.real else MUTED
            marks.append(
                f'<line x1="{x(row.low):.1f}" x2="{x(row.high):.1f}" y1="11" y2="11" '
                f'stroke="{colour}" stroke-width="2"/>'
                f'<circle cx="{x(row.estimate):.1f}" cy="11" r="4.5" fill="{colour}"/>'
            )
        drawn.append((row.label, _svg(row_h, "".join(marks))))
    return _table(_axis(ticks, x, lambda t: i18n.number(t, 0, sign=True)), drawn)


@dataclass(frozen=True)
class Dots:
    """One skill's row of the others' view: each shown group's score (NaN: not shown)."""

    label: str
    scores: tuple[float, ...]


# Marks of the groups in the others' view, in the order of its legend: self a filled
# square, the manager, peers, direct reports, counterparts and all others distinct in both
# colour (Okabe-Ito) and shape, so the chart reads in grey print too.
GROUP_MARKS = (
    ("square", INK),
    ("diamond", "#D55E00"),
    ("triangle", "#009E73"),
    ("circle", "#CC79A7"),
    ("triangle-down", "#56B4E9"),
    ("ring", ACCENT),
)


def mark(shape: str, colour: str, cx: float, cy: float, r: float = 4.5) -> str:
    """One group's mark centred at (cx, cy)."""
    if shape == "square":
        return (
            f'<rect x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r}" height="{2 * r}" '
            f'fill="{colour}"/>'
        )
    if shape == "diamond":
        points = f"{cx},{cy - r - 1} {cx + r + 1},{cy} {cx},{cy + r + 1} {cx - r - 1},{cy}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape in ("triangle", "triangle-down"):
        s = -1 if shape == "triangle-down" else 1
        points = f"{cx},{cy - s * r} {cx + r},{cy + s * r} {cx - r},{cy + s * r}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "ring":
        return (
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    return f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>'


def legend_mark(index: int) -> str:
    """A group's mark alone, for the legend beside its name (HTML)."""
    shape, colour = GROUP_MARKS[index % len(GROUP_MARKS)]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" viewBox="0 0 12 12" '
        f'aria-hidden="true">{mark(shape, colour, 6, 6)}</svg>'
    )


def dots(rows: Sequence[Dots], *, rtl: bool | None = None) -> str:
    """Per skill, each shown group's 0-100 score as its own mark on one line."""
    rtl = i18n.is_rtl() if rtl is None else rtl
    row_h = 20
    ticks = (0, 25, 50, 75, 100)
    x = _scale(0, 100, pad=10, rtl=rtl)
    drawn = []
    for row in rows:
        marks = [_grid(ticks, x, row_h)]
        for index, score in enumerate(row.scores):
            if _ok(score):
                shape, colour = GROUP_MARKS[index % len(GROUP_MARKS)]
                marks.append(mark(shape, colour, x(score), row_h / 2))
        drawn.append((row.label, _svg(row_h, "".join(marks))))
    return _table(_axis(ticks, x, lambda t: i18n.formatted(t, "d")), drawn)
