"""lr_sweep: one small MLP, copied with the same initial weights, trained by plain SGD on the same
batches at several learning rates, one curve each: lesson 7's table ("far too slow" … "diverges")
on a real network. The too-small rate barely moves the weights (the update/weight ratio says so),
a good one learns, a too-large one knocks the ReLUs out, and a far too large one overflows to nan;
the training-health symptoms name each of those as it happens."""

from __future__ import annotations

from torch import nn, optim

from tutor.training.datasets import make_spiral
from tutor.training.experiments import BuildContext, Setup
from tutor.training.loop import Member, Plan
from tutor.training.models import MLP


def parse_rates(text: str) -> list[float]:
    """"0.0001,0.01,0.3" -> [0.0001, 0.01, 0.3]; each rate must be a positive number."""
    rates = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            rate = float(part)
        except ValueError:
            raise ValueError(f"rates: {part.strip()!r} is not a number") from None
        if not rate > 0:
            raise ValueError(f"rates: {part.strip()} is not a positive learning rate")
        rates.append(rate)
    if not rates:
        raise ValueError("rates: give at least one learning rate, e.g. rates=0.01,0.1")
    return rates


def build(ctx: BuildContext) -> tuple[Plan, Setup]:
    cfg = ctx.config
    classes, hidden = int(cfg["classes"]), int(cfg["hidden"])
    x, y = make_spiral(int(cfg["points_per_class"]), classes, ctx.seed, noise=cfg["noise"])
    vx, vy = make_spiral(max(50, int(cfg["points_per_class"]) // 3), classes, ctx.seed + 1000,
                         noise=cfg["noise"])
    rates = parse_rates(str(cfg["rates"]))
    members: list[Member] = []
    for lr in dict.fromkeys(rates):
        model = ctx.model(lambda: MLP([2, hidden, hidden, classes]))  # same seed: same weights
        members.append(Member(f"lr {lr:g}", model, optim.SGD(model.parameters(), lr=lr)))
    notes = []
    if ctx.lr is not None:
        notes.append(f"lr_sweep trains at its own rates ({', '.join(f'{r:g}' for r in rates)}); "
                     f"--lr {ctx.lr:g} is not used: change them with --set rates=…")
    plan = Plan(train_x=ctx.tensor(x), train_y=ctx.tensor(y), val_x=ctx.tensor(vx),
                val_y=ctx.tensor(vy), members=members, loss_fn=nn.functional.cross_entropy,
                classification=True, batch_size=ctx.batch_size, epochs=ctx.epochs, seed=ctx.seed)
    desc = (f"MLP 2-{hidden}-{hidden}-{classes} with ReLU on a {classes}-arm spiral, plain SGD "
            f"from the same initial weights at learning rates {', '.join(f'{r:g}' for r in rates)}.")
    return plan, Setup(description=desc, lr=None, notes=notes)
