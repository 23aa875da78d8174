"""The training screen: pick an experiment, start and stop runs, watch them live, overlay several.

| key   | action                                                      |
| ----- | ----------------------------------------------------------- |
| s     | start the highlighted experiment (enter on the list too)    |
| x     | stop the run (it ends after its current step)               |
| m     | your code in the run: tick the exercises (space), m/esc done |
| - / + | halve / double the learning rate of the next run            |
| d     | device for the next run: auto, cpu, then the GPUs found     |
| c     | clear the finished runs from the charts                     |
| l     | read the lesson section of the highlighted health symptom   |
| esc   | back (closes the your-code list first)                      |

A run is its own process (`tutor.training.client.TrainingRun`) streaming JSON events; a thread
worker reads them and hands them to the UI thread, which folds them into a `RunState` and redraws
the charts at most `REDRAW_HZ` times a second. So the UI never imports torch and stays responsive
however hard the run trains. The charts are the same braille charts as `dltutor train`
(`tutor.training.chart`); runs of the highlighted experiment are drawn together, `#1`, `#2`, ...,
so changing the learning rate or swapping in your own Adam and running again compares them.
A finished run's pictures of its trained model (`Picture` events: digits_lenet's occlusion maps
and filter responses) are drawn under its results (`tutor.training.display.picture_views`).

With `m`, the learner ticks one or more of their exercises that fit the experiment (as
`dltutor train --use-mine a,b`: one per slot, so one optimizer at a time, except in
optimizer_race), or `all` (as `--use-mine all`). Which exercises fit comes from the course: each
exercise's `[train]` slot against the experiment's slots (`tutor.training.swap`). Each file is
first checked by the grader (in its sandbox); named ones go in only when all pass, `all` takes
those that pass and names the others in the run's notes. Then they are imported into the run
(their own code, on their machine, by request).
"""

from __future__ import annotations

import importlib.util
import io
import platform
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Console, Group, RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from tutor.app.messages import LessonSelected
from tutor.app.widgets.health_panel import HealthPanel
from tutor.course.model import Exercise
from tutor.present import theme_palette
from tutor.training import registry, swap
from tutor.training.client import RunRequest, TrainingRun
from tutor.training.display import (
    acc_chart,
    comparisons,
    end_line,
    fmt_measure,
    grad_strips,
    header,
    histogram_panel,
    loss_chart,
    picture_views,
    series_styles,
    shared_measure,
    summary_table,
)
from tutor.training.events import End, Event
from tutor.training.state import RunState

REDRAW_HZ = 5
MAX_OVERLAID = 6  #: older finished runs drop off the charts
CHART_ROWS = (3, 10)  #: fewest and most rows of a chart's plot, as the pane's height allows


def _lines_of(renderable: RenderableType, width: int) -> int:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    return len(console.render_lines(renderable, console.options, pad=False))


@lru_cache(maxsize=1)
def available_devices() -> tuple[str, ...]:
    """The devices `d` offers: auto and cpu, then the GPUs this machine can train on. Found
    without importing torch (the UI process never does): CUDA when the installed torch was built
    for CUDA or ROCm and a GPU driver is present (or cannot be looked for, off Linux), MPS on
    Apple silicon. A run asked for a device it cannot use still says why and stops."""
    found = ["auto", "cpu"]
    spec = importlib.util.find_spec("torch")
    version = (Path(next(iter(spec.submodule_search_locations or ())), "version.py")
               if spec is not None and spec.submodule_search_locations else None)
    try:
        text = version.read_text() if version is not None else ""
    except OSError:
        text = ""
    built = re.search(r"^(cuda|hip)\b[^=\n]*=\s*['\"]", text, re.MULTILINE) is not None
    if built and (not sys.platform.startswith("linux") or any(
            Path(p).exists() for p in ("/proc/driver/nvidia/version", "/dev/nvidiactl",
                                       "/dev/kfd"))):
        found.append("cuda")
    if sys.platform == "darwin" and platform.machine() == "arm64":
        found.append("mps")
    return tuple(found)


def fits_together(experiment: str, exercises: tuple[Exercise, ...]) -> bool:
    """The CLI's rule for `--use-mine a,b`: one exercise per slot (one optimizer at a time),
    except where the experiment takes several (optimizer_race)."""
    return swap.conflict(registry.get(experiment), exercises) is None


def run_results(state: RunState) -> Text | None:
    """One line on how a finished run did, each figure named by its series and measured the same
    way for all of them (`shared_measure`). With many series: the learner's beside the PyTorch
    version it was compared with, then the best and the worst."""
    result = shared_measure(state)
    if result is None:
        return None
    label, values = result
    t = Text(f"{label}: ")
    if len(values) == 1:
        t.append(fmt_measure(label, next(iter(values.values()))))
        return t
    if len(values) <= 3:
        t.append(" · ".join(f"{name} {fmt_measure(label, v)}" for name, v in values.items()))
        return t
    # many series (optimizer_race): the learner's beside their PyTorch twin, then the extremes
    parts = [f"{name} {fmt_measure(label, values[name])} vs {c.reference} "
             f"{fmt_measure(label, values[c.reference])}"
             for name, c in state.compares.items() if name in values and c.reference in values]
    ranked = sorted(values, key=values.__getitem__, reverse="acc" in label)
    parts += [f"best {ranked[0]} {fmt_measure(label, values[ranked[0]])}",
              f"worst {ranked[-1]} {fmt_measure(label, values[ranked[-1]])}"]
    t.append(" · ".join(parts))
    return t


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
    mine: tuple[str, ...] = ()  #: the learner's exercises, in the experiment's order
    device: str = "auto"


class TrainingScreen(Screen[None]):
    """Experiments on the left; the live charts of its runs on the right."""

    mine_open: reactive[bool] = reactive(False, init=False)
    """The picker of the learner's own exercises is shown (and focused)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start", id="training.start", tooltip="Start the highlighted "
                "experiment (several runs of one experiment are drawn together)"),
        Binding("x", "stop", "Stop", id="training.stop", tooltip="Stop the run after its step"),
        Binding("m", "mine", "Your code", id="training.mine",
                tooltip="Pick your own implementations to train with, beside PyTorch's"),
        Binding("minus", "lr(0.5)", "lr ÷2", id="training.lr_down", key_display="-"),
        Binding("plus,equals_sign", "lr(2)", "lr ×2", id="training.lr_up", key_display="+"),
        Binding("d", "device", "Device", id="training.device", show=False,
                tooltip="Device for the next run: auto, cpu and the GPUs this machine has"),
        Binding("c", "clear", "Clear", id="training.clear",
                tooltip="Remove the finished runs from the charts"),
        Binding("l", "lesson", "Lesson", id="training.lesson",
                tooltip="Read the lesson section that explains the highlighted health symptom"),
        Binding("escape", "back", "Back", id="training.back"),
    ]

    DEFAULT_CSS = """
    TrainingScreen #train-body { height: 1fr; }
    TrainingScreen #train-side {
        width: 36;
        border-right: vkey $panel;
    }
    TrainingScreen #train-list { height: auto; }
    TrainingScreen #train-mine { height: auto; display: none; }
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
            with VerticalScroll(id="train-side"):
                # one line each, so all five show at 80x24; the title is in the info below
                yield OptionList(*[Option(Text(e.name, style="bold"), id=e.name)
                                   for e in registry.EXPERIMENTS.values()], id="train-list")
                mine: SelectionList[str] = SelectionList(id="train-mine")
                mine.border_title = "your code (space)"
                mine.border_subtitle = "m: done"
                yield mine
                yield Static(id="train-info")
                yield Static(id="train-runs")
            with VerticalScroll(id="train-main"):
                yield Static(id="train-status")
                yield Static(id="train-charts")
                yield HealthPanel(id="train-health")
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

    @on(OptionList.OptionHighlighted, "#train-list")
    def _experiment_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.experiment:
            self.experiment = event.option.id
            self.choices.mine = ()
            self.choices.lr_scale = 1.0
            self._close_mine()
            self._show_info()
            self._dirty = True

    @on(OptionList.OptionSelected, "#train-list")
    def _experiment_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    @property
    def info(self) -> registry.ExperimentInfo:
        return registry.get(self.experiment)

    def action_lr(self, factor: float) -> None:
        self.choices.lr_scale = min(1000.0, max(1e-3, self.choices.lr_scale * float(factor)))
        self._show_info()

    def action_device(self) -> None:
        devices = available_devices()
        current = devices.index(self.choices.device) if self.choices.device in devices else -1
        self.choices.device = devices[(current + 1) % len(devices)]
        if len(devices) == 2 and self.choices.device == "cpu":
            self.notify("No GPU found here: auto trains on the CPU too.", timeout=4)
        self._show_info()

    def fitting(self) -> list[Exercise]:
        """The course's exercises whose `[train]` slot this experiment has, in course order."""
        session = getattr(self.app, "session", None)
        return swap.fitting(self.info, session.course) if session is not None else []

    def action_mine(self) -> None:
        """Open the list of the learner's exercises that fit this experiment (space ticks one;
        m or esc closes it), or close it."""
        if self.mine_open:
            self.mine_open = False
        elif not self.fitting():
            self.notify(f"{self.experiment} takes none of your code.", timeout=4)
        else:
            self.mine_open = True

    def watch_mine_open(self, is_open: bool) -> None:
        picker = self.query_one("#train-mine", SelectionList)
        if is_open:
            picker.clear_options()
            picker.add_option((Text("all", style="bold"), swap.ALL,
                               swap.ALL in self.choices.mine))
            picker.add_options([(ex.id, ex.id, ex.id in self.choices.mine)
                                for ex in self.fitting()])
            picker.highlighted = 0
        picker.display = is_open
        (picker if is_open else self.query_one("#train-list", OptionList)).focus()

    def _close_mine(self) -> None:
        self.mine_open = False

    @on(SelectionList.SelectionToggled, "#train-mine")
    def _mine_toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        """`all` stands alone: ticking it unticks the rest, ticking another unticks it. Ticking
        an exercise unticks those that fill the same slot (another optimizer), except where the
        experiment takes several (optimizer_race)."""
        picker = event.selection_list
        ticked = event.selection.value
        if ticked not in picker.selected:
            return
        if ticked == swap.ALL:
            for other in list(picker.selected):
                if other != swap.ALL:
                    picker.deselect(other)
            return
        picker.deselect(swap.ALL)
        fitting = {ex.id: ex for ex in self.fitting()}
        mine = fitting.get(ticked)
        chosen = tuple(fitting[x] for x in picker.selected if x in fitting)
        if mine is None or mine.train is None or fits_together(self.experiment, chosen):
            return
        for rival in chosen:
            if rival.id != ticked and rival.train is not None and rival.train.key == mine.train.key:
                picker.deselect(rival.id)

    @on(SelectionList.SelectedChanged, "#train-mine")
    def _mine_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        chosen = set(event.selection_list.selected)
        if swap.ALL in chosen:
            self.choices.mine = (swap.ALL,)
        else:
            self.choices.mine = tuple(ex.id for ex in self.fitting() if ex.id in chosen)
        self._show_info()

    def action_back(self) -> None:
        if self.mine_open:
            self.mine_open = False
        else:
            self.app.pop_screen()

    def action_lesson(self) -> None:
        """Open the lesson section of the highlighted symptom in the health panel."""
        if not self.query_one(HealthPanel).open_highlighted():
            self.notify("No training-health symptom to read about.", timeout=4)

    @on(HealthPanel.LessonRequested)
    def _read_lesson(self, message: HealthPanel.LessonRequested) -> None:
        """Leaving this screen ends its runs: while one goes, say so instead of leaving."""
        if any(not r.done for r in self.runs):
            self.notify(f"A run is going: stop it (x) or let it finish, then read "
                        f"“{message.section}”.", timeout=6)
            return
        session = getattr(self.app, "session", None)
        if session is not None and not any(lesson.id == message.lesson
                                           for lesson in session.course.lessons):
            self.notify(f"This course has no lesson {message.lesson!r}.", severity="warning")
            return
        self.post_message(LessonSelected(message.lesson, section=message.section))

    def _lesson_numbers(self) -> dict[str, int]:
        session = getattr(self.app, "session", None)
        return {lesson.id: lesson.number for lesson in session.course.lessons} if session else {}

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
        self._close_mine()
        mine = self.choices.mine
        if mine:
            self._check_then_start(self.experiment, mine)
        else:
            self._start(self.experiment, ())

    # -- runs -------------------------------------------------------------------------------

    def _start(self, experiment: str, mine: tuple[tuple[str, str, Path], ...],
               slots: tuple[tuple[str, Any], ...] = (), notes: tuple[str, ...] = ()) -> None:
        lr = None
        if self.choices.lr_scale != 1.0:
            base = self.info.lr if self.info.lr is not None else 0.01
            lr = base * self.choices.lr_scale
        request = RunRequest(experiment=experiment, device=self.choices.device,
                             epochs=self.epochs, lr=lr, settings=self.settings, mine=mine,
                             slots=slots, notes=notes)
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
    def _check_then_start(self, experiment: str, exercise_ids: tuple[str, ...]) -> None:
        """Grade each of the learner's files first (in the grader's sandbox), as
        `dltutor train --use-mine a,b` does: named ones train only if all pass; `all` trains
        with those that pass and names the others in the run's notes."""
        session = getattr(self.app, "session", None)
        if session is None:
            self.app.call_from_thread(self.notify, "Your code needs the tutor's session.",
                                      severity="error")
            return
        info = registry.get(experiment)
        workspace = session.workspace
        everything = exercise_ids == (swap.ALL,)
        try:
            if everything:
                exercises = list(swap.everything(
                    info, session.course,
                    lambda ex: workspace.path(ex).is_file() and not workspace.is_untouched(ex),
                ).check)
            else:
                exercises = swap.named(info, session.course, list(exercise_ids))
        except swap.SwapError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        if not exercises:
            self.app.call_from_thread(
                self.notify, f"None of the exercises that fit {experiment} is started yet.",
                severity="warning", timeout=6)
            return
        for exercise in exercises:
            if not workspace.path(exercise).is_file():
                self.app.call_from_thread(
                    self.notify, f"You have no {exercise.filename} yet: open the exercise first.",
                    severity="warning", timeout=6)
                return

        def before(exercise: Exercise) -> None:
            self.app.call_from_thread(self._show_extra, Text(f"Checking your {exercise.id} …",
                                                             style="italic"))

        try:
            vetted = swap.vet([(ex, workspace.path(ex)) for ex in exercises],
                              session.grader.check, stop_at_first=not everything, before=before)
        except Exception as exc:  # noqa: BLE001 - GraderError and friends: say so, stay up
            self.app.call_from_thread(self.notify, f"The grader failed: {exc}",
                                      severity="error", markup=False)
            return
        palette = theme_palette(self.app.theme_variables)
        if vetted.refused and (not everything or not vetted.passed):
            if everything:
                refusal = Group(Text("Not training: none of your exercises that fit this run "
                                     "passes its check yet.", style="bold " + palette["error"]),
                                *[Text(swap.refusal_line(ex, res))
                                  for ex, _, res in vetted.refused])
            else:
                from tutor.grading.render import render_result

                exercise, _, result = vetted.refused[0]
                refusal = Group(Text(f"Not training with your {exercise.id}: it does not pass "
                                     "its check yet.", style="bold " + palette["error"]),
                                render_result(result, palette=palette))
            self.app.call_from_thread(self._show_extra, refusal)
            return
        notes = tuple(swap.refusal_line(ex, res) for ex, _, res in vetted.refused)
        self.app.call_from_thread(self._start, experiment, vetted.request(), vetted.slots(),
                                  notes)

    # -- drawing ----------------------------------------------------------------------------

    def _show_info(self) -> None:
        e, c = self.info, self.choices
        t = Text()
        t.append(e.title + "\n", style="bold")
        t.append(e.shows + "\n\n")
        lr = "its own per optimizer" if e.lr is None else f"{e.lr:g}"
        t.append(f"{e.epochs} epochs · batch {e.batch_size} · lr {lr}\n", style="dim")
        nxt = self._lr_text()
        t.append("next run: ", style="bold")
        t.append(f"lr {nxt} · device {c.device}")
        if c.mine:
            t.append("\nyour code: " + ", ".join(c.mine),
                     style="bold " + theme_palette(self.app.theme_variables)["warning"])
        else:
            t.append("\nyour code: none", style="dim")
            fitting = self.fitting()
            if fitting:
                t.append(f" (m: pick from {len(fitting)}, or all)", style="dim")
        self.query_one("#train-info", Static).update(t)

    def _lr_text(self) -> str:
        if self.choices.lr_scale == 1.0:
            return "default"
        base = self.info.lr if self.info.lr is not None else 0.01
        return f"{base * self.choices.lr_scale:.3g}"

    def _show_runs(self) -> None:
        t = Text()
        palette = theme_palette(self.app.theme_variables)
        tones = {"finished": "success", "stopped": "warning", "error": "error"}
        for run in self.runs:
            st = run.state
            status = st.end.status if st.end else ("running" if st.start else "starting")
            style = palette[tones[status]] if status in tones else ""
            t.append(f"{run.label} {run.client.request.experiment}", style="bold")
            t.append(f" {status}", style=style)
            details = []
            if run.lr is not None:
                details.append(f"lr {run.lr:.3g}")
            if run.mine:
                details.append("yours: " + ", ".join(run.mine))
            if details:
                t.append("\n   " + " · ".join(details), style="dim")
            results = run_results(st) if st.end is not None else None
            if results is not None:
                results.stylize("dim")
                t.append("\n   ")
                t.append_text(results)
            t.append("\n")
        self.query_one("#train-runs", Static).update(t)

    def _show_extra(self, renderable: RenderableType) -> None:
        self.query_one("#train-extra", Static).update(renderable)

    def on_resize(self, event: events.Resize) -> None:
        self._dirty = True
        self.call_after_refresh(self._redraw)  # once the panes have their new sizes

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
            self.query_one(HealthPanel).show(None, {})
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
        main = self.query_one("#train-main")
        width = max(30, main.size.width - 14)
        extra: list[RenderableType] = []
        own = series_styles(list(latest.series))
        health = self.query_one(HealthPanel)
        health.show(latest, own, self._lesson_numbers())
        histograms = histogram_panel(latest, max(30, main.size.width - 2), own)
        strips = grad_strips(latest, own)
        for item in (histograms, strips, comparisons(latest)):
            if item is not None:
                extra.append(item)
        extra += [Text(n.text, style="dim") for n in latest.notes]
        if latest.end is not None:
            extra += [Text(""), summary_table(latest), end_line(latest.end, latest)]
            for view in picture_views(latest, max(30, main.size.width - 2)):
                extra += [Text(""), view]  # the trained model's pictures, below (it scrolls)
        makers = [lambda rows: loss_chart(states, width, rows, styles)]
        if latest.classification:
            makers.append(lambda rows: acc_chart(states, width, rows, styles))
        # The charts take the pane's height that the header and what follows them leave (or, when
        # that is too little, what the header leaves: the rest scrolls), so they re-lay out on
        # every resize. A chart is a Text of whole lines, so its frame is counted exactly.
        low, high = CHART_ROWS
        frames = sum(make(low).plain.count("\n") + 1 - low for make in makers)
        content_w = max(1, main.size.width - 2)
        above = _lines_of(header(latest), content_w)
        below = _lines_of(Group(*extra), content_w) if extra else 0
        below += health.height_for(content_w)
        room = main.size.height - above - frames
        rows = (room - below) // len(makers)
        if rows < low:
            rows = room // len(makers)
        rows = min(high, max(low, rows))
        charts.update(Group(*[make(rows) for make in makers]))
        self._show_extra(Group(*extra))
