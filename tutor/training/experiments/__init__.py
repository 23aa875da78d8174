"""The experiments, one module each, and what they share: `BuildContext` and the
"PyTorch's run beside the learner's run" pair that `--use-mine` adds to an experiment.

Each module's `build(ctx) -> (Plan, Setup)` makes the data, the models and the optimizers; the
loop (`tutor.training.loop`) does the rest. The registry (`tutor.training.registry`) holds the
names and defaults without importing any of this.

The learner's functions arrive as `Piece`s, each with the `[train]` slot its exercise declares;
an experiment asks for them by slot (`ctx.piece("conv2d", "forward")`), never by exercise id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from tutor.course.train_slot import TrainSlot
from tutor.training.loop import Member
from tutor.training.mine import OPTIMIZERS, MineOptimizer, OptimizerKind, Piece
from tutor.training.mine_layers import CARRIERS, mine_layers, mine_loss
from tutor.training.models import ActFactory, Layers
from tutor.training.probe import Probe

#: the slots `pytorch_and_mine` fills: the layer factory's, the loss and the optimizer
PAIR_SLOTS = ("optimizer", "relu", "conv2d", "maxpool", "linear", "softmax_ce")


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
    slots: dict[str, TrainSlot] = field(default_factory=dict)  #: exercise id -> its [train] slot
    default_optimizer: str = "Adam"  #: registry's `optimizer`: what both runs use by default

    def tensor(self, array: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(array)
        if t.is_floating_point():
            t = t.to(self.dtype)
        return t.to(self.device)

    def model(self, make: Callable[[], nn.Module], seed: int | None = None) -> nn.Module:
        """Build under a fixed seed, so two calls give identical initial weights."""
        torch.manual_seed(self.seed if seed is None else seed)
        return make().to(device=self.device, dtype=self.dtype)

    # -- the learner's pieces -----------------------------------------------------------------

    def pieces(self, kind: str | None = None) -> list[Piece]:
        """The learner's functions in this run (of one slot kind), in the order given."""
        return [Piece(ex, fn, self.slots[ex]) for ex, fn in self.mine.items()
                if ex in self.slots and (kind is None or self.slots[ex].kind == kind)]

    def piece(self, kind: str, part: str = "whole") -> Piece | None:
        """The learner's function that fills (kind, part), if any."""
        for p in self.pieces(kind):
            if p.slot.part == part:
                return p
        return None

    def by_slot(self) -> dict[tuple[str, str], Piece]:
        return {p.slot.key: p for p in self.pieces()}

    def layers(self, mine: bool, probe: Probe | None = None) -> Layers:
        """PyTorch's layer factory, or (mine) the one with the learner's pieces swapped in."""
        return mine_layers(self.by_slot(), probe) if mine else Layers()

    def act(self, mine: bool) -> ActFactory:
        """What a model's `act` argument gets: a `Layers` (calling it makes an activation)."""
        return self.layers(mine)

    def optimizer(self, model: nn.Module, kind: OptimizerKind, lr: float, mine: bool,
                  probe: Probe | None = None) -> torch.optim.Optimizer:
        if mine and kind.exercise in self.mine and kind.slot is not None:
            return MineOptimizer(model.parameters(), self.mine[kind.exercise], kind, lr, probe)
        return kind.torch_optimizer(model.parameters(), lr)

    def optimizer_kind(self, default: str) -> OptimizerKind:
        """The learner's optimizer when they swap one in, else PyTorch's `default`."""
        base = OPTIMIZERS[default]
        chosen = self.pieces("optimizer")
        return OptimizerKind.of(chosen[0], base.lr) if chosen else base


@dataclass
class Setup:
    """What a build says about itself beyond the Plan: shown in the Start event and as notes."""

    description: str
    lr: float | None
    notes: list[str] = field(default_factory=list)
    grad_layers: tuple[str, ...] = ()


def pytorch_and_mine(ctx: BuildContext, make: Callable[[ActFactory], nn.Module],
                     default_optimizer: str | None = None,
                     grad_layers: Callable[[nn.Module], list[tuple[str, torch.Tensor]]] | None = None,
                     names: tuple[str, str] = ("pytorch", "mine"),
                     ) -> tuple[list[Member], list[tuple[str, str]], float, list[str]]:
    """One member with PyTorch's pieces and, when the learner's code fits, a second member from
    the very same initial weights with theirs swapped in. Returns (members, compare, lr, notes).

    `make(layers)` builds the model from a `Layers` factory (a model that only takes an
    activation factory calls it as one). The learner's member trains with their loss where they
    swapped in softmax_ce_backward, and a `Probe` checks each of their pieces against PyTorch's
    on the same inputs at every step (`Member.after_step`)."""
    notes: list[str] = []
    default = default_optimizer or ctx.default_optimizer
    kind = ctx.optimizer_kind(default)
    if kind.label != default:
        notes.append(f"Both runs use {kind.label} (your {kind.exercise}) instead of "
                     f"{default}, at lr {ctx.lr or kind.lr:g}.")
    if ctx.lr is not None:
        lr = ctx.lr
    elif kind.label == default and ctx.default_lr is not None:
        lr = ctx.default_lr
    else:
        lr = kind.lr
    ref_model = ctx.model(lambda: make(ctx.layers(mine=False)))
    members = [Member(names[0], ref_model, ctx.optimizer(ref_model, kind, lr, mine=False),
                      grad_layers=grad_layers)]
    compare: list[tuple[str, str]] = []
    swapped = [p for p in ctx.pieces() if p.slot.kind in PAIR_SLOTS]
    if swapped:
        probe = Probe()
        mine_model = ctx.model(lambda: make(ctx.layers(mine=True, probe=probe)))
        missing = [p.exercise for p in swapped
                   if p.slot.kind in CARRIERS
                   and not any(isinstance(m, CARRIERS[p.slot.kind]) for m in mine_model.modules())]
        if missing:
            notes.append(f"This model has no place for your {', '.join(missing)}: "
                         "PyTorch's pieces ran there instead.")
        members.append(Member(names[1], mine_model,
                              ctx.optimizer(mine_model, kind, lr, mine=True, probe=probe),
                              grad_layers=grad_layers, loss_fn=mine_loss(ctx.by_slot(), probe),
                              after_step=probe.after_step))
        compare.append((names[0], names[1]))
    return members, compare, lr, notes
