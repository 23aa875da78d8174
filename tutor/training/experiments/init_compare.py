"""init_compare: the same deep MLP started four ways, trained by the same SGD on the same batches:
weights from N(0, 0.01) (too small), N(0, 1) (too large), Xavier (Glorot: std √(2/(fan_in +
fan_out))) and Kaiming (He: std √(2/fan_in)), biases 0. Lesson 11's "Seeing it happen" table,
live: histograms of every layer's activations (before the first step, then after each epoch)
show the signal fading to 0, piling up at ±1, or keeping its spread, and the loss curves show
which of them can learn. `--set act=relu` runs the ReLU version of the same story."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn, optim

from tutor.training.datasets import make_spiral
from tutor.training.experiments import BuildContext, Setup
from tutor.training.loop import Member, Plan
from tutor.training.models import MLP

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {"tanh": nn.Tanh, "relu": nn.ReLU}


def _normal(std: float) -> Callable[[torch.Tensor], object]:
    return lambda w: nn.init.normal_(w, 0.0, std)


#: series name -> how each Linear weight is drawn
INITS: dict[str, Callable[[torch.Tensor], object]] = {
    "N(0,0.01)": _normal(0.01),
    "N(0,1)": _normal(1.0),
    "Xavier": nn.init.xavier_normal_,
    "Kaiming": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
}


def initialise(model: nn.Module, init: Callable[[torch.Tensor], object]) -> nn.Module:
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Linear):
                init(module.weight)
                nn.init.zeros_(module.bias)
    return model


def build(ctx: BuildContext) -> tuple[Plan, Setup]:
    cfg = ctx.config
    depth, width, classes = int(cfg["depth"]), int(cfg["width"]), int(cfg["classes"])
    act_name = str(cfg["act"])
    if act_name not in ACTIVATIONS:
        raise ValueError(f"act={act_name}: choose one of {', '.join(ACTIVATIONS)}")
    act = ACTIVATIONS[act_name]
    x, y = make_spiral(int(cfg["points_per_class"]), classes, ctx.seed)
    lr = ctx.lr if ctx.lr is not None else float(ctx.default_lr or 0.05)
    members: list[Member] = []
    for name, init in INITS.items():
        model = ctx.model(lambda init=init: initialise(  # type: ignore[misc]
            MLP([2, *[width] * depth, classes], act), init))
        members.append(Member(name, model, optim.SGD(model.parameters(), lr=lr, momentum=0.9)))
    plan = Plan(train_x=ctx.tensor(x), train_y=ctx.tensor(y), members=members,
                loss_fn=nn.functional.cross_entropy, classification=True,
                batch_size=ctx.batch_size, epochs=ctx.epochs, seed=ctx.seed,
                histograms=int(cfg["bins"]))
    desc = (f"MLP 2-{'-'.join([str(width)] * depth)}-{classes} with {act_name}, biases 0, on a "
            f"{classes}-arm spiral; SGD (momentum 0.9, lr {lr:g}) from four initialisations.")
    return plan, Setup(description=desc, lr=lr)
