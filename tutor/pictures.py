"""Pictures in the terminal: a small 2-D array (a digit, a filter's response, an occlusion map,
attention weights) drawn as lines of text, where people would rather look than read numbers.

Three layers, each a pure function of the one before:

- `panel(values, ...)` turns an array into a `Panel`: its values quantised to a colour ramp's
  levels, one character each (base64's alphabet: 64 levels), with the scale's ends and labels.
  That is what travels: a training run's `Picture` event carries panels, and a lesson block
  prints one line per `Figure` (`show`), which the viewer then draws. Drawing in the viewer is
  what lets one block look right both in the TUI reader and in `dltutor lesson N --run K`, in
  colour or not, at the viewer's width; pre-drawn colour escapes would not even fit: a 28×28
  digit in 24-bit ANSI is ~16 KB, twice what the jail keeps of a block's output.
- `draw(figure, width=..., color=...)` lays the panels out side by side (wrapping, and halving
  images that would take more than two rows of panels) into a `Drawing`: lines of `Span`s, each
  some text with a foreground and background colour. An image takes two pixel rows per line
  with the upper half block `▀` (foreground = the upper pixel, background = the lower one), so
  a 28×28 digit is 28 columns × 14 lines. A panel with row or column labels (attention: the
  tokens) takes one line per row instead, three columns per value. Without colour, the same
  cells use a density ramp ` ░▒▓█` (and `▀`/`▄` where one pixel of a pair is ink and the other
  is not).
- `to_ansi`, `to_plain` and `to_rich` format a Drawing for a terminal, a pipe or Rich/Textual.

Ramps: "gray" (ink, for images), "heat" (dark to bright, for [0, 1]: occlusion drops, attention
weights) and "signed" (blue below zero, red above, dark at zero, on a scale symmetric about 0:
filter responses). Brightness grows with |value| on every ramp, so a picture reads the same on a
dark or a light terminal, and the monochrome form shows the same ink.

Importable anywhere: the UI, the CLI, the training run and the grading jail (the worker loads it
before its zygotes fork, see `for_viewer`). Nothing heavy at import: numpy only inside `panel`,
Rich only inside `to_rich`.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Any

from tutor.present import inert

if TYPE_CHECKING:
    from rich.text import Text

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
UNIT_TOP = 63  #: "gray" and "heat": levels 0 … 63
SIGNED_TOP = 31  #: "signed": levels −31 … 31, stored as 0 … 62
DENSITY = " ░▒▓█"  #: monochrome ink, none to full
HALF = "▀"  #: upper half block: foreground = upper pixel, background = lower pixel
CELL = 3  #: columns per value in a labelled (matrix) panel
MAX_VALUES = 64 * 64  #: per panel: pictures are small, and a block's output is untrusted
MAX_PANELS = 16
MAX_LABEL = 40  #: characters of a panel's label or a row or column label
MAX_TITLE = 200
VERTICAL_LABEL = 8  #: column labels longer than a cell are written downwards, cut to this
MARK = "@dltutor-picture "  #: starts the line a lesson block prints for its viewer to draw

# Colour stops (position on [0, 1], RGB); levels interpolate between them.
_STOPS: dict[str, tuple[tuple[float, tuple[int, int, int]], ...]] = {
    "gray": ((0.0, (0, 0, 0)), (1.0, (255, 255, 255))),
    "heat": ((0.0, (0, 0, 4)), (0.25, (87, 16, 110)), (0.5, (188, 55, 84)),
             (0.75, (249, 142, 9)), (1.0, (252, 255, 164))),
    # the positive half; the negative half mirrors it with red and blue swapped
    "signed": ((0.0, (24, 24, 24)), (0.5, (190, 40, 40)), (1.0, (255, 170, 130))),
}
RAMPS = tuple(_STOPS)


def _lerp(stops: tuple[tuple[float, tuple[int, int, int]], ...], t: float) -> str:
    for (t0, c0), (t1, c1) in itertools.pairwise(stops):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            r, g, b = (round(a + (b_ - a) * f) for a, b_ in zip(c0, c1))
            return f"#{r:02x}{g:02x}{b:02x}"
    r, g, b = stops[-1][1]
    return f"#{r:02x}{g:02x}{b:02x}"


def _tables() -> dict[str, tuple[str, ...]]:
    out = {name: tuple(_lerp(_STOPS[name], k / UNIT_TOP) for k in range(UNIT_TOP + 1))
           for name in ("gray", "heat")}
    positive = [_lerp(_STOPS["signed"], k / SIGNED_TOP) for k in range(SIGNED_TOP + 1)]
    negative = [f"#{c[5:7]}{c[3:5]}{c[1:3]}" for c in positive]  # red <-> blue
    out["signed"] = tuple(negative[:0:-1] + positive)  # index = level + SIGNED_TOP
    return out


COLORS = _tables()  #: ramp -> "#rrggbb" per stored level


def top(ramp: str) -> int:
    """The highest stored level of `ramp` (its colour table has one more entry)."""
    return 2 * SIGNED_TOP if ramp == "signed" else UNIT_TOP


# -- what travels: panels and figures -----------------------------------------------------------


class PictureError(ValueError):
    """Not a sound picture: a panel or figure whose JSON (from a run, or printed by a lesson
    block, which is not trusted) does not describe one, or an array that cannot be one."""


@dataclass(frozen=True)
class Panel:
    """One 2-D array, quantised: `levels` holds rows × cols characters of `ALPHABET`, row by row,
    each the index of a colour of `ramp` (for "signed", index 31 is zero). `lo` and `hi` are the
    values of the ramp's ends (symmetric for "signed"), for the legend."""

    rows: int
    cols: int
    levels: str
    ramp: str = "heat"
    lo: float = 0.0
    hi: float = 1.0
    label: str = ""
    row_labels: tuple[str, ...] = ()
    col_labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.ramp not in COLORS:
            raise PictureError(f"unknown ramp {self.ramp!r} (choose from {', '.join(RAMPS)})")
        if not (0 < self.rows and 0 < self.cols and self.rows * self.cols <= MAX_VALUES):
            raise PictureError(f"a panel is 1 to {MAX_VALUES} values, not {self.rows}×{self.cols}")
        if len(self.levels) != self.rows * self.cols:
            raise PictureError(f"{len(self.levels)} levels for {self.rows}×{self.cols} values")
        highest = top(self.ramp)
        if any(_INDEX.get(ch, highest + 1) > highest for ch in self.levels):
            raise PictureError(f"levels must be characters of the first {highest + 1} of "
                             "base64's alphabet")
        if not (math.isfinite(self.lo) and math.isfinite(self.hi)):
            raise PictureError("the scale's ends must be finite numbers")
        if self.row_labels and len(self.row_labels) != self.rows:
            raise PictureError(f"{len(self.row_labels)} row labels for {self.rows} rows")
        if self.col_labels and len(self.col_labels) != self.cols:
            raise PictureError(f"{len(self.col_labels)} column labels for {self.cols} columns")

    @property
    def labelled(self) -> bool:
        return bool(self.row_labels or self.col_labels)

    def level(self, row: int, col: int) -> int:
        """The stored level (0 … top) of one value."""
        return _INDEX[self.levels[row * self.cols + col]]

    def ink(self, row: int, col: int) -> float:
        """How strong the value is on its ramp, 0 … 1 (for "signed": |value| / |scale end|)."""
        k = self.level(row, col)
        return abs(k - SIGNED_TOP) / SIGNED_TOP if self.ramp == "signed" else k / UNIT_TOP

    def value(self, row: int, col: int) -> float:
        """The value the level stands for (the middle of its step)."""
        k = self.level(row, col)
        if self.ramp == "signed":
            return (k - SIGNED_TOP) / SIGNED_TOP * self.hi
        return self.lo + k / UNIT_TOP * (self.hi - self.lo)

    def values(self) -> list[list[float]]:
        return [[self.value(r, c) for c in range(self.cols)] for r in range(self.rows)]

    def shrink(self, factor: int) -> Panel:
        """The picture `factor` times smaller each way (means of factor×factor blocks; a block at
        the edge averages what it has), on the same ramp and scale."""
        if factor <= 1 or self.labelled:
            return self
        rows, cols = -(-self.rows // factor), -(-self.cols // factor)
        steps = top(self.ramp)
        out = []
        for r in range(rows):
            for c in range(cols):
                block = [self.level(i, j)
                         for i in range(r * factor, min(self.rows, (r + 1) * factor))
                         for j in range(c * factor, min(self.cols, (c + 1) * factor))]
                out.append(ALPHABET[min(steps, round(sum(block) / len(block)))])
        return replace(self, rows=rows, cols=cols, levels="".join(out))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rows": self.rows, "cols": self.cols, "levels": self.levels,
                               "ramp": self.ramp, "lo": self.lo, "hi": self.hi}
        if self.label:
            out["label"] = self.label
        if self.row_labels:
            out["row_labels"] = list(self.row_labels)
        if self.col_labels:
            out["col_labels"] = list(self.col_labels)
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Panel:
        """A panel from JSON (a run's event, a block's output: not trusted); ValueError if it
        is not a sound one."""
        if not isinstance(data, dict):
            raise PictureError("a panel is a JSON object")
        try:
            return cls(rows=_int(data["rows"]), cols=_int(data["cols"]),
                       levels=str(data["levels"]), ramp=str(data.get("ramp", "heat")),
                       lo=float(data.get("lo", 0.0)), hi=float(data.get("hi", 1.0)),
                       label=_label(data.get("label", "")),
                       row_labels=tuple(_label(s) for s in data.get("row_labels") or ()),
                       col_labels=tuple(_label(s) for s in data.get("col_labels") or ()))
        except (KeyError, TypeError) as exc:
            raise PictureError(f"not a panel: {exc!r}") from None


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PictureError(f"a size is an integer, not {value!r}")
    return value


def _label(text: Any) -> str:
    return inert(str(text)).replace("\n", " ")[:MAX_LABEL]


@dataclass(frozen=True)
class Figure:
    """A title, panels drawn side by side, and a caption under them."""

    title: str = ""
    panels: tuple[Panel, ...] = ()
    caption: str = ""
    group: int = 1  #: panels that stay together on one row (a digit beside its map: 2)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "caption": self.caption,
                               "panels": [p.to_dict() for p in self.panels]}
        if self.group > 1:
            out["group"] = self.group
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Figure:
        """A figure from JSON (other keys, such as an event's `type`, are ignored)."""
        if not isinstance(data, dict) or not isinstance(data.get("panels"), (list, tuple)):
            raise PictureError("a figure is a JSON object with a list of panels")
        if not 0 < len(data["panels"]) <= MAX_PANELS:
            raise PictureError(f"a figure has 1 to {MAX_PANELS} panels")
        return cls(title=inert(str(data.get("title", ""))).replace("\n", " ")[:MAX_TITLE],
                   panels=tuple(Panel.from_dict(p) for p in data["panels"]),
                   caption=inert(str(data.get("caption", "")))[:1000],
                   group=min(MAX_PANELS, max(1, _int(data.get("group", 1)))))


def panel(values: Any, *, ramp: str | None = None, lo: float | None = None,
          hi: float | None = None, label: str = "", row_labels: Sequence[str] = (),
          col_labels: Sequence[str] = ()) -> Panel:
    """An array (anything numpy takes: a list of rows, an array, a CPU tensor) as a Panel.

    `ramp`: None picks "signed" when some value is below zero, else "heat". The scale runs from
    `lo` to `hi` (default: the data's min and max; for "signed", ±max|value|, or ±max(|lo|, |hi|)
    when either is given). Values beyond the scale take its end colour; NaN takes the low end
    (zero on "signed")."""
    import numpy as np

    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 2 or a.size == 0 or a.size > MAX_VALUES:
        raise PictureError(f"a picture is a 2-D array of 1 to {MAX_VALUES} values, "
                         f"not shape {a.shape}")
    finite = a[np.isfinite(a)]
    if ramp is None:
        ramp = "signed" if finite.size and float(finite.min()) < 0 else "heat"
    if ramp not in COLORS:
        raise PictureError(f"unknown ramp {ramp!r} (choose from {', '.join(RAMPS)})")
    if ramp == "signed":
        given = [abs(float(v)) for v in (lo, hi) if v is not None]
        m = max(given) if given else (float(np.abs(finite).max()) if finite.size else 0.0)
        m = m if m > 0 and math.isfinite(m) else 1.0
        lo, hi = -m, m
        t = np.nan_to_num(a / m, nan=0.0, posinf=1.0, neginf=-1.0)
        k = np.rint(np.clip(t, -1.0, 1.0) * SIGNED_TOP).astype(int) + SIGNED_TOP
    else:
        lo = float(finite.min()) if lo is None and finite.size else float(lo or 0.0)
        hi = float(finite.max()) if hi is None and finite.size else float(1.0 if hi is None
                                                                          else hi)
        if not hi > lo:
            hi = lo + 1.0
        t = np.nan_to_num((a - lo) / (hi - lo), nan=0.0, posinf=1.0, neginf=0.0)
        k = np.rint(np.clip(t, 0.0, 1.0) * UNIT_TOP).astype(int)
    return Panel(rows=a.shape[0], cols=a.shape[1], levels="".join(ALPHABET[i] for i in k.flat),
                 ramp=ramp, lo=float(lo), hi=float(hi), label=_label(label),
                 row_labels=tuple(_label(s) for s in row_labels),
                 col_labels=tuple(_label(s) for s in col_labels))


# -- what is drawn: lines of coloured spans -----------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Some text in one style: colours as "#rrggbb" (None: the terminal's own); `style` "",
    "bold" or "dim"."""

    text: str
    fg: str | None = None
    bg: str | None = None
    style: str = ""


@dataclass(frozen=True)
class Drawing:
    """Lines of spans; every character is one terminal column wide."""

    lines: tuple[tuple[Span, ...], ...] = field(default_factory=tuple)

    @property
    def height(self) -> int:
        return len(self.lines)

    @property
    def width(self) -> int:
        return max((sum(len(s.text) for s in line) for line in self.lines), default=0)


def _merge(cells: Iterable[Span]) -> tuple[Span, ...]:
    """Neighbouring cells of one style as one span."""
    out: list[Span] = []
    for cell in cells:
        if out and (out[-1].fg, out[-1].bg, out[-1].style) == (cell.fg, cell.bg, cell.style):
            out[-1] = replace(out[-1], text=out[-1].text + cell.text)
        else:
            out.append(cell)
    return tuple(out)


def _mono_level(ink: float) -> int:
    return min(len(DENSITY) - 1, int(ink * len(DENSITY)))


def mono_pair(upper: float, lower: float) -> str:
    """One character for two stacked pixels of ink `upper` and `lower` (0 … 1), without
    colour: their density, or a half block where one of them is ink and the other is not."""
    a, b = _mono_level(upper), _mono_level(lower)
    if a == b:
        return DENSITY[a]
    if min(a, b) == 0 and max(a, b) >= 2:
        return "▀" if a > b else "▄"
    return DENSITY[(a + b + 1) // 2]


def _image_lines(p: Panel, color: bool) -> list[tuple[Span, ...]]:
    table = COLORS[p.ramp]
    lines = []
    for r in range(0, p.rows, 2):
        cells = []
        for c in range(p.cols):
            has_lower = r + 1 < p.rows
            if color:
                lower = table[p.level(r + 1, c)] if has_lower else None
                cells.append(Span(HALF, fg=table[p.level(r, c)], bg=lower))
            else:
                cells.append(Span(mono_pair(p.ink(r, c), p.ink(r + 1, c) if has_lower else 0.0)))
        lines.append(_merge(cells))
    return lines


def _matrix_lines(p: Panel, color: bool) -> list[tuple[Span, ...]]:
    """One line per row, CELL columns per value, row labels on the left and column labels on
    top (across when each fits its cell, else downwards)."""
    table = COLORS[p.ramp]
    left = max((len(s) for s in p.row_labels), default=0)
    pad = " " * (left + 1 if left else 0)
    lines: list[tuple[Span, ...]] = []
    if p.col_labels:
        if all(len(s) <= CELL - 1 for s in p.col_labels):
            head = "".join(s.rjust(CELL - 1) + " " for s in p.col_labels)
            lines.append((Span(pad + head, style="dim"),))
        else:
            tall = min(VERTICAL_LABEL, max(len(s) for s in p.col_labels))
            for i in range(tall):
                row = "".join(f" {s[i] if i < len(s) else ' '} " for s in p.col_labels)
                lines.append((Span(pad + row.rstrip(), style="dim"),))
    for r in range(p.rows):
        cells = [Span(p.row_labels[r].ljust(left) + " ")] if left else []
        for c in range(p.cols):
            if color:
                cells.append(Span(" " * CELL, bg=table[p.level(r, c)]))
            else:
                cells.append(Span(DENSITY[_mono_level(p.ink(r, c))] * (CELL - 1) + " "))
        lines.append(_merge(cells))
    return lines


def _num(v: float) -> str:
    return f"{v:.2g}".replace("e+0", "e").replace("e-0", "e-")


def _legend(p: Panel, width: int, color: bool) -> tuple[Span, ...]:
    """The scale's ends around a small bar of the ramp (`0 ███ 1`, `-2.1 ███ 2.1`); without
    colour the bar is the density ramp, and a signed scale reads `0 ░▒▓█ ±2.1` (|value|)."""
    signed = p.ramp == "signed"
    if signed and not color:
        low, high = "0", f"±{_num(p.hi)}"
    else:
        low, high = _num(p.lo), _num(p.hi)
    bar = max(3, min(16, width - len(low) - len(high) - 2))
    cells = [Span(low + " ", style="dim")]
    steps = top(p.ramp)
    for i in range(bar):
        t = i / (bar - 1)
        if color:
            cells.append(Span(" ", bg=COLORS[p.ramp][round(t * steps)]))
        else:
            cells.append(Span(DENSITY[min(len(DENSITY) - 1, round(t * (len(DENSITY) - 1)))]))
    cells.append(Span(" " + high, style="dim"))
    return _merge(cells)


def draw_panel(p: Panel, *, color: bool = True, legend: bool | None = None) -> Drawing:
    """The panel's label, its picture and its legend, one column per character. `legend`:
    None shows one except under a "gray" image (a digit: its ink scale says nothing)."""
    body = _matrix_lines(p, color) if p.labelled else _image_lines(p, color)
    width = max(sum(len(s.text) for s in line) for line in body)
    lines: list[tuple[Span, ...]] = []
    if p.label:
        lines.append((Span(p.label[:max(width, 12)], style="bold"),))
    lines += body
    if legend or legend is None and p.ramp != "gray":
        lines.append(_legend(p, width, color))
    return Drawing(tuple(lines))


def beside(drawings: Sequence[Drawing], gap: int = 2) -> Drawing:
    """Drawings side by side, tops aligned, each padded to its width."""
    if not drawings:
        return Drawing()
    height = max(d.height for d in drawings)
    lines = []
    for i in range(height):
        spans: list[Span] = []
        for n, d in enumerate(drawings):
            line = d.lines[i] if i < d.height else ()
            used = sum(len(s.text) for s in line)
            spans += line
            fill = d.width - used + (gap if n < len(drawings) - 1 else 0)
            if fill > 0:
                spans.append(Span(" " * fill))
        lines.append(_merge(spans))
    return Drawing(tuple(lines))


def _rows_of(drawings: Sequence[Drawing], width: int, gap: int) -> list[list[Drawing]]:
    rows: list[list[Drawing]] = []
    used = 0
    for d in drawings:
        if rows and used + gap + d.width <= width:
            rows[-1].append(d)
            used += gap + d.width
        else:
            rows.append([d])
            used = d.width
    return rows


def draw(figure: Figure, *, width: int = 80, color: bool = True, gap: int = 2) -> Drawing:
    """The figure laid out in `width` columns: title, panels side by side (wrapping to further
    rows, never inside one of the figure's groups), caption. Images are drawn at half size
    (2×2 means) when full size would need more than two rows or would not fit at all."""

    def units(factor: int) -> list[Drawing]:
        drawn = [draw_panel(p.shrink(factor), color=color) for p in figure.panels]
        size = max(1, figure.group)
        return [beside(drawn[i:i + size], gap) for i in range(0, len(drawn), size)]

    placed = units(1)
    rows = _rows_of(placed, width, gap)
    if len(rows) > 2 or any(d.width > width for d in placed):
        small = units(2)
        if len(_rows_of(small, width, gap)) < len(rows) or any(d.width > width for d in placed):
            placed = small
            rows = _rows_of(placed, width, gap)
    lines: list[tuple[Span, ...]] = []
    if figure.title:
        lines.append((Span(figure.title[:width], style="bold"),))
    blocks = [beside(row, gap) for row in rows]
    for i, block in enumerate(blocks):
        if i:
            lines.append(())
        lines += block.lines
    if figure.caption:  # as wide as the panels, within reason
        wrap = min(width, max(40, max(b.width for b in blocks)))
        for para in figure.caption.split("\n"):
            lines += [(Span(text, style="dim"),) for text in textwrap.wrap(para, wrap) or [""]]
    if not color and any(p.ramp == "signed" for p in figure.panels):
        note = "(no colour here: the denser the character, the larger the value, whatever its sign)"
        lines += [(Span(text, style="dim"),) for text in textwrap.wrap(note, max(20, width))]
    return Drawing(tuple(lines))


# -- formats ------------------------------------------------------------------------------------


def _rgb(color: str) -> str:
    return f"{int(color[1:3], 16)};{int(color[3:5], 16)};{int(color[5:7], 16)}"


_SGR_STYLE = {"": "", "bold": "1", "dim": "2"}


def to_ansi(drawing: Drawing) -> str:
    """24-bit colour escape sequences, each line ending in a reset (for a terminal)."""
    out = []
    for line in drawing.lines:
        parts = []
        for s in _trimmed(line):
            codes = [c for c in (_SGR_STYLE.get(s.style, ""),
                                 f"38;2;{_rgb(s.fg)}" if s.fg else "",
                                 f"48;2;{_rgb(s.bg)}" if s.bg else "") if c]
            parts.append(f"\x1b[{';'.join(codes)}m{s.text}\x1b[0m" if codes else s.text)
        out.append("".join(parts))
    return "\n".join(out)


def _trimmed(line: tuple[Span, ...]) -> tuple[Span, ...]:
    """Without the padding at its end (uncoloured spaces)."""
    end = len(line)
    while end and not line[end - 1].bg and not line[end - 1].text.strip():
        end -= 1
    if end and not line[end - 1].bg:
        last = line[end - 1]
        return (*line[:end - 1], replace(last, text=last.text.rstrip(" ")))
    return line[:end]


def to_plain(drawing: Drawing) -> str:
    """The characters only (what a monochrome drawing shows; a coloured one loses its picture)."""
    return "\n".join("".join(s.text for s in line).rstrip(" ") for line in drawing.lines)


def to_rich(drawing: Drawing) -> Text:
    """A `rich.text.Text` (the CLI's Rich console, Textual's Static)."""
    from rich.style import Style
    from rich.text import Text

    text = Text(no_wrap=True, overflow="crop")
    for i, line in enumerate(drawing.lines):
        if i:
            text.append("\n")
        for s in _trimmed(line):
            style = Style(color=s.fg, bgcolor=s.bg, bold=s.style == "bold" or None,
                          dim=s.style == "dim" or None)
            text.append(s.text, style=style)
    return text


# -- lesson blocks: printed by the block, drawn by the viewer -----------------------------------


def encode(figure: Figure) -> str:
    """The one line a lesson block prints for `figure` (`MARK` and its JSON)."""
    return MARK + json.dumps(figure.to_dict(), separators=(",", ":"), allow_nan=False)


def has_pictures(output: str) -> bool:
    return MARK in output


def split_output(output: str) -> list[str | Figure]:
    """A block's output as text and the figures it printed, in order. A line that starts with
    `MARK` but is not a sound figure stays text (it is shown as printed)."""
    parts: list[str | Figure] = []
    text: list[str] = []
    for line in output.splitlines(keepends=True):
        if line.startswith(MARK):
            try:
                figure = Figure.from_dict(json.loads(line[len(MARK):]))
            except ValueError:
                text.append(line)
                continue
            if text:
                parts.append("".join(text))
                text = []
            parts.append(figure)
        else:
            text.append(line)
    if text:
        parts.append("".join(text))
    return parts


def render_output(output: str, *, width: int = 80, color: bool = True) -> str:
    """A block's output with each figure drawn (ANSI colour, or monochrome)."""
    out = []
    for part in split_output(output):
        if isinstance(part, Figure):
            d = draw(part, width=width, color=color)
            out.append((to_ansi(d) if color else to_plain(d)) + "\n")
        else:
            out.append(part)
    return "".join(out)


def render_output_rich(output: str, *, width: int = 80, color: bool = True) -> Text:
    """A block's output as one Rich Text, each figure drawn, the rest as plain text."""
    from rich.text import Text

    text = Text(no_wrap=True, overflow="crop")
    for part in split_output(output):
        if isinstance(part, Figure):
            text.append_text(to_rich(draw(part, width=width, color=color)))
            text.append("\n")
        else:
            text.append(part)
    text.rstrip()
    return text


_FOR_VIEWER = {"on": False}


def for_viewer() -> None:
    """From now on `show` prints figures as `MARK` lines for a viewer to draw. The grading worker
    calls this before it forks, so lesson blocks in the jail do; elsewhere (the learner's own
    Python) `show` draws in the terminal itself."""
    _FOR_VIEWER["on"] = True


def enough_colors(console: Any) -> bool:
    """Whether a Rich console can show a picture in colour: 256 colours or more (16 cannot
    tell a ramp's levels apart: most would turn black), and NO_COLOR not set. Else it gets
    the monochrome drawing."""
    return getattr(console, "color_system", None) in ("truecolor", "256") \
        and not getattr(console, "no_color", False)


def _terminal_colors(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ \
        and os.environ.get("TERM") != "dumb"


def show(*items: Any, title: str = "", caption: str = "", group: int = 1,
         file: IO[str] | None = None) -> None:
    """Print a figure of `items` (Panels, or arrays made into panels with the default ramp)
    side by side. In a lesson block the viewer draws it; elsewhere it is drawn here: in colour
    on a terminal, monochrome into a pipe or with NO_COLOR set."""
    stream = file or sys.stdout
    figure = Figure(title=title, caption=caption, group=group,
                    panels=tuple(p if isinstance(p, Panel) else panel(p) for p in items))
    if _FOR_VIEWER["on"]:
        print(encode(figure), file=stream)
        return
    color = _terminal_colors(stream)
    width = shutil.get_terminal_size((80, 24)).columns
    drawing = draw(figure, width=width, color=color)
    print(to_ansi(drawing) if color else to_plain(drawing), file=stream)
