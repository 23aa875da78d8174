"""The training screen: pick an experiment, start and stop runs, watch them live, overlay several.

| key   | action                                                      |
| ----- | ----------------------------------------------------------- |
| s     | start the highlighted experiment (enter on the list too)    |
| x     | stop the run (it ends after its current step)               |
| m     | your code in the run: none, then each exercise that fits    |
| - / + | halve / double the learning rate of the next run            |
| d     | device for the next run: auto, cpu, cuda, mps               |
| c     | clear the finished runs from the charts                     |
| esc   | back                                                        |

A run is its own process (`tutor.training.client.TrainingRun`) streaming JSON events; a thread
worker reads them and hands them to the UI thread, which folds them into a `RunState` and redraws
the charts at most `REDRAW_HZ` times a second. So the UI never imports torch and stays responsive
however hard the run trains. The charts are the same braille charts as `dltutor train`
(`tutor.training.chart`); runs of the highlighted experiment are drawn together, `#1`, `#2`, ...,
so changing the learning rate or swapping in your own Adam and running again compares them.

With `m`, the learner's workspace file is first checked by the grader (in its sandbox); only a
file that passes is then imported into the run (their own code, on their machine, by request).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from tutor.training import registry
from tutor.training.client import RunRequest, TrainingRun
from tutor.training.display import (
    acc_chart,
    comparisons,
    end_line,
    fmt_pct,
    grad_strips,
    header,
    loss_chart,
    series_styles,
    summary_table,
)
from tutor.training.events import End, Event
from tutor.training.state import RunState

REDRAW_HZ = 5
MAX_OVERLAID = 6  #: older finished runs drop off the charts
DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass
class _Run:
    number: int
    state: RunState
    client: TrainingRun
    lr: float | None
    mine: tuple[str, ...] = ()
    done: bool = False

    @property
    def label(self) -> str:
        return f"#{self.number}"


@dataclass
class _Choices:
    """What the next run will use (changed with m, -, +, d)."""

    lr_scale: float = 1.0
    mine: str = ""
    device: str = "auto"


class TrainingScreen(Screen[None]):
    """Experiments on the left; the live charts of its runs on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start", id="training.start", tooltip="Start the highlighted "
                "experiment (several runs of one experiment are drawn together)"),
        Binding("x", "stop", "Stop", id="training.stop", tooltip="Stop the run after its step"),
        Binding("m", "mine", "Your code", id="training.mine",
                tooltip="Train with your own implementation beside PyTorch's"),
        Binding("minus", "lr(0.5)", "lr ÷2", id="training.lr_down", key_display="-"),
        Binding("plus,equals_sign", "lr(2)", "lr ×2", id="training.lr_up", key_display="+"),
        Binding("d", "device", "Device", id="training.device", show=False,
                tooltip="Device for the next run: auto, cpu, cuda, mps"),
        Binding("c", "clear", "Clear", id="training.clear",
                tooltip="Remove the finished runs from the charts"),
        Binding("escape", "app.pop_screen", "Back", id="training.back"),
    ]

    DEFAULT_CSS = """
    TrainingScreen #train-body { height: 1fr; }
    TrainingScreen #train-side {
        width: 38;
        border-right: vkey $panel;
    }
    TrainingScreen #train-list { height: auto; max-height: 9; }
    TrainingScreen #train-info, TrainingScreen #train-runs { padding: 0 1; height: auto; }
    TrainingScreen #train-runs { margin-top: 1; }
    TrainingScreen #train-main { width: 1fr; padding: 0 1; }
    TrainingScreen #train-status { height: auto; }
    TrainingScreen #train-charts, TrainingScreen #train-extra { height: auto; }
    """

    def __init__(self, experiment: str | None = None, *, epochs: int | None = None,
                 settings: tuple[str, ...] = ()) -> None:
        """`experiment`: highlighted at first. `epochs`, `settings` (KEY=VALUE): applied to every
        run started here (tests use them to keep runs small)."""
        super().__init__(id="training")
        names = list(registry.EXPERIMENTS)
        self.experiment = experiment if experiment in registry.EXPERIMENTS else names[0]
        self.epochs = epochs
        self.settings = settings
        self.runs: list[_Run] = []
        self.choices = _Choices()
        self._dirty = True
        self._numbers = 0

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="train-body"):
            with Vertical(id="train-side"):
                yield OptionList(*[Option(Text.assemble((e.name, "bold"), "\n",
                                                        (e.title, "dim")), id=e.name)
                                   for e in registry.EXPERIMENTS.values()], id="train-list")
                yield Static(id="train-info")
                yield Static(id="train-runs")
            with VerticalScroll(id="train-main"):
                yield Static(id="train-status")
                yield Static(id="train-charts")
                yield Static(id="train-extra")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Training runs"
        self.sub_title = "real PyTorch training, live"
        options = self.query_one("#train-list", OptionList)
        options.highlighted = list(registry.EXPERIMENTS).index(self.experiment)
        options.focus()
        self.set_interval(1 / REDRAW_HZ, self._redraw_if_needed)
        self._show_info()
        self._redraw()

    def on_unmount(self) -> None:
        for run in self.runs:  # leave no run process behind
            run.client.close(grace=3.0)

    # -- what the learner chose -------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.experiment:
            self.experiment = event.option.id
            self.choices.mine = ""
            self.choices.lr_scale = 1.0
            self._show_info()
            self._dirty = True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    @property
    def info(self) -> registry.ExperimentInfo:
        return registry.get(self.experiment)

    def action_lr(self, factor: float) -> None:
        self.choices.lr_scale = min(1000.0, max(1e-3, self.choices.lr_scale * float(factor)))
        self._show_info()

    def action_device(self) -> None:
        self.choices.device = DEVICES[(DEVICES.index(self.choices.device) + 1) % len(DEVICES)]
        self._show_info()

    def action_mine(self) -> None:
        options = ("", *self.info.mine)
        self.choices.mine = options[(options.index(self.choices.mine) + 1) % len(options)]
        self._show_info()

    def action_clear(self) -> None:
        self.runs = [r for r in self.runs if not r.done]
        self._dirty = True
        self._show_runs()

    def action_stop(self) -> None:
        running = [r for r in self.runs if not r.done]
        if not running:
            self.notify("No run is going.", severity="information")
        for run in running:
            run.client.stop()

    def action_start(self) -> None:
        if any(not r.done for r in self.runs):
            self.notify("A run is going: stop it first (x), or wait for it.", timeout=4)
            return
        mine = self.choices.mine
        if mine:
            self._check_then_start(self.experiment, mine)
        else:
            self._start(self.experiment, ())

    # -- runs -------------------------------------------------------------------------------

    def _start(self, experiment: str, mine: tuple[tuple[str, str, Path], ...]) -> None:
        lr = None
        if self.choices.lr_scale != 1.0:
            base = self.info.lr if self.info.lr is not None else 0.01
            lr = base * self.choices.lr_scale
        request = RunRequest(experiment=experiment, device=self.choices.device,
                             epochs=self.epochs, lr=lr, settings=self.settings, mine=mine)
        self._numbers += 1
        client = TrainingRun(request)
        run = _Run(self._numbers, RunState(label=f"#{self._numbers}"), client, lr,
                   tuple(m[0] for m in mine))
        self.runs.append(run)
        finished = [r for r in self.runs if r.done]
        while len(self.runs) > MAX_OVERLAID and finished:
            self.runs.remove(finished.pop(0))
        self._dirty = True
        self._follow(run)

    @work(thread=True, group="training-events")
    def _follow(self, run: _Run) -> None:
        """Read the run's events off the UI thread; each one is applied on the UI thread."""
        try:
            for event in run.client.start().events():
                self.app.call_from_thread(self._apply, run, event)
        finally:
            self.app.call_from_thread(self._finished, run)

    def _apply(self, run: _Run, event: Event) -> None:
        run.state.apply(event)
        self._dirty = True
        if isinstance(event, End):
            run.done = True

    def _finished(self, run: _Run) -> None:
        run.done = True
        self._dirty = True
        end = run.state.end
        if end is not None and end.status == "error":
            self.notify(end.message[:300] or "the run failed", title=f"Run {run.label} failed",
                        severity="error", timeout=10, markup=False)  # may quote learner text

    @work(thread=True, exclusive=True, group="training-check")
    def _check_then_start(self, experiment: str, exercise_id: str) -> None:
        """Grade the learner's file first (in the grader's sandbox); train only if it passes."""
        session = getattr(self.app, "session", None)
        if session is None:
            self.app.call_from_thread(self.notify, "Your code needs the tutor's session.",
                                      severity="error")
            return
        try:
            exercise = session.course.exercise(exercise_id)
        except KeyError:
            self.app.call_from_thread(self.notify, f"No exercise {exercise_id} in this course.",
                                      severity="error")
            return
        path = session.workspace.path(exercise)
        if not path.is_file():
            self.app.call_from_thread(
                self.notify, f"You have no {exercise.filename} yet: open the exercise first.",
                severity="warning", timeout=6)
            return
        self.app.call_from_thread(self._show_extra, Text(f"Checking your {exercise_id} …",
                                                         style="italic"))
        try:
            result = session.grader.check(exercise, path)
        except Exception as exc:  # noqa: BLE001 - GraderError and friends: say so, stay up
            self.app.call_from_thread(self.notify, f"The grader failed: {exc}", severity="error",
                                      markup=False)
            return
        if not result.passed:
            from tutor.grading.render import render_result

            refusal = Group(Text(f"Not training with your {exercise_id}: it does not pass its "
                                 "check yet.", style="bold red"), render_result(result))
            self.app.call_from_thread(self._show_extra, refusal)
            return
        self.app.call_from_thread(self._start, experiment,
                                  ((exercise.id, exercise.function, path),))

    # -- drawing ----------------------------------------------------------------------------

    def _show_info(self) -> None:
        e, c = self.info, self.choices
        t = Text()
        t.append(e.shows + "\n\n")
        lr = "its own per optimizer" if e.lr is None else f"{e.lr:g}"
        t.append(f"{e.epochs} epochs · batch {e.batch_size} · lr {lr}\n", style="dim")
        nxt = self._lr_text()
        t.append("next run: ", style="bold")
        t.append(f"lr {nxt} · device {c.device}")
        t.append(f"\nyour code: {c.mine or 'none'}", style="bold yellow" if c.mine else "dim")
        if e.mine and not c.mine:
            t.append(f"  (m: {', '.join(e.mine[:3])}{'…' if len(e.mine) > 3 else ''})",
                     style="dim")
        self.query_one("#train-info", Static).update(t)

    def _lr_text(self) -> str:
        if self.choices.lr_scale == 1.0:
            return "default"
        base = self.info.lr if self.info.lr is not None else 0.01
        return f"{base * self.choices.lr_scale:.3g}"

    def _show_runs(self) -> None:
        t = Text()
        for run in self.runs:
            st = run.state
            status = st.end.status if st.end else ("running" if st.start else "starting")
            style = {"finished": "green", "stopped": "yellow", "error": "red"}.get(status, "")
            t.append(f"{run.label} {run.client.request.experiment}", style="bold")
            t.append(f" {status}", style=style)
            extra = []
            if run.lr is not None:
                extra.append(f"lr {run.lr:.3g}")
            if run.mine:
                extra.append("yours: " + ",".join(run.mine))
            first = next(iter(st.series), None)
            if first is not None and st.end is not None:
                f = st.final(first)
                acc = f.get("val_acc") if f.get("val_acc") is not None else f.get("train_acc")
                if acc is not None:
                    extra.append(f"acc {fmt_pct(acc)}")
            if extra:
                t.append("\n   " + " · ".join(extra), style="dim")
            t.append("\n")
        self.query_one("#train-runs", Static).update(t)

    def _show_extra(self, renderable: RenderableType) -> None:
        self.query_one("#train-extra", Static).update(renderable)

    def _redraw_if_needed(self) -> None:
        if self._dirty or any(not r.done for r in self.runs):  # the clock ticks while running
            self._redraw()

    def _redraw(self) -> None:
        self._dirty = False
        shown = [r for r in self.runs if r.client.request.experiment == self.experiment]
        status = self.query_one("#train-status", Static)
        charts = self.query_one("#train-charts", Static)
        self._show_runs()
        if not shown:
            status.update(Text(f"{self.experiment}: press s to start a run.", style="dim"))
            charts.update("")
            self._show_extra("")
            return
        latest = shown[-1].state
        status.update(header(latest))
        states = [r.state for r in shown]
        if len(states) == 1:
            states[0].label = ""
        else:
            for r in shown:
                r.state.label = r.label
        keys = [f"{st.label}:{n}" if len(states) > 1 else n for st in states for n in st.series]
        styles = series_styles(keys)
        width = max(30, self.query_one("#train-main").size.width - 14)
        parts: list[RenderableType] = [loss_chart(states, width, 8, styles)]
        if latest.classification:
            parts.append(acc_chart(states, width, 6, styles))
        charts.update(Group(*parts))
        extra: list[RenderableType] = []
        strips = grad_strips(latest, series_styles(list(latest.series)))
        for item in (strips, comparisons(latest)):
            if item is not None:
                extra.append(item)
        extra += [Text(n.text, style="dim") for n in latest.notes]
        if latest.end is not None:
            extra += [Text(""), summary_table(latest), end_line(latest.end, latest)]
        self._show_extra(Group(*extra))
