"""Activation histograms in the terminal: block-character bars, one small multiple per layer and
series (init_compare: layer × initialisation), so "the signal fades to 0", "it piles up at ±1"
and "it keeps its spread" are seen at a glance, with each layer's standard deviation beside it as
in lesson 11's table. Pure functions of `Histograms` events; no torch, no textual.

A bar's height grows with the square root of its count: a ReLU layer puts half its values in the
zero bin, and on a linear scale that spike would flatten everything else to nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rich.text import Text

from tutor.training.events import Histograms

BLOCKS = " ▁▂▃▄▅▆▇█"


def rebin(counts: Sequence[float], n: int) -> list[float]:
    """`counts` merged into `n` equal-width bins (each old bin split in proportion where it
    straddles two new ones); unchanged when `n` is not smaller."""
    if n >= len(counts) or n <= 0:
        return [float(c) for c in counts]
    out = [0.0] * n
    scale = n / len(counts)
    for i, c in enumerate(counts):
        a, b = i * scale, (i + 1) * scale
        j = int(a)
        while a < b - 1e-12 and j < n:
            edge = min(b, j + 1)
            out[j] += c * (edge - a) / scale
            a, j = edge, j + 1
    return out


def bars(counts: Sequence[float], width: int | None = None) -> str:
    """One line of block characters, one per bin (after `rebin` to `width`): height ∝ √count,
    the fullest bin a full block, any non-empty bin at least the lowest one, an empty bin blank."""
    values = rebin(counts, width) if width else [float(c) for c in counts]
    top = max(values, default=0.0)
    if top <= 0:
        return " " * len(values)
    out = []
    for v in values:
        if v <= 0:
            out.append(" ")
        else:
            out.append(BLOCKS[max(1, round(math.sqrt(v / top) * 8))])
    return "".join(out)


def fmt_std(value: float | None) -> str:
    """A standard deviation in at most 6 characters: σ.83, σ.0061, σ5e-4, σ1e+03."""
    if value is None or not math.isfinite(value):
        return "σ–"
    if value == 0:
        return "σ0"
    if value < 0.001 or value >= 1000:
        mantissa, exp = f"{value:.0e}".split("e")
        return f"σ{mantissa}e{int(exp)}"
    text = f"{value:.2g}" if value < 1 else f"{value:.3g}"
    return "σ" + text.removeprefix("0")


def _fmt_edge(value: float) -> str:
    return f"{value:g}" if value == 0 or 0.01 <= abs(value) < 1000 else f"{value:.1e}"


def small_multiples(columns: Sequence[tuple[str, Histograms]], width: int = 80,
                    styles: Mapping[str, str] | None = None, title: bool = True) -> Text:
    """Rows are layers (input to output), columns the series: in each cell the layer's histogram
    as bars and its standard deviation. Fits `width` characters (the bars get what is left)."""
    styles = styles or {}
    out = Text(no_wrap=True, overflow="crop")
    if not columns:
        return out
    rows = max(len(h.layers) for _, h in columns)
    label_w = len(str(rows)) + 2
    cell = max(8, (width - label_w) // len(columns))
    std_w = 6
    bar_w = max(3, cell - std_w - 2)  # bars, a space, σ…, a space before the next column
    shared = len({(h.lo, h.hi) for _, h in columns}) == 1
    if title:
        steps = {h.step for _, h in columns}
        when = ("before the first step" if steps == {0}
                else f"after step {max(steps)}" if len(steps) == 1 else "latest")
        out.append(f"activations per layer, {when}", style="bold")
        lo, hi = columns[0][1].lo, columns[0][1].hi
        scale = f" · values {_fmt_edge(lo)} … {_fmt_edge(hi)}" if shared else ""
        out.append(f"{scale} · bar height ∝ √count\n", style="dim")
    out.append(" " * label_w)
    for name, _ in columns:
        out.append(f"{name[:cell - 1]:<{cell}}", style=styles.get(name, "bold"))
    out.append("\n")
    if not shared:
        out.append(" " * label_w)
        for _, h in columns:
            out.append(f"{_fmt_edge(h.lo) + ' … ' + _fmt_edge(h.hi):<{cell}}"[:cell], style="dim")
        out.append("\n")
    for r in range(rows):
        out.append(f"{r + 1:>{label_w - 2}} │", style="dim")
        for name, h in columns:
            if r >= len(h.counts):
                out.append(" " * cell)
                continue
            out.append(bars(h.counts[r], bar_w).ljust(bar_w), style=styles.get(name, "cyan"))
            std = h.stds[r] if r < len(h.stds) else None
            out.append(f" {fmt_std(std):<{std_w}} "[:cell - bar_w], style="dim")
        if r < rows - 1:
            out.append("\n")
    return out
