"""deep_vs_residual: the same 20-layer ReLU net with and without skip connections, from the same
initial weights, on the spiral. Charts the loss and each layer's weight-gradient norm: the plain
net's gradient fades by orders of magnitude towards the input and it never learns; the residual
net's `h + f(h)` carries the gradient through and it does."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from tutor.training.datasets import make_spiral
from tutor.training.experiments import BuildContext, Setup, pytorch_and_mine
from tutor.training.loop import Member, Plan
from tutor.training.models import DeepNet


def _layers(model: nn.Module) -> list[tuple[str, torch.Tensor]]:
    assert isinstance(model, DeepNet)
    return model.layer_weights()


def build(ctx: BuildContext) -> tuple[Plan, Setup]:
    cfg = ctx.config
    depth, width, classes = int(cfg["depth"]), int(cfg["width"]), int(cfg["classes"])
    x, y = make_spiral(int(cfg["points_per_class"]), classes, ctx.seed)
    members: list[Member] = []
    compare: list[tuple[str, str]] = []
    lr: float | None = None
    notes: list[str] = []
    for residual, name in ((False, "plain"), (True, "residual")):
        def make(act: Any, r: bool = residual) -> DeepNet:
            return DeepNet(2, width, depth, classes, residual=r, act=act)

        pair, pair_compare, lr, pair_notes = pytorch_and_mine(
            ctx, make,
            grad_layers=_layers, names=(name, f"{name} (mine)"))
        members += pair
        compare += pair_compare
        notes = pair_notes
    plan = Plan(train_x=ctx.tensor(x), train_y=ctx.tensor(y), members=members,
                loss_fn=nn.functional.cross_entropy, classification=True,
                batch_size=ctx.batch_size, epochs=ctx.epochs, compare=compare, seed=ctx.seed)
    layer_names = tuple(n for n, _ in DeepNet(2, 1, depth, 1, residual=False).layer_weights())
    desc = (f"{depth} hidden ReLU layers of width {width} on a {classes}-arm spiral, "
            "PyTorch's default init, no normalisation: plain h = relu(Wh) vs residual "
            "h = h + relu(Wh).")
    return plan, Setup(description=desc, lr=lr, notes=notes, grad_layers=layer_names)
