"""The Rich view of a run: header, loss and accuracy charts, gradient strips, comparisons, and the
summary table. Pure renderers of `RunState`; `watch()` drives a `rich.live.Live` from a
`TrainingRun`'s events. No torch, no textual.

Rendering happens only on the thread that applies events (auto-refresh is off), at most
`REFRESH_HZ` times a second, so the display never reads a state that is being changed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.live import Live
from rich.table import Table
from rich.text import Text

from tutor.grading.render import plain
from tutor.training.chart import PALETTE, Line, column_strip, line_chart, smooth
from tutor.training.client import TrainingRun, follow
from tutor.training.events import End, Event
from tutor.training.state import RunState

REFRESH_HZ = 8


def fmt_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d} min" if m < 60 else f"{m // 60}:{m % 60:02d} h"


def fmt_pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


def fmt_num(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:.4f}" if 1e-3 <= abs(v) < 1e4 or v == 0 else f"{v:.2e}"


def series_styles(names: Sequence[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def header(state: RunState) -> Text:
    t = Text()
    s = state.start
    if s is None:
        t.append(f"{state.label or 'run'}  ", style="bold")
        t.append(f"starting: importing torch, building the data… {state.live_elapsed():.0f} s",
                 style="dim")
        return t
    t.append(f"{s.experiment}", style="bold")
    t.append(f" · {s.title}\n")
    t.append("device ", style="dim")
    t.append(f"{s.device} ({s.device_name})", style="bold")
    t.append(f"  {s.device_reason}", style="dim")
    if s.mine:
        t.append("   yours: ", style="dim")
        t.append(", ".join(s.mine), style="bold yellow")
    t.append("\n")
    t.append(f"epoch {state.epoch}/{s.epochs}  ·  step {state.step}/{s.total_steps}  ·  "
             f"{state.samples_per_s:,.0f} samples/s  ·  {fmt_duration(state.live_elapsed())}")
    if state.end is None:
        t.append(f"  ·  ETA {fmt_duration(state.eta_s)}")
    bar_w = 30
    filled = round(state.progress * bar_w)
    t.append("\n")
    t.append("━" * filled, style="green")
    t.append("━" * (bar_w - filled), style="dim")
    t.append(f" {state.progress:.0%}", style="dim")
    return t


SMOOTHING = 0.6  #: exponential smoothing of the drawn curves (the events keep raw values)


def loss_chart(states: Sequence[RunState], width: int, height: int,
               styles: dict[str, str] | None = None) -> Text:
    lines = _lines(states, "losses", styles)
    return line_chart(lines, width, height, log_y=True, title="training loss (log scale)")


def acc_chart(states: Sequence[RunState], width: int, height: int,
              styles: dict[str, str] | None = None) -> Text:
    lines = _lines(states, "accs", styles)
    return line_chart(lines, width, height, y_min=0.0, y_max=1.0,
                      title="training accuracy (on the batches as they pass)")


def _lines(states: Sequence[RunState], attr: str, styles: dict[str, str] | None) -> list[Line]:
    names = [(st, name) for st in states for name in st.series]
    multi = len(states) > 1
    styles = styles or series_styles([f"{st.label}:{n}" if multi else n for st, n in names])
    out = []
    for st, name in names:
        key = f"{st.label}:{name}" if multi else name
        s = st.series[name]
        out.append(Line(key, s.steps, smooth(getattr(s, attr), SMOOTHING),
                        styles.get(key, "cyan")))
    return out


def grad_strips(state: RunState, styles: dict[str, str]) -> RenderableType | None:
    norms = {n: s.grad_norms for n, s in state.series.items() if s.grad_norms is not None}
    if not norms:
        return None
    vals = [v for g in norms.values() for v in g.norms if v is not None and v > 0]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    lo, hi = (lo / 2, hi * 2) if lo == hi else (lo, hi)
    t = Text()
    t.append("gradient norm per layer (log scale, input → output), latest step\n", style="bold")
    width = max(len(n) for n in norms)
    for name, g in norms.items():
        rows = column_strip(g.norms, lo=lo, hi=hi, log=True, height=3, style=styles[name])
        first, last = g.norms[0], g.norms[-1]
        for i, row in enumerate(rows):
            t.append(f"{name:>{width}} │" if i == 1 else f"{'':>{width}} │")
            t.append_text(row)
            if i == 1:
                t.append(f"  in {fmt_num(first)} → out {fmt_num(last)}", style="dim")
            t.append("\n")
    t.append(f"{'':>{width}}   scale {lo:.1e} … {hi:.1e}", style="dim")
    return t


def comparisons(state: RunState) -> Text | None:
    if not state.compares:
        return None
    t = Text()
    for name, c in state.compares.items():
        if c.diverged_at is None:
            t.append("✓ ", style="bold green")
            t.append(f"{name} matches {c.reference}: largest |Δloss| "
                     f"{fmt_num(c.max_abs_diff)} over {c.step} steps "
                     f"(tolerance {c.tolerance:g})\n")
        else:
            t.append("✗ ", style="bold red")
            t.append(f"{name} differs from {c.reference} from step {c.diverged_at}"
                     f"{' (right after the first update)' if c.diverged_at == 2 else ''}: "
                     f"|Δloss| up to {fmt_num(c.max_abs_diff)}\n")
    t.rstrip()
    return t


def summary_table(state: RunState) -> Table:
    table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="bold")
    cls = state.classification
    table.add_column("series")
    table.add_column("loss", justify="right")
    if cls:
        table.add_column("train acc", justify="right")
    has_val = any(e.val_loss is not None for s in state.series.values() for e in s.epochs)
    if has_val:
        table.add_column("held-out loss", justify="right")
        if cls:
            table.add_column("held-out acc", justify="right")
    styles = series_styles(list(state.series))
    for name in state.series:
        f = state.final(name)
        row: list[Text | str] = [Text(name, style=styles[name]),
               fmt_num(f.get("train_loss") if f.get("train_loss") is not None else f.get("loss"))]
        if cls:
            row.append(fmt_pct(f.get("train_acc")))
        if has_val:
            row.append(fmt_num(f.get("val_loss")))
            if cls:
                row.append(fmt_pct(f.get("val_acc")))
        table.add_row(*row)
    return table


def end_line(end: End, state: RunState) -> Text:
    if end.status == "finished":
        return Text(f"Finished {state.step} steps in {fmt_duration(end.elapsed_s)}.",
                    style="bold green")
    if end.status == "stopped":
        return Text(f"Stopped at step {state.step} after {fmt_duration(end.elapsed_s)}.",
                    style="bold yellow")
    # The message may quote the learner's code (an exception, their stderr): inert text only.
    msg = Text("The run failed: ", style="bold red")
    msg.append_text(plain(end.message or "no message"))
    if end.traceback:
        msg.append("\n")
        msg.append_text(plain(end.traceback.rstrip()))
    return msg


class RunView:
    """A whole run, laid out for the console's current width (charts side by side when wide).

    The body (charts, strips, notes) is rebuilt only when new events arrived or the width
    changed; between events only the header (its clock) is redrawn. Live renders each frame
    twice (measure, then draw), so this halves the work again."""

    def __init__(self, state: RunState, *, show_summary: bool = False) -> None:
        self.state = state
        self.show_summary = show_summary
        self._key: tuple[int, int, bool] | None = None
        self._body: list[RenderableType] = []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (self.state.events_seen, options.max_width, self.show_summary)
        if key != self._key:
            self._body = self._build(options.max_width)
            self._key = key
        yield Group(header(self.state), *self._body)

    def _build(self, max_width: int) -> list[RenderableType]:
        state = self.state
        parts: list[RenderableType] = []
        if state.start is not None:
            styles = series_styles(list(state.series))
            wide = max_width >= 120 and state.classification
            chart_w = max(20, (max_width - 24) // 2 if wide else max_width - 12)
            loss = loss_chart([state], chart_w, 9, styles)
            if state.classification:
                acc = acc_chart([state], chart_w, 9, styles)
                if wide:
                    grid = Table.grid(padding=(0, 3))
                    grid.add_row(loss, acc)
                    parts.append(grid)
                else:
                    parts += [loss, acc]
            else:
                parts.append(loss)
            for extra in (grad_strips(state, styles), comparisons(state)):
                if extra is not None:
                    parts.append(extra)
            for note in state.notes:
                parts.append(Text(note.text, style="yellow" if note.level == "warning" else "dim"))
        if state.end is not None and self.show_summary:
            parts += [Text(""), summary_table(state), end_line(state.end, state)]
        return parts


def watch(run: TrainingRun, console: Console, *,
          on_event: Callable[[Event], None] | None = None) -> RunState:
    """Show `run` live until it ends. Ctrl+C asks the run to stop (a second one kills it) and the
    display keeps going until the run's `end` arrives, so the summary is always shown."""
    state = RunState(label=run.request.experiment)
    view = RunView(state)
    last = 0.0

    def apply(event: Event) -> None:
        state.apply(event)
        if on_event:
            on_event(event)

    with Live(view, console=console, auto_refresh=False, transient=False,
              vertical_overflow="visible") as live:

        def tick() -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= 1 / REFRESH_HZ:
                live.update(view, refresh=True)
                last = now

        follow(run, apply, tick=tick, interval=1 / REFRESH_HZ)
        view.show_summary = True
        live.update(view, refresh=True)
    if not console.is_terminal:
        console.line()  # Live leaves the last line open when it only prints the final frame
    return state
