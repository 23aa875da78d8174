"""spiral_mlp: a two-hidden-layer MLP on the three-arm spiral (trained on all of it; a second
spiral drawn with other noise is the held-out set)."""

from __future__ import annotations

from torch import nn

from tutor.training.datasets import make_spiral
from tutor.training.experiments import BuildContext, Setup, pytorch_and_mine
from tutor.training.loop import Plan
from tutor.training.models import MLP


def build(ctx: BuildContext) -> tuple[Plan, Setup]:
    cfg = ctx.config
    classes, hidden = int(cfg["classes"]), int(cfg["hidden"])
    x, y = make_spiral(int(cfg["points_per_class"]), classes, ctx.seed, noise=cfg["noise"])
    vx, vy = make_spiral(max(50, int(cfg["points_per_class"]) // 3), classes, ctx.seed + 1000,
                         noise=cfg["noise"])
    members, compare, lr, notes = pytorch_and_mine(
        ctx, lambda act: MLP([2, hidden, hidden, classes], act))
    plan = Plan(train_x=ctx.tensor(x), train_y=ctx.tensor(y), val_x=ctx.tensor(vx),
                val_y=ctx.tensor(vy), members=members, loss_fn=nn.functional.cross_entropy,
                classification=True, batch_size=ctx.batch_size, epochs=ctx.epochs,
                compare=compare, seed=ctx.seed)
    desc = (f"{len(x)} points in {classes} spiral arms; MLP 2-{hidden}-{hidden}-{classes} "
            "with ReLU, cross-entropy.")
    return plan, Setup(description=desc, lr=lr, notes=notes)
