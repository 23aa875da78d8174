"""The capstone: the learner's own pieces train LeNet-5 (`dltutor train digits_lenet --use-mine
all`), and which exercise goes where is data.

- every swappable exercise declares its `[train]` slot in exercise.toml, the experiments name
  slots, and no code under tutor/training, tutor/commands or the training screen routes by an
  exercise id; a pack's exercise with a slot fits like a built-in one;
- `all` with the solutions swaps in every piece (each wrapped layer is in the learner's model),
  and the wrapped LeNet's gradients equal PyTorch's LeNet's on a batch;
- a failing file is left out of `all` with its verdict (the run goes on, the exit status is 1);
- a subtly wrong backward is named as the piece that departs, with the step and epoch.

The ≥ 90 % figure of the full run is measured by benchmarks/capstone.py, not here (minutes).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tutor.course import load_course
from tutor.course.loader import ContentError, load_exercise
from tutor.course.train_slot import parse_train
from tutor.training import registry, swap

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
#: what `--use-mine all` swaps into digits_lenet when every piece is solved
LENET_PIECES = ("relu_backward", "softmax_ce_backward", "linear_backward", "adam_step",
                "conv2d_forward", "conv2d_backward", "maxpool_forward", "maxpool_backward")
TINY_LENET = {"train_size": 96, "val_size": 32, "noise": 0.12}


# -- slots are data -----------------------------------------------------------------------------


def test_every_slot_comes_from_exercise_toml_and_round_trips(course):
    import tomllib

    slotted = {ex.id: ex for ex in course.exercises.values() if ex.train is not None}
    assert set(LENET_PIECES) | {"lstm_cell", "momentum_step", "sgd_step"} <= set(slotted)
    for ex in slotted.values():
        table = tomllib.loads(ex.toml_path.read_text())["train"]
        assert ex.train.kind == table["slot"]
        assert parse_train(ex.train.to_dict()) == ex.train  # what the run process receives
    kinds = {ex.train.kind for ex in slotted.values()}
    assert kinds <= set(registry.SLOTS)  # every declared slot is one a run can fill
    from tutor.training.mine import ADAPTED_SLOTS

    assert set(registry.SLOTS) == set(ADAPTED_SLOTS)  # and each has an adapter
    for info in registry.EXPERIMENTS.values():
        assert set(info.slots) <= set(registry.SLOTS), info.name
        assert not hasattr(info, "mine")  # no list of exercise ids any more


ROUTING_FILES = [*sorted((REPO / "tutor" / "training").rglob("*.py")),
                 REPO / "tutor" / "commands" / "train_cmd.py",
                 REPO / "tutor" / "app" / "screens" / "training.py"]


def _literals(path: Path) -> set[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings}


@pytest.mark.parametrize("path", ROUTING_FILES, ids=lambda p: p.name)
def test_no_exercise_id_is_hard_coded_for_routing(course, path):
    ids = {ex.id for ex in course.exercises.values() if ex.train is not None}
    assert not (_literals(path) & ids), path


def test_a_bad_train_table_names_the_key(tmp_path):
    folder = tmp_path / "exercises" / "relu_backward"
    shutil.copytree(REPO / "exercises" / "relu_backward", folder)
    toml = folder / "exercise.toml"
    text = toml.read_text()
    for table, message in (('slot = "relu"\nlr = 0.1', "lr is only for slot"),
                           ('slot = "relu"\nparts = "x"', "unknown key 'parts'"),
                           ('slot = "optimizer"\nlabel = "X"\ntorch = "SGD"\nargs = ["param"]',
                            "args must name")):
        toml.write_text(text.split("[train]")[0] + "[train]\n" + table + "\n")
        with pytest.raises(ContentError, match=message):
            load_exercise(folder, tmp_path / "solutions")


def _pack_with_relu_grad(tmp_path: Path) -> Path:
    """A pack whose exercise `my_relu_grad` is relu_backward under another id, slot and all."""
    pack = tmp_path / "pack"
    shutil.copytree(REPO / "exercises" / "relu_backward", pack / "exercises" / "my_relu_grad")
    (pack / "solutions").mkdir()
    shutil.copyfile(SOLUTIONS / "relu_backward.py", pack / "solutions" / "my_relu_grad.py")
    return pack


def test_a_pack_exercise_with_a_train_slot_fits_and_trains(tmp_path):
    from tutor.training.run import run_inline

    pack = _pack_with_relu_grad(tmp_path)
    course = load_course([pack])
    info = registry.get("spiral_mlp")
    assert "my_relu_grad" in [ex.id for ex in swap.fitting(info, course)]
    assert "my_relu_grad" not in [ex.id for ex in swap.fitting(registry.get("sequence_lstm"),
                                                                course)]
    (exercise,) = swap.named(info, course, ["my_relu_grad"])
    slot = json.dumps(exercise.train.to_dict())
    events: list[Any] = []
    end = run_inline(["spiral_mlp", "--steps", "4", "--set", "points_per_class=40",
                      "--mine", f"my_relu_grad=relu_backward@{pack / 'solutions' / 'my_relu_grad.py'}",
                      "--slot", f"my_relu_grad={slot}"], events.append)
    assert end.status == "finished" and events[0].mine == ("my_relu_grad",)
    (c,) = end.comparisons
    assert c["diverged_at"] is None and c["max_abs_diff"] < 1e-9


def test_named_exercises_are_checked_against_the_experiment(course):
    lenet = registry.get("digits_lenet")
    with pytest.raises(swap.SwapError, match="does not fit digits_lenet.*It fits: sequence_lstm"):
        swap.named(lenet, course, ["lstm_cell"])
    with pytest.raises(swap.SwapError, match="one optimizer at a time.*optimizer_race"):
        swap.named(lenet, course, ["adam_step", "momentum_step"])
    with pytest.raises(swap.SwapError, match="all alone"):
        swap.named(lenet, course, ["all", "adam_step"])
    # two halves of one slot go together
    assert len(swap.named(lenet, course, ["conv2d_forward", "conv2d_backward"])) == 2


def test_all_takes_every_started_piece_and_the_experiments_own_optimizer(course):
    lenet = registry.get("digits_lenet")
    started = {*LENET_PIECES, "momentum_step"}
    picked = swap.everything(lenet, course, lambda ex: ex.id in started)
    assert {ex.id for ex in picked.check} == set(LENET_PIECES)
    assert [ex.id for ex, _ in picked.passed_over] == ["momentum_step"]  # Adam's run stays Adam
    assert picked.not_started == ()  # other optimizers it would not use go unmentioned
    race = swap.everything(registry.get("optimizer_race"), course,
                           lambda ex: ex.id in started)
    assert {ex.id for ex in race.check} == {"adam_step", "momentum_step"}


def test_all_goes_on_without_the_failing_ones():
    class Result:
        def __init__(self, passed: bool) -> None:
            self.passed = passed
            self.verdict, self.cases_passed, self.cases_total = "fail", 3, 8
            self.message, self.diagnosis = "case 2: dw differs", None

    course = load_course()
    chosen = [(course.exercise(i), Path(f"{i}.py")) for i in ("relu_backward", "conv2d_backward",
                                                               "adam_step")]
    verdicts = {"conv2d_backward": False}
    check = lambda ex, path: Result(verdicts.get(ex.id, True))
    vetted = swap.vet(chosen, check, stop_at_first=False)
    assert [ex.id for ex, _ in vetted.passed] == ["relu_backward", "adam_step"]
    assert [ex.id for ex, _, _ in vetted.refused] == ["conv2d_backward"]
    line = swap.refusal_line(*vetted.refused[0][::2])
    assert "conv2d_backward: FAILED (3/8 cases)" in line and "dltutor check conv2d_backward" in line
    named = swap.vet(chosen[1:] + chosen[:1], check, stop_at_first=True)
    assert named.passed == [] and len(named.refused) == 1  # named ones stop at the first


# -- the learner's LeNet ------------------------------------------------------------------------


def _context(ids: tuple[str, ...], fns: dict[str, Any] | None = None, **config: Any):  # type: ignore[no-untyped-def]
    import torch

    from tutor.training.experiments import BuildContext
    from tutor.training.mine import load_function

    course = load_course()
    mine = {ex: load_function(SOLUTIONS / f"{ex}.py", course.exercise(ex).function) for ex in ids}
    mine.update(fns or {})
    return BuildContext(device=torch.device("cpu"), dtype=torch.float64, seed=0, lr=None,
                        default_lr=0.002, batch_size=32, epochs=1,
                        config={**TINY_LENET, **config}, mine=mine,
                        slots={ex: course.exercise(ex).train for ex in mine})


def _lenet(ctx):  # type: ignore[no-untyped-def]
    from tutor.training.experiments.digits_lenet import build

    plan, setup = build(ctx)
    return plan, setup, {m.name: m for m in plan.members}


def test_all_with_the_solutions_swaps_in_every_piece():
    from tutor.training.mine import MineOptimizer
    from tutor.training.mine_layers import (
        MineConv2d,
        MineLinear,
        MineMaxPool2d,
        MineReLU,
        MineSoftmaxCE,
    )

    plan, _, members = _lenet(_context(LENET_PIECES))
    assert list(members) == ["pytorch", "mine"] and plan.compare == [("pytorch", "mine")]
    mine, ref = members["mine"], members["pytorch"]
    kinds = [type(m) for m in mine.model.modules()]
    assert kinds.count(MineConv2d) == 2 and kinds.count(MineMaxPool2d) == 2
    assert kinds.count(MineLinear) == 3 and kinds.count(MineReLU) == 4
    for m in mine.model.modules():
        if isinstance(m, (MineConv2d, MineMaxPool2d)):
            assert all(p is not None for p in m.pieces)  # both halves are the learner's
    assert isinstance(mine.optimizer, MineOptimizer) and isinstance(mine.loss_fn, MineSoftmaxCE)
    assert mine.after_step is not None
    assert not any(type(m).__name__.startswith("Mine") for m in ref.model.modules())
    assert ref.loss_fn is None and not isinstance(ref.optimizer, MineOptimizer)


@pytest.mark.parametrize("ids", [
    LENET_PIECES,
    ("conv2d_forward", "maxpool_forward"),  # forward halves only: PyTorch's gradients of them
    ("conv2d_backward", "maxpool_backward", "linear_backward", "softmax_ce_backward"),
], ids=["all", "forwards", "backwards"])
def test_wrapped_lenet_gradients_equal_pytorchs_on_a_batch(ids):
    plan, _, members = _lenet(_context(ids))
    x, y = plan.train_x[:32], plan.train_y[:32]
    grads = {}
    for name, member in members.items():
        member.model.zero_grad()
        loss = (member.loss_fn or plan.loss_fn)(member.model(x), y)
        loss.backward()
        grads[name] = {n: p.grad.clone() for n, p in member.model.named_parameters()}
    assert grads["pytorch"].keys() == grads["mine"].keys() and len(grads["mine"]) == 10
    for n, g in grads["pytorch"].items():
        assert g.abs().max() > 0, n
        # (not torch.testing: after an in-process run, lazy_torch's stand-ins are installed)
        assert float((grads["mine"][n] - g).abs().max()) < 1e-8, n


def _train(ctx, steps: int):  # type: ignore[no-untyped-def]
    from tutor.training.loop import train

    plan, _, _ = _lenet(ctx)
    plan.after = None  # the trained model's pictures: not what this test is about
    events: list[Any] = []
    end = train(plan, emit=events.append, max_steps=steps)
    return end, events


def _warnings(events: list[Any]) -> list[str]:
    return [e.text for e in events if e.type == "note" and e.level == "warning"]


def test_a_subtly_wrong_backward_is_named_as_the_piece_that_departs():
    from tutor.training.mine import load_function

    good = load_function(SOLUTIONS / "conv2d_backward.py", "conv2d_backward")

    def nudged(dout, x, w, stride=1, padding=0):  # type: ignore[no-untyped-def]
        dx, dw, db = good(dout, x, w, stride, padding)
        # off by 1 % of its largest value: it still trains, but not as PyTorch's does (a mere
        # rescaling would not show in the losses at first: Adam's first step is scale-free)
        return dx, dw + 0.01 * abs(dw).max(), db

    end, events = _train(_context(LENET_PIECES, {"conv2d_backward": nudged}), steps=3)
    (c,) = end.comparisons
    assert c["diverged_at"] == 2  # step 1's loss is the same; its update was not
    warned = _warnings(events)
    assert len(warned) == 1, warned  # every other piece matched on the inputs it was given
    assert warned[0].startswith("Step 1 (epoch 1): your conv2d_backward's dw differs")
    assert "first of your pieces" in warned[0]


def test_a_wrong_optimizer_step_is_named_too():
    bad = REPO / "exercises" / "adam_step" / "mistakes" / "no_bias_correction.py"
    from tutor.training.mine import load_function

    ctx = _context(("relu_backward", "adam_step"),
                   {"adam_step": load_function(bad, "adam_step")})
    _, events = _train(ctx, steps=2)
    warned = _warnings(events)
    assert len(warned) == 1 and "your adam_step's update differs" in warned[0], warned
    assert "Step 1 (epoch 1)" in warned[0]


def test_correct_pieces_say_so_once():
    end, events = _train(_context(LENET_PIECES), steps=2)
    (c,) = end.comparisons
    assert c["diverged_at"] is None and c["max_abs_diff"] < 1e-12
    assert _warnings(events) == []
    (info,) = [e.text for e in events if e.type == "note"]
    assert info.startswith("Step 1: each of your pieces matched PyTorch's")
    assert "conv2d_backward's dw" in info and "adam_step's update" in info


def test_the_probe_names_each_departure_once_in_order():
    import numpy as np

    from tutor.training.probe import Probe

    probe, ref = Probe(), np.array([1.0, -2.0, 4.0])
    probe.compare("a", "dx", ref + 1e-15, ref)  # float rounding: no departure
    (note,) = probe.after_step(1, 1)
    assert note.level == "info" and "a's dx" in note.text
    probe.compare("a", "dx", ref * 1.1, ref)
    probe.compare("b", "dw", ref * 1.5, ref)
    first, also = probe.after_step(2, 1)
    assert first.text.startswith("Step 2 (epoch 1): your b's dw differs") and "first" in first.text
    assert "a's dx" in also.text and "same step" in also.text
    probe.compare("a", "dx", ref * 3, ref)  # already named: not again
    probe.compare("c", "", ref, ref)
    assert probe.after_step(3, 1) == []
    probe.compare("d", "update", np.zeros(3), ref)
    (late,) = probe.after_step(9, 2)
    assert late.text.startswith("Step 9 (epoch 2): your d's update") and "earlier" in late.text
    assert probe.culprit() is not None and probe.culprit().piece == "b's dw"


# -- optimizers declared only in exercise.toml ------------------------------------------------


@pytest.mark.parametrize("exercise,series", [("sgd_step", "SGD"), ("adadelta_step", "Adadelta")])
def test_an_optimizer_declared_in_toml_races_beside_pytorchs(exercise, series):
    from tutor.training.run import run_inline

    events: list[Any] = []
    end = run_inline(["optimizer_race", "--steps", "8", "--set", "points_per_class=40",
                      "--mine", f"{exercise}={exercise}@{SOLUTIONS / f'{exercise}.py'}"],
                     events.append)
    assert f"{series} (mine)" in events[0].series and series in events[0].series
    (c,) = end.comparisons
    assert c["reference"] == series and c["diverged_at"] is None and c["max_abs_diff"] < 1e-9


# -- the CLI: all, with one failing file --------------------------------------------------------


def test_use_mine_all_leaves_a_failing_file_out_with_its_verdict(isolated_home, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copyfile(SOLUTIONS / "relu_backward.py", ws / "relu_backward.py")
    shutil.copyfile(REPO / "exercises" / "conv2d_backward" / "mistakes" / "db_mean.py",
                    ws / "conv2d_backward.py")
    env = dict(os.environ, DLTUTOR_HOME=str(isolated_home), COLUMNS="100")
    out = subprocess.run(
        [sys.executable, "-m", "tutor", "train", "digits_lenet", "--use-mine", "all",
         "--workspace", str(ws), "--json", "--steps", "2", "--set", "train_size=128",
         "--set", "val_size=64"],
        capture_output=True, text=True, env=env, timeout=240, cwd=REPO, check=False)
    assert out.returncode == 1, out.stderr  # it trained, but not with all of it
    said = " ".join(out.stderr.split())  # as printed, wrapped at 100 columns
    assert "Left out your conv2d_backward: FAILED" in said
    assert "Likely mistake: Your db is the mean of dout" in said  # its known mistake, named
    assert "✓ your relu_backward passes its check" in said
    from tutor.training.events import parse_event

    events = [parse_event(line) for line in out.stdout.splitlines() if line.strip()]
    start, end = events[0], events[-1]
    assert start.mine == ("relu_backward",) and end.status == "finished"
    (note,) = [e for e in events if e.type == "note" and e.level == "warning"]
    assert note.text.startswith("Left out your conv2d_backward: FAILED")


def test_the_choosing_side_loads_neither_torch_nor_textual():
    code = ("import sys, tutor.training.swap, tutor.course.train_slot, tutor.training.client; "
            "print('torch' in sys.modules, 'textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO)
    assert out.stdout.split() == ["False", "False"]
