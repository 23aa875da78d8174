"""Trusted check for nesterov_step: K chained steps against torch.optim.SGD(nesterov=True).

drive.py (the driver the learner's process runs) feeds the learner's own (param, buf) back in for
every step, starting with buf = None, and returns every step's (param, buf); the reference runs
torch.optim.SGD over the same steps and reads its state["momentum_buffer"].

Some cases leave weight_decay out of their inputs: the learner's function is then called without
it (its default must be the README's 0.0) and torch.optim.SGD with its own default."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(param, grads, lr, momentum, weight_decay=None):
    p = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    options = {} if weight_decay is None else {"weight_decay": weight_decay}  # else torch's 0
    opt = torch.optim.SGD([p], lr=lr, momentum=momentum, dampening=0.0, nesterov=True,
                          **options)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append((p.detach().numpy().copy(),
                    opt.state[p]["momentum_buffer"].detach().numpy().copy()))
    return out


def _case(rng, shape, steps, lr, momentum, weight_decay=0.0, gscale=1.0, label=""):
    """weight_decay None: left out of the inputs, so the learner's default is used."""
    param = rng.standard_normal(shape)
    grads = rng.standard_normal((steps, *shape)) * gscale
    inputs = {"param": param, "grads": grads, "lr": lr, "momentum": momentum}
    text = f"shape {shape}, {steps} steps, lr={lr}, momentum={momentum}"
    if weight_decay is None:
        text += ", weight_decay not passed"
    else:
        inputs["weight_decay"] = weight_decay
        text += f", weight_decay={weight_decay}"
    return Case(inputs, label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (5,), 4, 0.1, 0.9),
        _case(rng, (3, 4), 5, 0.05, 0.5, weight_decay=0.1),
        _case(rng, (2, 3, 2), 4, 0.3, 0.99, weight_decay=0.02),
        _case(rng, (4, 1), 6, 0.01, 0.8, weight_decay=0.5, gscale=10.0),
        _case(rng, (1,), 3, 1.0, 0.3),
        _case(rng, (2, 5), 1, 0.2, 0.7, weight_decay=0.3,
              label="a single step: buf = d, step along (1 + momentum)·d"),
    ]
    out.append(_case(rng, (4, 3), 5, 0.1, 0.9, weight_decay=None,
                     label="the default weight_decay must be 0"))
    # the README's worked example, with the default weight_decay
    g = np.full((5, 3), 2.0)
    out.append(Case({"param": np.ones(3), "grads": g, "lr": 0.1, "momentum": 0.9},
                    label="constant gradient 2, p0 = 1, lr=0.1, momentum=0.9 (5 steps), "
                          "weight_decay not passed"))
    z = _case(rng, (3, 3), 5, 0.1, 0.9, weight_decay=0.05, label="some gradient entries exactly 0")
    z.inputs["grads"][:, 0, :] = 0.0
    out.append(z)
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 4))))
            out.append(_case(rng, shape, int(rng.integers(2, 9)),
                             float(rng.choice([0.5, 0.1, 0.03, 0.001])),
                             float(rng.choice([0.3, 0.6, 0.9, 0.95])),
                             weight_decay=[None, 0.0, 0.02, 0.3][int(rng.integers(0, 4))],
                             gscale=float(rng.choice([0.1, 1.0, 100.0]))))
        out.append(_case(rng, (1, 1), 10, 0.1, 0.999, weight_decay=1e-3,
                         label="momentum close to 1, 10 steps"))
    return out
