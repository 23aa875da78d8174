"""digits_lenet: LeNet-5 on procedurally drawn digits, judged on a held-out set drawn with
another seed (see `tutor.training.digits`)."""

from __future__ import annotations

from torch import nn

from tutor.training.digits import make_digits
from tutor.training.experiments import BuildContext, Setup, pytorch_and_mine
from tutor.training.inspect_model import lenet_pictures
from tutor.training.loop import Plan
from tutor.training.models import LeNet5


def build(ctx: BuildContext) -> tuple[Plan, Setup]:
    cfg = ctx.config
    x, y = make_digits(int(cfg["train_size"]), ctx.seed, noise=float(cfg["noise"]))
    vx, vy = make_digits(int(cfg["val_size"]), ctx.seed + 1000, noise=float(cfg["noise"]))
    mean, std = float(x.mean()), float(x.std())
    x, vx = (x - mean) / std, (vx - mean) / std
    members, compare, lr, notes = pytorch_and_mine(ctx, lambda act: LeNet5(10, act))
    plan = Plan(train_x=ctx.tensor(x), train_y=ctx.tensor(y), val_x=ctx.tensor(vx),
                val_y=ctx.tensor(vy), members=members, loss_fn=nn.functional.cross_entropy,
                classification=True, batch_size=ctx.batch_size, epochs=ctx.epochs,
                compare=compare, seed=ctx.seed)
    plan.after_training = lambda: lenet_pictures(plan, fill=-mean / std)  # fill: blank paper
    desc = (f"{len(x)} training and {len(vx)} held-out 28x28 digits, drawn with random "
            "strokes, slant, size and noise; LeNet-5 (2 conv + 3 linear layers).")
    return plan, Setup(description=desc, lr=lr, notes=notes)
