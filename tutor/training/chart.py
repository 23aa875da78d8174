"""Terminal charts in braille: several line series on shared axes, and per-layer column strips.

A braille cell holds 2x4 dots, so a 60x12 character chart is a 120x48 dot canvas: smooth enough
for a loss curve. Output is a `rich.text.Text` (Rich renders it; Textual's Static shows it too),
built from plain characters and style names only, so the same chart serves `dltutor train` and the
TUI. Where two series cross in one cell the later one's colour wins. No torch, no textual.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text

#: Colours for series in legend order; Rich style names that read on dark and light terminals.
PALETTE = ("cyan", "magenta", "yellow", "green", "red", "blue", "bright_white", "bright_cyan",
           "bright_magenta", "bright_yellow")
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][col] braille bits
_BLOCKS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Line:
    label: str
    xs: Sequence[float]
    ys: Sequence[float | None]  #: None (a NaN loss) leaves a gap
    style: str = "cyan"


def _fmt(v: float) -> str:
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    a = abs(v)
    if a >= 1e4 or a < 1e-3:
        return f"{v:.1e}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.3f}".rstrip("0").rstrip(".") if a >= 0.01 else f"{v:.4f}"


def line_chart(lines: Sequence[Line], width: int = 60, height: int = 10, *, log_y: bool = False,
               y_min: float | None = None, y_max: float | None = None, title: str = "",
               x_label: str = "step", legend: bool = True) -> Text:
    """A braille line chart, `width` x `height` characters of plot plus axis labels and legend."""
    width, height = max(8, width), max(2, height)
    pts = [(ln, [(float(x), float(y)) for x, y in zip(ln.xs, ln.ys)
                 if y is not None and math.isfinite(y) and (not log_y or y > 0)])
           for ln in lines]
    ys = [y for _, p in pts for _, y in p]
    xs = [x for _, p in pts for x, _ in p]
    out = Text(no_wrap=True, overflow="crop")
    if title:
        out.append(title + "\n", style="bold")
    if not ys:
        for _ in range(height):
            out.append(" " * 8 + "│" + " " * width + "\n", style="dim")
        out.append(" " * 8 + "└" + "─" * width + "\n", style="dim")
        out.append(" " * 9 + "waiting for data…", style="dim")
        return out
    tf = (lambda v: math.log10(v)) if log_y else (lambda v: v)
    lo = tf(y_min) if y_min is not None and (not log_y or y_min > 0) else tf(min(ys))
    hi = tf(y_max) if y_max is not None else tf(max(ys))
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    x0, x1 = min(xs), max(xs)
    if x1 - x0 < 1e-12:
        x1 = x0 + 1
    dots_w, dots_h = width * 2, height * 4
    cells = [[0] * width for _ in range(height)]
    owner: list[list[int | None]] = [[None] * width for _ in range(height)]

    def plot(px: int, py: int, k: int) -> None:
        if 0 <= px < dots_w and 0 <= py < dots_h:
            cy, cx = py // 4, px // 2
            cells[cy][cx] |= _DOTS[py % 4][px % 2]
            owner[cy][cx] = k

    for k, (_, p) in enumerate(pts):
        prev: tuple[int, int] | None = None
        for px, v in _columns(p, x0, x1, dots_w, tf):
            v = min(max(v, lo), hi)
            py = round((hi - v) / (hi - lo) * (dots_h - 1))
            if prev is None:
                plot(px, py, k)
            else:  # join to the previous point so steep drops stay visible
                n = max(abs(px - prev[0]), abs(py - prev[1]), 1)
                for i in range(1, n + 1):
                    plot(round(prev[0] + (px - prev[0]) * i / n),
                         round(prev[1] + (py - prev[1]) * i / n), k)
            prev = (px, py)
    inv = (lambda v: 10 ** v) if log_y else (lambda v: v)
    for r in range(height):
        if r == 0:
            label = _fmt(inv(hi))
        elif r == height - 1:
            label = _fmt(inv(lo))
        elif r == height // 2 and height >= 5:
            label = _fmt(inv((hi + lo) / 2))
        else:
            label = ""
        out.append(f"{label:>7} ┤" if label else "        │", style="dim")
        run_style = ""
        run: list[str] = []  # one span per run of same-style cells, not one per cell
        for c in range(width):
            bits, who = cells[r][c], owner[r][c]
            style = pts[who][0].style if bits and who is not None else ""
            if style != run_style and run:
                out.append("".join(run), style=run_style or None)
                run = []
            run_style = style
            run.append(chr(0x2800 + bits) if style else " ")
        out.append("".join(run) + "\n", style=run_style or None)
    out.append(" " * 8 + "└" + "─" * width + "\n", style="dim")
    left, right = _fmt(x0), _fmt(x1)
    gap = max(1, width - len(left) - len(right) - len(x_label) - 2)
    out.append(" " * 9 + left + " " * (gap // 2) + x_label + " " * (gap - gap // 2) + right,
               style="dim")
    if legend and len(lines) > 1:
        # Wrapped to the chart's width (the Text itself crops): every series keeps its name.
        out.append("\n" + " " * 9)
        used = 9
        for ln in lines:
            item = 3 + len(ln.label)
            if used > 9 and used + item > 9 + width:
                out.append("\n" + " " * 9)
                used = 9
            out.append("━━ ", style=ln.style)
            out.append(ln.label + "   ")
            used += item + 3
    return out


def _columns(points: list[tuple[float, float]], x0: float, x1: float, dots_w: int,
             tf: Callable[[float], float]) -> list[tuple[int, float]]:
    """Points averaged per dot column: at most one point per column however long the run,
    so drawing costs the same at step 100 and at step 100 000."""
    out: list[tuple[int, float]] = []
    col, total, n = -1, 0.0, 0
    for x, y in points:
        px = round((x - x0) / (x1 - x0) * (dots_w - 1))
        if px != col and n:
            out.append((col, total / n))
            total, n = 0.0, 0
        col = px
        total += tf(y)
        n += 1
    if n:
        out.append((col, total / n))
    return out


def column_strip(values: Sequence[float | None], *, lo: float, hi: float, log: bool = True,
                 height: int = 3, style: str = "cyan", cell: int = 2) -> list[Text]:
    """Columns of block characters, one per value (a layer), `height` rows tall, on a fixed
    [lo, hi] scale so several strips can be compared; returns the rows top to bottom."""
    tf = (lambda v: math.log10(v)) if log else (lambda v: v)
    a, b = tf(lo), tf(hi)
    levels = height * 8
    fills = []
    for v in values:
        if v is None or not math.isfinite(v) or (log and v <= 0):
            fills.append(0)
            continue
        frac = (min(max(tf(v), a), b) - a) / max(b - a, 1e-12)
        fills.append(max(1, round(frac * levels)))
    rows = []
    for r in range(height):
        base = (height - 1 - r) * 8
        row = Text()
        for f in fills:
            part = min(max(f - base, 0), 8)
            row.append(_BLOCKS[part] * (cell - 1) + " ", style=style)
        rows.append(row)
    return rows


def smooth(values: Sequence[float | None], weight: float = 0.8) -> list[float | None]:
    """TensorBoard-style exponential smoothing with start-up bias correction; None stays None
    (a NaN loss shows as a gap, never smoothed over)."""
    out: list[float | None] = []
    avg, norm = 0.0, 0.0
    for v in values:
        if v is None or not math.isfinite(v):
            out.append(None)
            continue
        avg = weight * avg + (1 - weight) * v
        norm = weight * norm + (1 - weight)
        out.append(avg / norm)
    return out


def sparkline(values: Sequence[float | None], width: int = 20) -> str:
    """A one-line block sparkline of the last `width` values."""
    vals = [v for v in values if v is not None and math.isfinite(v)][-width:]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    span = hi - lo or 1.0
    return "".join(_BLOCKS[1 + round((v - lo) / span * 7)] for v in vals)
