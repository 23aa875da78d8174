"""Training runs, headless and in-process: events, registry, datasets, charts, the display, tiny
versions of every experiment (loss goes down, events well-formed), and the learner's code swapped
in (a correct one matches PyTorch step for step, a wrong one diverges, a broken one is reported).

The CLI and the run process (--json, --use-mine with the grader, Ctrl+C) are in
test_training_cli.py."""

from __future__ import annotations

import io
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.training import registry
from tutor.training.chart import Line, column_strip, line_chart, smooth
from tutor.training.events import (
    Compare,
    End,
    Epoch,
    EventError,
    GradNorms,
    Note,
    Start,
    Step,
    event_from_dict,
    parse_event,
)
from tutor.training.state import RunState

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
MISTAKES = REPO / "exercises"

# Small enough for a few seconds each on a busy 2-core machine, big enough to learn something.
TINY = {
    "spiral_mlp": ["--epochs", "8", "--set", "points_per_class=80"],
    "digits_lenet": ["--epochs", "2", "--set", "train_size=640", "--set", "val_size=200"],
    "sequence_lstm": ["--epochs", "3", "--set", "train_size=384", "--set", "val_size=128",
                      "--set", "length=12"],
    "deep_vs_residual": ["--epochs", "10", "--set", "points_per_class=64"],
    "optimizer_race": ["--epochs", "8", "--set", "points_per_class=64"],
    "lr_sweep": ["--epochs", "20", "--batch-size", "16", "--set", "points_per_class=40"],
    "init_compare": ["--epochs", "6", "--batch-size", "16", "--set", "points_per_class=40",
                     "--set", "depth=4", "--set", "width=32"],
}


def run(name: str, *extra: str) -> tuple[End, list]:
    from tutor.training.run import run_inline

    events: list = []
    end = run_inline([name, *TINY[name], *extra], events.append)
    return end, events


def mine(exercise: str, path: Path | None = None) -> list[str]:
    return ["--mine", f"{exercise}={exercise}@{path or SOLUTIONS / f'{exercise}.py'}"]


def assert_well_formed(events: list) -> None:
    """start first, end last, each event survives JSON, steps never go back, every series known."""
    assert isinstance(events[0], Start) and isinstance(events[-1], End)
    assert sum(isinstance(e, (Start, End)) for e in events) == 2
    start = events[0]
    last_step: dict[str, int] = {}
    for event in events:
        line = event.to_json()  # compared as JSON: a NaN loss is null there, and NaN != NaN
        assert parse_event(line).to_json() == line
        if isinstance(event, (Step, Epoch, GradNorms)):
            assert event.series in start.series
        if isinstance(event, Step):
            assert event.step >= last_step.get(event.series, 0)
            last_step[event.series] = event.step
            assert event.samples_per_s >= 0 and 1 <= event.epoch <= start.epochs
            assert event.step <= start.total_steps
    assert set(last_step) == set(start.series)


def losses(events: list, series: str) -> list[float]:
    return [e.loss for e in events if isinstance(e, Step) and e.series == series]


def went_down(values: list[float]) -> bool:
    k = max(1, len(values) // 4)
    return sum(values[-k:]) / k < 0.8 * sum(values[:k]) / k


# -- events -------------------------------------------------------------------------------------


def test_every_event_round_trips_through_strict_json():
    samples = [
        Start(experiment="x", title="X", device="cpu", device_name="CPU", device_reason="auto",
              series=("a", "b"), epochs=2, steps_per_epoch=3, total_steps=6, batch_size=4,
              lr=0.1, seed=0, task="classification", mine=("adam_step",), config={"k": 1}),
        Step(series="a", epoch=1, step=1, loss=0.5, acc=0.25, samples_per_s=10.0),
        Epoch(series="a", epoch=1, step=3, train_loss=0.4, train_acc=0.5, val_loss=0.6),
        GradNorms(series="a", step=3, layers=("1", "2"), norms=(1e-9, 0.5)),
        Compare(reference="a", series="b", step=3, abs_diff=0.0, max_abs_diff=1e-16,
                tolerance=1e-6),
        Note(text="hello"),
        End(status="finished", elapsed_s=1.0, steps=6, summary={"a": {"loss": 0.1}},
            comparisons=({"reference": "a", "series": "b", "diverged_at": None},)),
    ]
    for event in samples:
        assert parse_event(event.to_json()) == event


def test_non_finite_numbers_become_null_and_unknown_keys_are_ignored():
    line = Step(series="a", epoch=1, step=1, loss=float("nan"), eta_s=float("inf")).to_json()
    assert "NaN" not in line and "Infinity" not in line
    assert parse_event(line).loss is None
    newer = {"type": "note", "text": "hi", "from_the_future": 1}
    assert event_from_dict(newer) == Note(text="hi")


@pytest.mark.parametrize("line", ["not json", "[1, 2]", '{"type": "nope"}',
                                  '{"type": "step", "series": "a"}'])
def test_malformed_lines_are_rejected(line):
    with pytest.raises(EventError):
        parse_event(line)


# -- registry, datasets -------------------------------------------------------------------------


def test_registry_names_and_settings():
    assert set(registry.EXPERIMENTS) == {"spiral_mlp", "digits_lenet", "sequence_lstm",
                                         "deep_vs_residual", "optimizer_race", "lr_sweep",
                                         "init_compare"}
    with pytest.raises(registry.UnknownExperiment, match="spiral_mlp"):
        registry.get("spiral")
    info = registry.get("spiral_mlp")
    assert registry.parse_overrides(info, ["hidden=16", "noise=0.5"]) == {"hidden": 16,
                                                                         "noise": 0.5}
    with pytest.raises(ValueError, match="hidden"):
        registry.parse_overrides(info, ["hiden=16"])
    with pytest.raises(ValueError, match="not a int"):
        registry.parse_overrides(info, ["hidden=wide"])


def test_digits_are_deterministic_balanced_and_not_trivial():
    import numpy as np

    from tutor.training.digits import make_digits

    x1, y1 = make_digits(200, seed=3)
    x2, y2 = make_digits(200, seed=3)
    x3, _ = make_digits(200, seed=4)
    assert x1.shape == (200, 1, 28, 28) and x1.dtype == np.float32 and y1.dtype == np.int64
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2) and not np.array_equal(x1, x3)
    assert np.bincount(y1, minlength=10).tolist() == [20] * 10
    # two drawings of the same digit differ (jitter, affine, pen, noise)
    a, b = np.flatnonzero(y1 == 7)[:2]
    assert np.abs(x1[a] - x1[b]).mean() > 0.05


def test_spiral_and_sine_shapes():
    from tutor.training.datasets import make_sine_sequences, make_spiral

    x, y = make_spiral(50, 3, seed=0)
    assert x.shape == (150, 2) and sorted(set(y.tolist())) == [0, 1, 2]
    xs, ys = make_sine_sequences(10, 20, seed=0)
    assert xs.shape == (10, 20, 1) and ys.shape == (10, 1)


# -- charts and the display ---------------------------------------------------------------------


def test_line_chart_draws_every_series_with_axes_and_gaps():
    lines = [Line("a", [1, 2, 3, 4], [1.0, 0.5, None, 0.1], "cyan"),
             Line("b", [1, 2, 3, 4], [0.9, 0.8, 0.7, 0.6], "magenta")]
    text = line_chart(lines, width=30, height=6, log_y=True, title="loss")
    rows = text.plain.splitlines()
    assert rows[0] == "loss"
    assert len(rows) == 1 + 6 + 2 + 1  # title, plot rows, axis and x labels, legend
    assert any(0x2800 <= ord(ch) <= 0x28FF for ch in text.plain)
    assert "━━ a" in rows[-1] and "━━ b" in rows[-1]
    assert {span.style for span in text.spans} >= {"cyan", "magenta"}
    empty = line_chart([Line("a", [], [])], width=20, height=3)
    assert "waiting for data" in empty.plain


def test_column_strip_and_smoothing():
    rows = column_strip([1e-9, 1e-5, 1.0, None], lo=1e-9, hi=1.0, height=2)
    assert len(rows) == 2 and len(rows[0].plain) == 8
    assert rows[0].plain[4] == "█" and rows[1].plain[0] != "█"
    assert smooth([1.0, None, 1.0]) == [1.0, None, 1.0]


def test_display_renders_a_finished_run():
    from rich.console import Console

    from tutor.training.display import RunView

    _, events = run("spiral_mlp", "--steps", "12")
    state = RunState()
    for event in events:
        state.apply(event)
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    console.print(RunView(state, show_summary=True))
    out = console.export_text()
    assert "spiral_mlp" in out and "samples/s" in out and "device cpu" in out
    assert "training loss" in out and "held-out acc" in out and "Finished 12 steps" in out


# -- the live display fits the terminal --------------------------------------------------------


def synthetic(**kwargs) -> RunState:  # type: ignore[no-untyped-def]
    state = RunState(label="x")
    for event in demo_events(**kwargs):
        state.apply(event)
    return state


def demo_events(series: tuple[str, ...] = ("pytorch",), *, task: str = "classification",
                steps: int = 120, notes: tuple[str, ...] = (), mine: tuple[str, ...] = (),
                grads: bool = False, end: str | None = "finished", forward_only: str = "",
                epochs_done: int = 3) -> list:
    """A run's events made by hand (no torch): `forward_only` names a series with no full
    passes of its own, as `mine (forward)` in sequence_lstm."""
    cls = task == "classification"
    layers = tuple(f"layer{i}" for i in range(22)) if grads else ()
    events: list = []
    events.append(Start(experiment="demo", title="A demo run", device="cpu",
                        device_name="CPU, 1 thread", device_reason="auto: no CUDA or MPS GPU found",
                        series=series, epochs=3, steps_per_epoch=steps // 3, total_steps=steps,
                        batch_size=32, lr=0.01, seed=0, task=task, mine=mine, grad_layers=layers))
    for text in notes:
        events.append(Note(text=text))
    for k in range(1, steps + 1):
        for i, name in enumerate(series):
            events.append(Step(series=name, epoch=1 + (k - 1) * 3 // steps, step=k,
                               loss=2.3 * math.exp(-k / 40) * (1 + i / 10) + 0.01,
                               acc=min(1.0, k / steps) if cls else None, samples_per_s=1000.0,
                               elapsed_s=k / 10, eta_s=(steps - k) / 10))
            if grads:
                events.append(GradNorms(series=name, step=k, layers=layers,
                                        norms=tuple(10 ** (-j / 3) for j in range(22))))
    if forward_only:
        events.append(Compare(reference=series[0], series=forward_only, step=steps, abs_diff=0.0,
                              max_abs_diff=1e-12, tolerance=1e-6))
    if end is None:
        return events
    summary = {}
    for name in series:
        figures = {"loss": 0.04 if name != forward_only else 0.05, "steps": steps,
                   "train_acc_running": 0.98 if cls else None}
        if name != forward_only and epochs_done:
            figures.update(train_loss=0.03, train_acc=0.99 if cls else None, val_loss=0.06,
                           val_acc=0.97 if cls else None)
            events.append(Epoch(series=name, epoch=epochs_done, step=steps, train_loss=0.03,
                                train_acc=figures["train_acc"], val_loss=0.06,
                                val_acc=figures["val_acc"]))
        summary[name] = figures
    events.append(End(status=end, elapsed_s=12.5, steps=steps, summary=summary))
    return events


RACE = ("SGD", "momentum", "Nesterov", "Adagrad", "RMSprop", "Adam")
LSTM_NOTE = ("Your lstm_cell runs forward only, on PyTorch's weights and batches at every step; "
             "PyTorch's LSTM does the learning.")
SHAPES = {
    "digits": {},
    "race": {"series": RACE},
    "race, yours": {"series": (*RACE, "Adam (mine)"), "mine": ("adam_step",)},
    "deep_vs_residual": {"series": ("plain", "residual"), "grads": True,
                         "notes": ("Same depth, same initial weights: only the skips differ.",)},
    "lstm, yours": {"series": ("pytorch", "mine (forward)"), "task": "regression",
                    "mine": ("lstm_cell",), "forward_only": "mine (forward)",
                    "notes": (LSTM_NOTE, "To beat: repeating the last noisy value scores 0.0123.")},
}


def render(view, width: int, height: int) -> list[str]:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, height=height, record=True,
                      color_system=None)
    console.print(view)
    return console.export_text().splitlines()


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (80, 16), (140, 30)])
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("final", [False, True], ids=["live", "final"])
def test_every_frame_fits_the_terminal_and_keeps_the_epoch_line(size, shape, final):
    from tutor.training.display import RunView

    width, height = size
    state = synthetic(**SHAPES[shape], end="finished" if final else None)
    lines = render(RunView(state, show_summary=final), width, height)
    assert len(lines) <= height, "\n".join(lines)
    assert any(line.startswith("epoch 3/3  ·  step 120/120") for line in lines)
    assert any("━" in line and line.rstrip().endswith("100%") for line in lines)
    if final:
        assert lines[-1].startswith("Finished 120 steps")
    else:
        assert any("ETA" in line for line in lines)


def test_charts_shrink_first_then_panels_drop_and_are_named():
    from tutor.training.display import MAX_ROWS, RunView

    state = synthetic(**SHAPES["deep_vs_residual"])
    roomy = RunView(state)
    text = "\n".join(render(roomy, 100, 60))
    assert roomy.dropped == [] and "not shown" not in text
    assert text.count("┤") + text.count("│") >= 2 * MAX_ROWS  # two charts at full height
    snug = RunView(state)
    text = "\n".join(render(snug, 80, 30))
    assert snug.dropped == [] and "gradient norm per layer" in text  # smaller charts, all there
    tight = RunView(state)
    text = "\n".join(render(tight, 80, 24))
    # the notes go first, then the accuracy chart: the gradient strips are this run's point
    assert tight.dropped == ["notes", "accuracy chart"]
    assert "gradient norm per layer" in text and "training accuracy" not in text
    assert "not shown at this height: notes, accuracy chart" in text
    short = RunView(state)
    lines = render(short, 80, 11)
    assert len(lines) <= 11 and "loss chart" not in short.dropped
    assert lines[0].startswith("epoch 3/3")  # the name and device made way for the loss chart
    assert lines[2] == "training loss (log scale)"
    tiny = RunView(state)
    lines = render(tiny, 80, 6)
    assert len(lines) <= 6 and tiny.dropped[-1] == "loss chart"
    assert lines[0].startswith("epoch 3/3")


def test_into_a_file_everything_is_drawn_at_full_size():
    from tutor.training.display import MAX_ROWS, RunView

    state = synthetic(**SHAPES["deep_vs_residual"], end="finished")
    view = RunView(state, show_summary=True, fit=False)
    text = "\n".join(render(view, 80, 24))
    assert view.dropped == [] and "Same depth" in text and "training accuracy" in text
    assert text.count("┤") + text.count("│") >= 2 * MAX_ROWS


class FakeRun:
    """What `display.watch` needs of a TrainingRun: its request, its events, stop and kill."""

    def __init__(self, events: list) -> None:
        from tutor.training.client import RunRequest

        self.request = RunRequest(experiment="demo")
        self._events = events
        self.ended = None

    def events(self):  # type: ignore[no-untyped-def]
        for event in self._events:
            if isinstance(event, End):
                self.ended = event
            yield event

    def stop(self) -> None:
        pass

    def kill(self) -> None:
        pass


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
def test_live_leaves_one_final_frame(terminal):
    from rich.console import Console

    from tutor.training.display import watch

    stream = io.StringIO()
    console = Console(file=stream, width=80, height=24, force_terminal=terminal,
                      color_system=None)
    state = watch(FakeRun(demo_events()), console)
    out = stream.getvalue()
    assert state.end is not None and state.end.status == "finished"
    assert out.count("Finished 120 steps") == 1 and out.count("held-out acc") == 1
    if not terminal:  # only the final frame, whole: one copy of everything
        assert out.count("training loss") == 1 and out.endswith("\n")


def test_the_summary_compares_like_with_like():
    from tutor.training.display import shared_measure, summary_table

    # a forward-only series has no full passes: every series is shown on the last steps' loss
    lstm = synthetic(**SHAPES["lstm, yours"], end="finished")
    text = "\n".join(render(summary_table(lstm), 80, 24))
    header, pytorch, mine = text.splitlines()[:3]
    assert header.split() == ["series", "loss,", "last", "steps", "train", "loss",
                              "held-out", "loss"]
    assert pytorch.split()[1:] == ["0.0400", "0.0300", "0.0600"]  # its last steps, then passes
    assert mine.split()[2:] == ["0.0500", "–", "–"]
    assert "last steps: mean over the last logged batches" in text
    assert shared_measure(lstm) == ("loss, last steps", {"pytorch": 0.04, "mine (forward)": 0.05})
    # every series with full passes: those alone, each column one measure for all
    race = synthetic(series=RACE, end="finished")
    text = "\n".join(render(summary_table(race), 100, 30))
    assert "last steps" not in text and text.splitlines()[0].split()[:3] == ["series", "train",
                                                                            "loss"]
    assert shared_measure(race) == ("held-out acc", dict.fromkeys(RACE, 0.97))
    # stopped in its first epoch: nobody has a full pass, so the last steps for all
    early = synthetic(end="stopped", epochs_done=0)
    assert shared_measure(early) == ("acc, last steps", {"pytorch": 0.98})
    assert "train loss" not in "\n".join(render(summary_table(early), 80, 24))


# -- every experiment, tiny ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TINY))
def test_tiny_experiment_learns_and_its_events_are_well_formed(name):
    end, events = run(name)
    assert end.status == "finished", end.message
    assert_well_formed(events)
    start = events[0]
    assert start.experiment == name and start.device == "cpu" and start.pid > 0
    learners = {"deep_vs_residual": ["residual"], "optimizer_race": ["Adam", "RMSprop"],
                "lr_sweep": ["lr 0.3"], "init_compare": ["Xavier", "Kaiming"]}
    for series in learners.get(name, start.series):
        assert went_down(losses(events, series)), (series, losses(events, series))
    epochs = [e for e in events if isinstance(e, Epoch)]
    assert {e.series for e in epochs} == set(start.series)
    assert end.summary[start.series[0]]["train_loss"] is not None


def test_plain_deep_net_gradient_vanishes_and_residual_keeps_it():
    _, events = run("deep_vs_residual", "--steps", "4")
    norms = {e.series: e.norms for e in events if isinstance(e, GradNorms)}
    plain, residual = norms["plain"], norms["residual"]
    assert len(plain) == len(events[0].grad_layers) == 22  # in, 20 hidden, out
    first, last = 1, -2  # the first and last of the 20 hidden layers
    assert plain[first] < 1e-4 * plain[last]  # orders of magnitude weaker near the input
    assert residual[first] > 1e-2 * residual[last]  # same order of magnitude, give or take


def test_steps_cap_and_stop_request():
    end, events = run("spiral_mlp", "--steps", "5")
    assert end.steps == 5 and events[0].total_steps == 5
    from tutor.training.run import run_inline

    seen: list = []
    end = run_inline(["spiral_mlp", *TINY["spiral_mlp"]], seen.append,
                     should_stop=lambda: sum(isinstance(e, Step) for e in seen) >= 3)
    assert end.status == "stopped" and 0 < end.steps < events[0].steps_per_epoch * 8


# -- the learner's code in the run --------------------------------------------------------------


@pytest.mark.parametrize("name,exercise", [
    ("spiral_mlp", "adam_step"), ("spiral_mlp", "relu_backward"),
    ("deep_vs_residual", "relu_backward"), ("sequence_lstm", "lstm_cell"),
    ("optimizer_race", "momentum_step"), ("optimizer_race", "nesterov_step"),
    ("optimizer_race", "adagrad_step"), ("optimizer_race", "rmsprop_step"),
])
def test_correct_learner_code_matches_pytorch_step_for_step(name, exercise):
    if not (SOLUTIONS / f"{exercise}.py").exists():
        pytest.skip(f"{exercise} has no solution yet")
    end, events = run(name, "--steps", "15", *mine(exercise))
    assert end.status == "finished", end.message
    assert_well_formed(events)
    assert events[0].mine == (exercise,) and events[0].config["dtype"] == "float64"
    assert end.comparisons
    for c in end.comparisons:
        assert c["diverged_at"] is None and c["max_abs_diff"] < 1e-9, c
        assert c["steps"] == 15


def test_wrong_learner_code_is_shown_diverging():
    wrong = MISTAKES / "adam_step" / "mistakes" / "no_bias_correction.py"
    end, events = run("spiral_mlp", "--steps", "10", *mine("adam_step", wrong))
    (c,) = end.comparisons
    assert c["diverged_at"] == 2 and c["max_abs_diff"] > 1e-3  # step 1's update was wrong
    assert any(isinstance(e, Compare) and e.diverged_at == 2 for e in events)


def test_learner_code_that_raises_mid_run_is_reported(tmp_path):
    from tutor.training.mine import MineError

    bad = tmp_path / "adam_step.py"
    bad.write_text("def adam_step(param, grad, m, v, t, **kw):\n    return param\n")
    with pytest.raises(MineError, match="should return a tuple of 3"):
        run("spiral_mlp", "--steps", "3", *mine("adam_step", bad))


# -- import hygiene -----------------------------------------------------------------------------


def _loaded(module: str) -> set[str]:
    code = (f"import sys, importlib; importlib.import_module({module!r}); "
            "print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", ["tutor.training.client", "tutor.training.display",
                                    "tutor.training.state", "tutor.training.chart",
                                    "tutor.training.registry", "tutor.commands.train_cmd"])
def test_viewer_side_loads_neither_torch_nor_textual(module):
    loaded = _loaded(module)
    assert "torch" not in loaded and "textual" not in loaded


def test_run_side_never_loads_textual():
    code = ("import sys; from tutor.training.run import run_inline; "
            "run_inline(['spiral_mlp', '--steps', '2'], lambda e: None); "
            "import tutor.training.experiments.digits_lenet, tutor.training.experiments.sequence_lstm; "
            "print('textual' in sys.modules, 'tutor.app' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO)
    assert out.stdout.split() == ["False", "False"]


def test_nan_free_summary_values_are_json_safe():
    end = End(status="finished", elapsed_s=1.0, summary={"a": {"loss": math.nan}})
    assert parse_event(end.to_json()).summary == {"a": {"loss": None}}
