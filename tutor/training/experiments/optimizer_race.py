"""optimizer_race: SGD, momentum, Nesterov, Adagrad, RMSprop and Adam train the same MLP from the
same initial weights on the same batches. Each has a learning rate that suits it (`--lr` gives them
all one rate instead). `--use-mine adam_step` (or any optimizer exercise) adds "Adam (mine)"
beside PyTorch's Adam, compared step by step."""

from __future__ import annotations

from torch import nn

from tutor.training.datasets import make_spiral
from tutor.training.experiments import BuildContext, Setup
from tutor.training.loop import Member, Plan
from tutor.training.mine import OPTIMIZERS, OptimizerKind
from tutor.training.models import MLP
from tutor.training.probe import Probe


def build(ctx: BuildContext) -> tuple[Plan, Setup]:
    cfg = ctx.config
    classes, hidden = int(cfg["classes"]), int(cfg["hidden"])
    x, y = make_spiral(int(cfg["points_per_class"]), classes, ctx.seed)
    members: list[Member] = []
    compare: list[tuple[str, str]] = []
    rates = []
    # PyTorch's six, then any optimizer of the learner's the race lacks (a pack's, say); a
    # learner's optimizer runs beside PyTorch's of the same label, as its [train] slot sets it up
    theirs = {p.slot.label: OptimizerKind.of(p, OPTIMIZERS[p.slot.label].lr
                                             if p.slot.label in OPTIMIZERS else 0.01)
              for p in ctx.pieces("optimizer")}
    for label, kind in {**OPTIMIZERS, **theirs}.items():
        lr = ctx.lr if ctx.lr is not None else kind.lr
        rates.append(f"{kind.label} {lr:g}")
        for mine in (False, True):
            if mine and label not in theirs:
                continue
            model = ctx.model(lambda: MLP([2, hidden, hidden, classes]))
            name = f"{kind.label} (mine)" if mine else kind.label
            probe = Probe() if mine else None
            members.append(Member(name, model, ctx.optimizer(model, kind, lr, mine=mine,
                                                             probe=probe),
                                  after_step=probe.after_step if probe else None))
            if mine:
                compare.append((kind.label, name))
    plan = Plan(train_x=ctx.tensor(x), train_y=ctx.tensor(y), members=members,
                loss_fn=nn.functional.cross_entropy, classification=True,
                batch_size=ctx.batch_size, epochs=ctx.epochs, compare=compare, seed=ctx.seed)
    desc = (f"MLP 2-{hidden}-{hidden}-{classes} on a {classes}-arm spiral, same start for all; "
            f"learning rates: {', '.join(rates)}.")
    return plan, Setup(description=desc, lr=ctx.lr, notes=[])
