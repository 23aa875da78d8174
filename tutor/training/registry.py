"""The experiments, registered by name, with their defaults: pure data, importable without torch.

`dltutor train --list`, the TUI's experiment picker and argument checking all read this table; only
the run process imports an experiment's `builder` (which imports torch). Adding an experiment is a
module under `tutor.training.experiments` with a `build(ctx) -> Plan` and one entry here.

Which of the learner's exercises a run can swap in is not listed here: an experiment names the
*slots* it has (`slots`: its optimizer, its ReLUs' backward pass, its convolutions, ...), each
exercise says in its exercise.toml which slot it fills (`[train]`, `tutor.course.train_slot`), and
`tutor.training.swap` matches the two. So a pack's exercise with a `[train]` slot fits as a
built-in one does.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

#: The slots the run process can fill with a learner's function (`tutor.training.mine` has an
#: adapter for each), and what each is, for `dltutor train --list`.
SLOTS = {
    "optimizer": "the optimizer step",
    "relu": "ReLU",
    "conv2d": "2-D convolution",
    "maxpool": "max pooling",
    "linear": "linear layer",
    "softmax_ce": "softmax cross-entropy loss",
    "lstm": "LSTM (forward only)",
}


@dataclass(frozen=True)
class ExperimentInfo:
    """One experiment's name, what it shows, and the defaults a plain `dltutor train NAME` uses."""

    name: str
    title: str
    shows: str  #: the lesson it makes visible, one sentence
    builder: str  #: "module:function" that builds the run's Plan (imports torch)
    epochs: int
    lr: float | None  #: None where each series has its own learning rate
    batch_size: int
    task: str = "classification"
    threads: int = 1  #: torch threads on a CPU by default; 0: half the cores, at most 4
    #: the slots (`SLOTS`) a learner's exercise may fill in this run (--use-mine)
    slots: tuple[str, ...] = ()
    #: slots that take several exercises at once (each its own series); the others take one
    several: tuple[str, ...] = ()
    #: the optimizer (a `[train] label`) both runs use unless the learner's names another
    optimizer: str = "Adam"
    config: dict[str, Any] = field(default_factory=dict)  #: the knobs --set KEY=VALUE may change
    #: "module:function(config, seed)" (numpy only) that starts building the run's data in the
    #: background while the run process imports torch; "" when there is nothing slow to build
    prefetch: str = ""


EXPERIMENTS: dict[str, ExperimentInfo] = {e.name: e for e in (
    ExperimentInfo(
        name="spiral_mlp", title="MLP on a three-arm spiral",
        shows="A small MLP learns a boundary no straight line can draw.",
        builder="tutor.training.experiments.spiral_mlp:build",
        epochs=60, lr=0.01, batch_size=64, threads=1,
        slots=("optimizer", "relu", "linear", "softmax_ce"),
        config={"points_per_class": 300, "classes": 3, "hidden": 64, "noise": 0.2}),
    ExperimentInfo(
        name="digits_lenet", title="LeNet-5 on drawn digits",
        shows="Convolutions learn strokes; held-out accuracy tells you it generalises.",
        builder="tutor.training.experiments.digits_lenet:build",
        epochs=3, lr=0.002, batch_size=64, threads=0,
        slots=("optimizer", "relu", "conv2d", "maxpool", "linear", "softmax_ce"),
        config={"train_size": 8000, "val_size": 2000, "noise": 0.12},
        prefetch="tutor.training.digits:prefetch_lenet"),
    ExperimentInfo(
        name="sequence_lstm", title="LSTM predicting a noisy sine",
        shows="A recurrent net reads a noisy wave and predicts its next clean value.",
        builder="tutor.training.experiments.sequence_lstm:build",
        epochs=20, lr=0.005, batch_size=64, task="regression", threads=1,
        slots=("lstm", "optimizer"),
        config={"train_size": 3000, "val_size": 1000, "length": 30, "hidden": 32,
                "noise": 0.1}),
    ExperimentInfo(
        name="deep_vs_residual", title="A deep net with and without skip connections",
        shows="Without skips the gradient fades layer by layer; x + f(x) keeps it flowing.",
        builder="tutor.training.experiments.deep_vs_residual:build",
        epochs=40, lr=0.003, batch_size=64, threads=1,
        slots=("relu", "optimizer"),
        config={"depth": 20, "width": 32, "points_per_class": 200, "classes": 3}),
    ExperimentInfo(
        name="optimizer_race", title="Six optimizers, one problem",
        shows="SGD, momentum, Nesterov, Adagrad, RMSprop and Adam from the same start.",
        builder="tutor.training.experiments.optimizer_race:build",
        epochs=40, lr=None, batch_size=64, threads=1,
        slots=("optimizer",), several=("optimizer",),
        config={"points_per_class": 200, "classes": 3, "hidden": 32}),
    ExperimentInfo(
        name="lr_sweep", title="One net, five learning rates",
        shows="Too small creeps, too large knocks the units out or overflows to nan.",
        builder="tutor.training.experiments.lr_sweep:build",
        epochs=40, lr=None, batch_size=64, threads=1,
        config={"rates": "0.0001,0.01,0.3,10,10000", "points_per_class": 200, "classes": 3,
                "hidden": 64, "noise": 0.2}),
    ExperimentInfo(
        name="init_compare", title="Four ways to initialise a deep net",
        shows="Too small fades, too large saturates; Xavier and Kaiming keep the signal.",
        builder="tutor.training.experiments.init_compare:build",
        epochs=40, lr=0.05, batch_size=64, threads=1,
        config={"act": "tanh", "depth": 6, "width": 64, "points_per_class": 200, "classes": 3,
                "bins": 24}),
)}


class UnknownExperiment(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def get(name: str) -> ExperimentInfo:
    try:
        return EXPERIMENTS[name]
    except KeyError:
        close = difflib.get_close_matches(name, EXPERIMENTS, n=3, cutoff=0.4)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownExperiment(f"unknown experiment {name!r}.{hint} "
                                f"Known: {', '.join(EXPERIMENTS)}.") from None


def parse_overrides(info: ExperimentInfo, items: list[str]) -> dict[str, Any]:
    """`--set KEY=VALUE` pairs checked against the experiment's knobs, typed like the defaults."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or key not in info.config:
            known = ", ".join(f"{k}={v}" for k, v in info.config.items())
            raise ValueError(f"--set {item!r}: {info.name} has the settings {known}")
        default = info.config[key]
        try:
            out[key] = type(default)(raw) if not isinstance(default, bool) else raw.lower() in (
                "1", "true", "yes", "on")
        except ValueError:
            raise ValueError(f"--set {key}: {raw!r} is not a {type(default).__name__}") from None
    return out
