"""Trusted check for momentum_step: K chained steps against torch.optim.SGD(momentum=...).

drive.py (the driver the learner's process runs) feeds the learner's own (param, buf) back in for
every step, starting with buf = None, and returns every step's (param, buf); the reference runs
torch.optim.SGD over the same steps and reads its state["momentum_buffer"].

Some cases leave dampening and/or weight_decay out of their inputs: the learner's function is then
called without them (its defaults must be the README's 0.0) and torch.optim.SGD with its own
defaults."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(param, grads, lr, momentum, dampening=None, weight_decay=None):
    p = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    options = {name: value for name, value in
               (("dampening", dampening), ("weight_decay", weight_decay)) if value is not None}
    opt = torch.optim.SGD([p], lr=lr, momentum=momentum, **options)   # else torch's defaults
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append((p.detach().numpy().copy(),
                    opt.state[p]["momentum_buffer"].detach().numpy().copy()))
    return out


def _case(rng, shape, steps, lr, momentum, dampening=0.0, weight_decay=0.0, gscale=1.0,
          label=""):
    """dampening or weight_decay None: left out of the inputs, so the learner's default is used."""
    param = rng.standard_normal(shape)
    grads = rng.standard_normal((steps, *shape)) * gscale
    inputs = {"param": param, "grads": grads, "lr": lr, "momentum": momentum}
    text = f"shape {shape}, {steps} steps, lr={lr}, momentum={momentum}"
    for name, value in (("dampening", dampening), ("weight_decay", weight_decay)):
        if value is None:
            text += f", {name} not passed"
        else:
            inputs[name] = value
            text += f", {name}={value}"
    return Case(inputs, label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (5,), 4, 0.1, 0.9),
        _case(rng, (3, 4), 5, 0.05, 0.5, dampening=0.1),
        _case(rng, (2, 3, 2), 4, 0.3, 0.99, weight_decay=0.1),
        _case(rng, (4, 1), 6, 0.01, 0.8, dampening=0.5, weight_decay=0.01, gscale=10.0),
        _case(rng, (1,), 3, 1.0, 0.9, dampening=0.9, weight_decay=0.5),
        _case(rng, (2, 5), 1, 0.2, 0.7, dampening=0.3, label="a single step: buf = grad"),
    ]
    # the defaults (dampening = weight_decay = 0) are used: those arguments are not passed
    out.append(_case(rng, (4, 3), 5, 0.1, 0.9, dampening=None, weight_decay=None,
                     label="the defaults must be 0"))
    out.append(_case(rng, (6,), 4, 0.05, 0.6, dampening=None, weight_decay=0.2,
                     label="the default dampening must be 0"))
    out.append(_case(rng, (2, 2), 4, 0.1, 0.8, dampening=0.3, weight_decay=None,
                     label="the default weight_decay must be 0"))
    # the README's worked example, defaults included: the buffer grows towards g / (1 - momentum)
    g = np.full((7, 3), 2.0)
    out.append(Case({"param": np.ones(3), "grads": g, "lr": 0.1, "momentum": 0.9},
                    label="constant gradient 2, p0 = 1, lr=0.1, momentum=0.9 (7 steps), "
                          "dampening and weight_decay not passed"))
    # exact zeros in the gradient, non-zero weight decay: only the decay moves those entries
    z = _case(rng, (3, 3), 5, 0.1, 0.9, dampening=0.2, weight_decay=0.05,
              label="some gradient entries exactly 0")
    z.inputs["grads"][:, 0, :] = 0.0
    out.append(z)
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 4))))
            out.append(_case(rng, shape, int(rng.integers(2, 9)),
                             float(rng.choice([0.5, 0.1, 0.03, 0.001])),
                             float(rng.choice([0.3, 0.6, 0.9, 0.95])),
                             dampening=[None, 0.0, 0.25, 0.6][int(rng.integers(0, 4))],
                             weight_decay=[None, 0.0, 0.02, 0.3][int(rng.integers(0, 4))],
                             gscale=float(rng.choice([0.1, 1.0, 100.0]))))
        out.append(_case(rng, (1, 1), 10, 0.1, 0.999, dampening=0.1, weight_decay=1e-3,
                         label="momentum close to 1, 10 steps"))
    return out
