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
from tutor.pictures import Figure, draw, enough_colors, to_rich
from tutor.training.chart import PALETTE, Line, column_strip, line_chart, smooth
from tutor.training.client import TrainingRun, follow
from tutor.training.events import End, Event
from tutor.training.health_view import health_lines, symptoms_now, symptoms_summary
from tutor.training.histogram import small_multiples
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


def header(state: RunState, *, compact: bool = False) -> Text:
    """The run's name and device, then the line that matters most while it runs (epoch, step,
    speed, time, ETA) and a progress bar. `compact`: only those last two, for short terminals."""
    t = Text()
    s = state.start
    if s is None:
        t.append(f"{state.label or 'run'}  ", style="bold")
        t.append(f"starting: importing torch, building the data… {state.live_elapsed():.0f} s",
                 style="dim")
        return t
    if not compact:
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
    top = loss_ceiling(lines)
    title = "training loss (log scale)"
    if top is not None:
        title = f"training loss (log scale; above {top:.3g} drawn at the top)"
    return line_chart(lines, width, height, log_y=True, y_max=top, title=title)


CEILING = 10.0  #: a loss above this many times the series' typical starting loss is off the chart


def loss_ceiling(lines: Sequence[Line]) -> float | None:
    """Where to cut the loss axis when one series blows up (lr_sweep's 10000, init_compare's
    N(0, 1)): CEILING × the median of the series' first losses, so the others keep their room;
    None (no cut) for a single series or when nothing goes that high."""
    firsts = [next((y for y in ln.ys if y is not None and math.isfinite(y) and y > 0), None)
              for ln in lines]
    starts = sorted(f for f in firsts if f is not None)
    if len(starts) < 2:
        return None
    mid = len(starts) // 2
    top = CEILING * (starts[mid] if len(starts) % 2 else (starts[mid - 1] + starts[mid]) / 2)
    highest = max((y for ln in lines for y in ln.ys if y is not None and math.isfinite(y)),
                  default=0.0)
    return top if highest > top else None


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
            per_epoch = state.start.steps_per_epoch if state.start else 0
            epoch = f", epoch {(c.diverged_at - 1) // per_epoch + 1}" if per_epoch else ""
            t.append(f"{name} differs from {c.reference} from step {c.diverged_at}{epoch}"
                     f"{' (right after the first update)' if c.diverged_at == 2 else ''}: "
                     f"|Δloss| up to {fmt_num(c.max_abs_diff)}\n")
    t.rstrip()
    return t


#: The figure that tells most about a finished series, best first; a run is summed up by the first
#: one that every one of its series has, so they are compared like with like.
MEASURES: dict[str, tuple[tuple[str, str], ...]] = {
    "classification": (("val_acc", "held-out acc"), ("train_acc", "train acc"),
                       ("train_acc_running", "acc, last steps")),
    "regression": (("val_loss", "held-out loss"), ("train_loss", "train loss"),
                   ("loss", "loss, last steps")),
}


def shared_measure(state: RunState) -> tuple[str, dict[str, float]] | None:
    """(label, value per series) of the most telling figure that *every* series has: a forward-only
    series has no full passes, so beside it PyTorch's full-pass figure would not be comparable and
    the last steps' figure is used for all. None when there is none (no steps yet)."""
    finals = {name: state.final(name) for name in state.series}
    if not finals:
        return None
    for key, label in MEASURES["classification" if state.classification else "regression"]:
        values = {name: f.get(key) for name, f in finals.items()}
        if all(v is not None for v in values.values()):
            return label, {name: float(v) for name, v in values.items() if v is not None}
    return None


def fmt_measure(label: str, value: float) -> str:
    return fmt_pct(value) if "acc" in label else fmt_num(value)


def summary_table(state: RunState) -> RenderableType:
    """The last figures of every series, each column one measure for all of them.

    Full passes (train, held-out) are measured after an epoch; the "last steps" columns are the
    mean over the last logged batches, the same batches for every series. The latter are shown
    when some series has no full pass (a forward-only series, a run stopped in its first epoch),
    so that it is compared with the others on the same figure, never with a different one."""
    table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="bold")
    cls = state.classification
    finals = {name: state.final(name) for name in state.series}
    full = [n for n, f in finals.items() if f.get("train_loss") is not None]
    recent = len(full) < len(finals)
    has_val = any(f.get("val_loss") is not None for f in finals.values())
    columns: list[tuple[str, str]] = []
    if recent:
        columns.append(("loss", "loss, last steps"))
        if cls:
            columns.append(("train_acc_running", "acc, last steps"))
    if full:
        columns.append(("train_loss", "train loss"))
        if cls:
            columns.append(("train_acc", "train acc"))
    if has_val:
        columns.append(("val_loss", "held-out loss"))
        if cls:
            columns.append(("val_acc", "held-out acc"))
    table.add_column("series")
    for _, label in columns:
        table.add_column(label, justify="right")
    styles = series_styles(list(state.series))
    for name, f in finals.items():
        row: list[Text | str] = [Text(name, style=styles[name])]
        row += [fmt_measure(label, v) if (v := f.get(key)) is not None else "–"
                for key, label in columns]
        table.add_row(*row)
    if not recent:
        return table
    note = "last steps: mean over the last logged batches, the same ones for every series"
    if full:
        note += "; –: no full pass (the series runs forward only)"
    return Group(table, Text(note + ".", style="dim"))


def histogram_panel(state: RunState, width: int, styles: dict[str, str]) -> Text | None:
    """The activation histograms, layer × series (init_compare): the latest ones, and once the
    run is over the first ones (the initial weights, what the lesson's table is about) above
    them. None when the run has none."""
    columns = [(name, s.histograms) for name, s in state.series.items()
               if s.histograms is not None]
    if not columns:
        return None
    latest = small_multiples(columns, width, styles)
    first = [(name, s.first_histograms) for name, s in state.series.items()
             if s.first_histograms is not None]
    if state.end is None or not first or {h.step for _, h in first} == {h.step
                                                                          for _, h in columns}:
        return latest
    both = small_multiples(first, width, styles)
    both.append("\n")
    both.append_text(latest)
    return both


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


MAX_ROWS = 9  #: rows of a chart's plot when the terminal has room
MIN_ROWS = 3  #: fewer rows than this and a chart says little: panels drop instead


def _height_of(console: Console, options: ConsoleOptions, renderable: RenderableType) -> int:
    return len(console.render_lines(renderable, options.update(height=None), pad=False))


class RunView:
    """A whole run, laid out for the console's current width and, with `fit`, height.

    Fitting the height matters in a terminal: Rich's Live can only redraw what is on screen, so
    a frame taller than the terminal leaves a copy of its top in the scrollback at every refresh
    and the epoch/ETA line is never seen. To fit, the charts shrink first (from `MAX_ROWS` to
    `MIN_ROWS`), then panels drop, least needed first (`DROP`): notes, the training-health
    numbers, the accuracy chart, the activation histograms, the gradient strips, the comparisons,
    the symptom lines; a dim line names what was left out. Below that the header
    keeps only its epoch/ETA line and progress bar, and then the loss chart goes too. Charts sit
    side by side when the console is wide. Without `fit` (output to a file) everything is drawn
    at full size.

    The body is rebuilt only when new events arrived or the size changed; between events only
    the header (its clock) is redrawn. Live renders each frame twice (measure, then draw), so
    this halves the work again."""

    def __init__(self, state: RunState, *, show_summary: bool = False, fit: bool = True,
                 lessons: dict[str, int] | None = None) -> None:
        """`lessons`: lesson number by lesson id, so a symptom's link reads "lesson 7"."""
        self.state = state
        self.show_summary = show_summary
        self.fit = fit
        self.lessons = lessons or {}
        self.dropped: list[str] = []  #: what the last frame left out to fit
        self._key: tuple[object, ...] | None = None
        self._body: list[RenderableType] = []
        self._compact = False

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        height = (options.height or options.size.height) if self.fit else None
        head = header(self.state)
        head_h = _height_of(console, options, head) if height is not None else 0
        key = (self.state.events_seen, options.max_width, height, self.show_summary, head_h)
        if key != self._key:
            self._body = self._build(console, options, height, head_h)
            self._key = key
        yield Group(header(self.state, compact=True) if self._compact else head, *self._body)

    def _build(self, console: Console, options: ConsoleOptions, height: int | None,
               head_h: int) -> list[RenderableType]:
        state = self.state
        self._compact, self.dropped = False, []
        tail: list[RenderableType] = []
        if state.end is not None and self.show_summary:
            tail = [Text(""), summary_table(state)]
            # fitted to a terminal, the symptoms (a few lines each) would push the charts out of
            # the last frame: `watch` prints them below it instead
            health = None if self.fit else symptoms_summary(state, self.lessons)
            tail += [health] if health is not None else []
            tail.append(end_line(state.end, state))
        if state.start is None:
            return tail
        width = options.max_width
        styles = series_styles(list(state.series))
        wide = width >= 120 and state.classification
        chart_w = max(20, (width - 24) // 2 if wide else width - 12)
        charts: dict[str, Callable[[int], Text]] = {
            "loss chart": lambda rows: loss_chart([state], chart_w, rows, styles)}
        if state.classification:
            charts["accuracy chart"] = lambda rows: acc_chart([state], chart_w, rows, styles)
        # What goes below the charts, in the order drawn, keyed by the name the "not shown" line
        # gives it; dropped to fit in the order of DROP.
        panels: dict[str, list[RenderableType]] = {}
        if state.end is None:  # the summary lists them all once the run is over
            now = symptoms_now(state, self.lessons)
            if now is not None:
                panels["symptoms"] = [now]
        health = health_lines(state, styles)
        if health is not None:
            panels["health numbers"] = [health]
        histograms = histogram_panel(state, width, styles)
        if histograms is not None:
            panels["activation histograms"] = [histograms]
        strips = grad_strips(state, styles)
        if strips is not None:
            panels["gradient norms"] = [strips]
        compare = comparisons(state)
        if compare is not None:
            panels["comparison with PyTorch"] = [compare]
        if state.notes:
            panels["notes"] = [Text(n.text, style="yellow" if n.level == "warning" else "dim")
                               for n in state.notes]

        def layout(rows: int) -> list[RenderableType]:
            drawn = [make(rows) for name, make in charts.items() if name not in self.dropped]
            parts: list[RenderableType] = list(drawn)
            if wide and len(drawn) == 2:
                grid = Table.grid(padding=(0, 3))
                grid.add_row(*drawn)
                parts = [grid]
            for name, items in panels.items():
                if name not in self.dropped:
                    parts += items
            if self.dropped:
                parts.append(Text(f"not shown at this height: {', '.join(self.dropped)}",
                                  style="dim italic"))
            return parts + tail

        if height is None:
            return layout(MAX_ROWS)
        room = height - head_h
        present = set(charts) | set(panels) | {"header"}
        for stage in (None, *DROP):
            if stage == "header":  # the run's name and device give way before the loss chart
                self._compact = True
                room = height - _height_of(console, options, header(state, compact=True))
            elif stage is not None:
                if stage not in present:
                    continue
                self.dropped.append(stage)
            kept = [name for name in charts if name not in self.dropped]
            if not kept:
                parts = layout(0)
                if _height_of(console, options, Group(*parts)) <= room:
                    return parts
                continue
            # A chart is its rows plus a fixed frame (title, axis, legend): measure the whole
            # body with every chart at MIN_ROWS, then share out the rows that are left.
            at_min = _height_of(console, options, Group(*layout(MIN_ROWS)))
            stacked = 1 if wide and len(kept) == 2 else len(kept)
            rows = min(MAX_ROWS, MIN_ROWS + (room - at_min) // stacked)
            if rows >= MIN_ROWS:
                return layout(rows)
        return layout(0)  # shorter than a header and a summary: Live crops what is left


#: What goes to fit a short terminal, least needed first (the charts shrink before any of it).
#: The gradient strips and the histograms outrank the accuracy chart: where they are drawn
#: (deep_vs_residual, init_compare) they are what the experiment is about. The symptom lines (a
#: cause and a lesson, only while something is wrong) outrank every panel; the health numbers
#: behind them go early. "header": its first lines (the run's name, the device) go, never the
#: epoch/ETA line and the progress bar.
DROP = ("notes", "health numbers", "accuracy chart", "activation histograms", "gradient norms",
        "comparison with PyTorch", "symptoms", "header", "loss chart")


def watch(run: TrainingRun, console: Console, *,
          on_event: Callable[[Event], None] | None = None,
          lessons: dict[str, int] | None = None) -> RunState:
    """Show `run` live until it ends. Ctrl+C asks the run to stop (a second one kills it) and the
    display keeps going until the run's `end` arrives, so the summary is always shown.

    In a terminal every frame fits the terminal's height (see `RunView`), so Live redraws it in
    place and the scrollback keeps one copy: the final frame, with the summary, drawn once when
    Live stops, then the training-health symptoms the run had. Into a file or pipe, only that
    final frame is written, at full size, the symptoms in it."""
    state = RunState(label=run.request.experiment)
    view = RunView(state, fit=console.is_terminal, lessons=lessons)
    last = 0.0

    def apply(event: Event) -> None:
        state.apply(event)
        if on_event:
            on_event(event)

    # "crop" only guards against a frame that still comes out too tall; stopping draws the last
    # frame once more in full ("visible"), which is where the summary appears.
    with Live(view, console=console, auto_refresh=False, transient=False,
              vertical_overflow="crop") as live:

        def tick() -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= 1 / REFRESH_HZ:
                live.update(view, refresh=True)
                last = now

        follow(run, apply, tick=tick, interval=1 / REFRESH_HZ)
        view.show_summary = True  # drawn by Live's stop(), once
    if not console.is_terminal:
        console.line()  # Live leaves the last line open when it only prints the final frame
    health = symptoms_summary(state, lessons) if view.fit else None
    if health is not None:  # in a terminal, below the final frame rather than squeezed into it
        console.print(health)
    if "activation histograms" in view.dropped:  # init_compare's picture: never lost to a height
        histograms = histogram_panel(state, console.width, series_styles(list(state.series)))
        if histograms is not None:
            console.print()
            console.print(histograms)
    for drawn in picture_views(state, console.width, color=enough_colors(console)):
        console.print()
        console.print(drawn)
    return state


def picture_views(state: RunState, width: int, *, color: bool = True) -> list[Text]:
    """The run's pictures of its trained model (`Picture` events), each drawn in `width`
    columns: after the run, below its summary. `color=False` (a console without colour) draws
    them in density characters; an event that is not a sound figure is left out."""
    views = []
    for event in state.pictures:
        try:
            figure = Figure.from_dict(event.to_dict())
        except ValueError:
            continue
        views.append(to_rich(draw(figure, width=width, color=color)))
    return views
