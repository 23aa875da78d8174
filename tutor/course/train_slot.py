"""`[train]` in exercise.toml: which piece of a training run an exercise's function can stand in
for (`dltutor train NAME --use-mine ID`), as data.

The training runs never name exercises: an experiment says which *slots* it has (its optimizer,
every ReLU's backward pass, its convolutions, its loss, ...) and an exercise says which slot it
fills. So a pack's exercise with a `[train]` table is usable in a run exactly like a built-in one,
and nothing under `tutor/training` lists exercise ids.

    [train]
    slot = "conv2d"                             # what it fills
    part = "backward"                           # forward | backward | whole (default)
    replaces = "every convolution's backward pass"

Two exercises may fill one slot's two halves (conv2d_forward and conv2d_backward); the run uses
PyTorch's for a half nobody fills. Each slot calls the function the way its exercise's README
states (`docs/content-format.md` lists them). An optimizer has no one signature, so an
optimizer's table also says how to call it and which PyTorch optimizer it is compared with:

    [train]
    slot = "optimizer"
    label = "Adam"                              # the series, and PyTorch's twin of it
    torch = "Adam"                              # torch.optim.Adam(params, lr=lr, **torch_args)
    torch_args = { betas = [0.9, 0.999], eps = 1e-8 }
    lr = 0.01                                   # a learning rate that suits it (optimizer_race)
    args = ["param", "grad", "m", "v", "t"]     # positional, in order
    hyper = { beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }   # passed by keyword unless in args
    state = ["m", "v"]                          # returned after the new param, passed back next step
    state_start = "zeros"                       # or "none": the first step gets None

`lr` and the `hyper` names not in `args` go by keyword; `t` is the step number (from 1), passed
only where `args` names it. This module is pure data (no torch): the course loader reads it, the
CLI and the app decide what fits, and the run process gets it as JSON (`to_dict`/`parse_train`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

#: the keys a [train] table may hold (the optimizer's only where slot = "optimizer")
TRAIN_KEYS = ("slot", "part", "replaces", "label", "torch", "torch_args", "lr", "args", "hyper",
              "state", "state_start")
OPTIMIZER_KEYS = ("label", "torch", "torch_args", "lr", "args", "hyper", "state", "state_start")
PARTS = ("whole", "forward", "backward")
#: what an optimizer's `args` may name besides its `state` and `hyper` names
OPTIMIZER_ARGS = ("param", "grad", "lr", "t")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TORCH_CLASS = re.compile(r"^[A-Z][A-Za-z0-9]*$")

TorchArg = float | bool | tuple[float, ...]


class SlotError(ValueError):
    """A [train] table this dltutor cannot read; the message names the key (the loader adds
    the file)."""


@dataclass(frozen=True)
class TrainSlot:
    """The piece of a training run an exercise can replace (see the module docstring)."""

    kind: str  #: `slot`: optimizer, relu, conv2d, maxpool, linear, softmax_ce, lstm_cell, ...
    part: str = "whole"  #: forward, backward, or whole (the slot's only piece)
    replaces: str = ""  #: what the learner's code does in the run, for the learner
    # -- slot = "optimizer" only ----------------------------------------------------------------
    label: str = ""  #: the series name; PyTorch's optimizer of that name runs beside it
    torch: str = ""  #: the torch.optim class
    torch_args: tuple[tuple[str, TorchArg], ...] = ()  #: its keyword arguments besides lr
    lr: float | None = None  #: a learning rate that suits it (None: the experiment's)
    args: tuple[str, ...] = ()  #: positional arguments of the learner's step, in order
    hyper: tuple[tuple[str, float], ...] = ()  #: the step's hyper-parameters
    state: tuple[str, ...] = ()  #: state carried from step to step, returned after the param
    state_start: str = "zeros"  #: "zeros" (like the param) or "none" on the first step

    @property
    def key(self) -> tuple[str, str]:
        """(kind, part): what one exercise fills in a run."""
        return self.kind, self.part

    def describe(self, fallback: str) -> str:
        return self.replaces or fallback

    def to_dict(self) -> dict[str, Any]:
        """The [train] table that `parse_train` reads back into this slot."""
        out: dict[str, Any] = {"slot": self.kind, "part": self.part, "replaces": self.replaces}
        if self.kind == "optimizer":
            out.update(label=self.label, torch=self.torch, args=list(self.args),
                       torch_args={k: list(v) if isinstance(v, tuple) else v
                                   for k, v in self.torch_args},
                       hyper=dict(self.hyper), state=list(self.state),
                       state_start=self.state_start)
            if self.lr is not None:
                out["lr"] = self.lr
        return out


def parse_train(table: Any) -> TrainSlot | None:
    """A `[train]` table as a TrainSlot (None when absent). Raises ValueError naming the key."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SlotError("train must be a table ([train])")
    unknown = [k for k in table if k not in TRAIN_KEYS]
    if unknown:
        raise SlotError(f"unknown key {unknown[0]!r} in [train]; the keys allowed there are "
                         f"{', '.join(TRAIN_KEYS)}")
    kind = table.get("slot")
    if not isinstance(kind, str) or not _NAME.match(kind):
        raise SlotError("[train] needs slot = \"...\", a snake_case name such as \"conv2d\"")
    part = table.get("part", "whole")
    if part not in PARTS:
        raise SlotError(f"[train] part must be one of {', '.join(PARTS)} (got {part!r})")
    replaces = table.get("replaces", "")
    if not isinstance(replaces, str):
        raise SlotError("[train] replaces must be a string")
    if kind != "optimizer":
        extra = [k for k in table if k in OPTIMIZER_KEYS]
        if extra:
            raise SlotError(f"[train] {extra[0]} is only for slot = \"optimizer\"")
        return TrainSlot(kind, part, replaces.strip())
    return _optimizer(table, part, replaces.strip())


def _optimizer(table: dict[str, Any], part: str, replaces: str) -> TrainSlot:
    label, torch_class = table.get("label"), table.get("torch")
    if not isinstance(label, str) or not label.strip():
        raise SlotError("[train] an optimizer needs label = \"...\" (its series name)")
    if not isinstance(torch_class, str) or not _TORCH_CLASS.match(torch_class):
        raise SlotError("[train] an optimizer needs torch = \"...\", a torch.optim class "
                         "such as \"Adam\"")
    args = _names(table.get("args"), "args")
    state = _names(table.get("state", []), "state")
    hyper = _numbers(table.get("hyper", {}), "hyper")
    known = set(OPTIMIZER_ARGS) | set(state) | {k for k, _ in hyper}
    if "param" not in args or "grad" not in args:
        raise SlotError("[train] args must name \"param\" and \"grad\"")
    for name in args:
        if name not in known:
            raise SlotError(f"[train] args names {name!r}, which is not param, grad, lr, t, a "
                             "state name or a hyper name")
    state_start = table.get("state_start", "zeros")
    if state_start not in ("zeros", "none"):
        raise SlotError("[train] state_start must be \"zeros\" or \"none\"")
    lr = table.get("lr")
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float))
                           or not math.isfinite(lr) or lr <= 0):
        raise SlotError(f"[train] lr must be a positive number (got {lr!r})")
    torch_args: list[tuple[str, TorchArg]] = []
    raw = table.get("torch_args", {})
    if not isinstance(raw, dict):
        raise SlotError("[train] torch_args must be a table")
    for key, value in raw.items():
        if isinstance(value, bool):
            torch_args.append((key, value))
        elif isinstance(value, (int, float)):
            torch_args.append((key, float(value)))
        elif isinstance(value, list) and value and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            torch_args.append((key, tuple(float(v) for v in value)))
        else:
            raise SlotError(f"[train] torch_args.{key} must be a number, a boolean or a list "
                             "of numbers")
    return TrainSlot("optimizer", part, replaces, label=label.strip(), torch=torch_class,
                     torch_args=tuple(torch_args), lr=None if lr is None else float(lr),
                     args=args, hyper=hyper, state=state, state_start=state_start)


def _names(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and _NAME.match(v)
                                              for v in value):
        raise SlotError(f"[train] {key} must be a list of snake_case names")
    if len(set(value)) != len(value):
        raise SlotError(f"[train] {key} names one thing twice")
    return tuple(value)


def _numbers(value: Any, key: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()):
        raise SlotError(f"[train] {key} must be a table of numbers")
    return tuple((k, float(v)) for k, v in value.items())
