"""Small SVG charts drawn in Python, for the class report's self-contained HTML page.

No JavaScript and no chart library: each chart is a string of `<svg>` markup with fixed
geometry, so the page renders the same offline, in any browser, printed or not. Every text that
goes in (labels, tooltips) is escaped here; colours come from CSS classes the page defines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


def esc(text: str) -> str:
    """Text made safe for HTML and SVG content and attribute values."""
    from tutor.grading.formats.common import inert

    return escape(inert(text), quote=True)


def _n(x: float) -> str:
    """A coordinate: short, and the same on every machine."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open(title: str, width: int, height: int, css: str = "chart") -> str:
    """The opening tag, named for screen readers and titled for a pointer."""
    return (f'<svg class="{css}" role="img" aria-label="{esc(title)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>')


@dataclass(frozen=True)
class Column:
    label: str  #: under the column
    value: float  #: its height, in the chart's units
    shown: str  #: the figure written above it
    tooltip: str  #: the <title>: what a pointer over the column says
    css: str = "bar"  #: the CSS class that colours it


def ticks(top: float, count: int = 4, *, whole: bool = False) -> list[float]:
    """Round gridline values from 0 to at least `top`; `whole`: whole numbers only (counts)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = float(max(1, math.ceil(step)))
    return [step * k for k in range(math.ceil(top / step - 1e-9) + 1)]


def columns(cols: Sequence[Column], *, title: str, top: float | None = None,
            tick_format: str = "{:g}", width: int = 640, height: int = 230,
            whole: bool = False) -> str:
    """A vertical bar chart: one column per value, gridlines, figures above the columns
    (`whole`: the values are counts, so gridlines fall on whole numbers)."""
    left, right, above, below = 40, 8, 22, 34
    plot_w, plot_h = width - left - right, height - above - below
    grid = ticks(max([c.value for c in cols] + [0.0]) if top is None else top, whole=whole)
    scale = grid[-1] or 1.0
    parts = [_open(title, width, height)]
    for value in grid:
        y = above + plot_h * (1 - value / scale)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_n(y)}" '
                     f'y2="{_n(y)}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{_n(y + 4)}" text-anchor="end">'
                     f"{esc(tick_format.format(value))}</text>")
    slot = plot_w / max(1, len(cols))
    every = max(1, math.ceil(24 / slot))  # label every k-th column when they are narrow
    for k, col in enumerate(cols):
        h = plot_h * max(0.0, col.value) / scale
        x = left + slot * k + slot * 0.15
        y = above + plot_h - h
        parts.append(f'<g class="col"><title>{esc(col.tooltip)}</title>'
                     f'<rect class="{esc(col.css)}" x="{_n(x)}" y="{_n(y)}" '
                     f'width="{_n(slot * 0.7)}" height="{_n(h)}"/>')
        if col.shown and slot >= 22:
            parts.append(f'<text class="figure" x="{_n(x + slot * 0.35)}" y="{_n(y - 5)}" '
                         f'text-anchor="middle">{esc(col.shown)}</text>')
        parts.append("</g>")
        if k % every == 0:
            parts.append(f'<text class="label" x="{_n(x + slot * 0.35)}" '
                         f'y="{_n(above + plot_h + 16)}" text-anchor="middle">'
                         f"{esc(col.label)}</text>")
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{above + plot_h}" '
                 f'y2="{above + plot_h}"/>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Row:
    label: str  #: left of the bar
    fraction: float  #: its length, in [0, 1]
    text: str  #: right of the bar
    tooltip: str
    css: str = "bar pass"


def rows(items: Sequence[Row], *, title: str, width: int = 900, label_width: int = 210,
         bar_width: int = 360, row_height: int = 28) -> str:
    """Horizontal bars on a full-length track, one row each, with a label and a text."""
    height = row_height * len(items) + 8
    parts = [_open(title, width, height)]
    for k, row in enumerate(items):
        y = 4 + row_height * k
        label = row.label if len(row.label) <= 28 else row.label[:27] + "…"
        fill = bar_width * max(0.0, min(1.0, row.fraction))
        parts.append(
            f'<g class="row"><title>{esc(row.tooltip)}</title>'
            f'<text class="label" x="{label_width - 8}" y="{y + row_height / 2 + 4:g}" '
            f'text-anchor="end">{esc(label)}</text>'
            f'<rect class="track" x="{label_width}" y="{y + 5}" width="{bar_width}" '
            f'height="{row_height - 10}" rx="3"/>'
            f'<rect class="{esc(row.css)}" x="{label_width}" y="{y + 5}" width="{_n(fill)}" '
            f'height="{row_height - 10}" rx="3"/>'
            f'<text class="figure" x="{label_width + bar_width + 10}" '
            f'y="{y + row_height / 2 + 4:g}">{esc(row.text)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def share_bar(fraction: float, *, title: str, width: int = 140, height: int = 14) -> str:
    """A small inline bar for a table cell."""
    fill = width * max(0.0, min(1.0, fraction))
    return (_open(title, width, height, "share") +
            f'<rect class="track" width="{width}" height="{height}" rx="3"/>'
            f'<rect class="bar mistake" width="{_n(fill)}" height="{height}" rx="3"/></svg>')
