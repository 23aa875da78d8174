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
        assert parse_event(event.to_json()) == event or isinstance(event, (Start, End))
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
                                         "deep_vs_residual", "optimizer_race"}
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


# -- every experiment, tiny ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TINY))
def test_tiny_experiment_learns_and_its_events_are_well_formed(name):
    end, events = run(name)
    assert end.status == "finished", end.message
    assert_well_formed(events)
    start = events[0]
    assert start.experiment == name and start.device == "cpu" and start.pid > 0
    learners = {"deep_vs_residual": ["residual"], "optimizer_race": ["Adam", "RMSprop"]}
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
