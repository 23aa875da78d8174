"""The experiments, one module each, and what they share: `BuildContext` and the
"PyTorch's run beside the learner's run" pair that `--use-mine` adds to an experiment.

Each module's `build(ctx) -> (Plan, Setup)` makes the data, the models and the optimizers; the
loop (`tutor.training.loop`) does the rest. The registry (`tutor.training.registry`) holds the
names and defaults without importing any of this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from tutor.training.loop import Member
from tutor.training.mine import BY_EXERCISE, OPTIMIZERS, MineOptimizer, MineReLU, OptimizerKind
from tutor.training.models import ActFactory


@dataclass
class BuildContext:
    device: torch.device
    dtype: torch.dtype  #: float64 when the learner's code runs, so any difference is theirs
    seed: int
    lr: float | None  #: --lr, or None for the experiment's default
    default_lr: float | None
    batch_size: int
    epochs: int
    config: dict[str, Any]
    mine: dict[str, Callable[..., Any]] = field(default_factory=dict)  #: exercise id -> function

    def tensor(self, array: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(array)
        if t.is_floating_point():
            t = t.to(self.dtype)
        return t.to(self.device)

    def model(self, make: Callable[[], nn.Module], seed: int | None = None) -> nn.Module:
        """Build under a fixed seed, so two calls give identical initial weights."""
        torch.manual_seed(self.seed if seed is None else seed)
        return make().to(device=self.device, dtype=self.dtype)

    def act(self, mine: bool) -> ActFactory:
        if mine and "relu_backward" in self.mine:
            fn = self.mine["relu_backward"]
            return lambda: MineReLU(fn)
        return nn.ReLU

    def optimizer(self, model: nn.Module, kind: OptimizerKind, lr: float,
                  mine: bool) -> torch.optim.Optimizer:
        if mine and kind.exercise in self.mine:
            return MineOptimizer(model.parameters(), self.mine[kind.exercise], kind, lr)
        return kind.torch_optimizer(model.parameters(), lr)


@dataclass
class Setup:
    """What a build says about itself beyond the Plan: shown in the Start event and as notes."""

    description: str
    lr: float | None
    notes: list[str] = field(default_factory=list)
    grad_layers: tuple[str, ...] = ()


def pytorch_and_mine(ctx: BuildContext, make: Callable[[ActFactory], nn.Module],
                     default_optimizer: str = "Adam",
                     grad_layers: Callable[[nn.Module], list[tuple[str, torch.Tensor]]] | None = None,
                     names: tuple[str, str] = ("pytorch", "mine"),
                     ) -> tuple[list[Member], list[tuple[str, str]], float, list[str]]:
    """One member with PyTorch's pieces and, when the learner's code fits, a second member from
    the very same initial weights with theirs swapped in. Returns (members, compare, lr, notes)."""
    notes: list[str] = []
    kind = OPTIMIZERS[default_optimizer]
    chosen = [ex for ex in ctx.mine if ex in BY_EXERCISE]
    if chosen:
        kind = BY_EXERCISE[chosen[0]]
        if kind.label != default_optimizer:
            notes.append(f"Both runs use {kind.label} (your {kind.exercise}) instead of "
                         f"{default_optimizer}, at lr {ctx.lr or kind.lr:g}.")
    if ctx.lr is not None:
        lr = ctx.lr
    elif kind.label == default_optimizer and ctx.default_lr is not None:
        lr = ctx.default_lr
    else:
        lr = kind.lr
    ref_model = ctx.model(lambda: make(ctx.act(mine=False)))
    members = [Member(names[0], ref_model, ctx.optimizer(ref_model, kind, lr, mine=False),
                      grad_layers=grad_layers)]
    compare: list[tuple[str, str]] = []
    if any(ex == "relu_backward" or ex in BY_EXERCISE for ex in ctx.mine):
        mine_model = ctx.model(lambda: make(ctx.act(mine=True)))
        members.append(Member(names[1], mine_model, ctx.optimizer(mine_model, kind, lr, mine=True),
                              grad_layers=grad_layers))
        compare.append((names[0], names[1]))
    return members, compare, lr, notes
