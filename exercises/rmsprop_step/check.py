"""Trusted check for rmsprop_step: K chained steps against torch.optim.RMSprop.

drive.py (the driver the learner's process runs) starts square_avg at zeros (as PyTorch does),
feeds the learner's own (param, square_avg) back in, and returns every step's pair; the reference
runs torch.optim.RMSprop(lr, alpha, eps) over the same gradients and reads its
state["square_avg"].

Some cases leave alpha and/or eps out of their inputs: the learner's function is then called
without them (its defaults must be the README's 0.99 and 1e-8, not Keras's rho = 0.9 and
epsilon = 1e-7) and torch.optim.RMSprop with its own defaults. The default eps only shows next to
√square_avg when the gradients are tiny, hence the cases with gradients ~1e-6."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(param, grads, lr, alpha=None, eps=None):
    p = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    options = {name: value for name, value in (("alpha", alpha), ("eps", eps))
               if value is not None}                             # else torch's defaults
    opt = torch.optim.RMSprop([p], lr=lr, **options)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append((p.detach().numpy().copy(),
                    opt.state[p]["square_avg"].detach().numpy().copy()))
    return out


def _case(rng, shape, steps, lr, alpha=0.99, eps=1e-8, gscale=1.0, label=""):
    """alpha or eps None: left out of the inputs, so the learner's default is used."""
    param = rng.standard_normal(shape)
    grads = rng.standard_normal((steps, *shape)) * gscale
    inputs = {"param": param, "grads": grads, "lr": lr}
    text = f"shape {shape}, {steps} steps, lr={lr}"
    for name, value in (("alpha", alpha), ("eps", eps)):
        if value is None:
            text += f", {name} not passed"
        else:
            inputs[name] = value
            text += f", {name}={value}"
    # square_avg ~ gscale²: an absolute floor must sit far below it, or a wrong average of tiny
    # gradients would pass; 1e-12 is far below every value when the gradients are ~1 or larger.
    atol = 0.0 if gscale < 0.1 else None
    return Case(inputs, label=text + (f"; {label}" if label else ""), atol=atol)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (5,), 4, 0.01),
        _case(rng, (3, 4), 5, 0.001, alpha=0.9, eps=1e-6),
        _case(rng, (2, 3, 2), 4, 0.05, alpha=0.5, eps=1e-3, gscale=0.1),
        _case(rng, (4, 1), 6, 0.1, alpha=0.999, eps=0.1, gscale=3.0),
        _case(rng, (2, 2), 3, 0.01, alpha=0.8, gscale=1e-5,
              label="tiny gradients: eps must sit outside the square root"),
        _case(rng, (1,), 1, 0.1, label="a single step: 10·lr against the gradient's sign"),
    ]
    out.append(_case(rng, (3, 2), 6, 0.01, alpha=0.5, eps=1e-6, gscale=100.0,
                     label="large gradients: square_avg ~1e4, the step stays ~lr"))
    # the defaults (alpha = 0.99, eps = 1e-8) are used: those arguments are not passed
    out.append(_case(rng, (3, 4), 4, 0.01, alpha=None, eps=None, label="the defaults"))
    out.append(_case(rng, (5,), 4, 0.01, alpha=None, eps=None, gscale=1e-6,
                     label="the defaults, gradients ~1e-6: eps = 1e-8 is ~10% of √square_avg"))
    out.append(_case(rng, (2, 3), 5, 0.003, alpha=0.9, eps=None, gscale=1e-6,
                     label="the default eps, gradients ~1e-6"))
    out.append(_case(rng, (4,), 5, 0.02, alpha=None, eps=1e-3, gscale=2.0,
                     label="the default alpha must be 0.99"))
    # the README's worked example, with the default alpha and eps
    g = np.full((3, 1), 2.0)
    out.append(Case({"param": np.ones(1), "grads": g, "lr": 0.1},
                    label="constant gradient 2, p0 = 1, lr=0.1 (3 steps), alpha and eps not "
                          "passed"))
    z = _case(rng, (3, 3), 5, 0.02, alpha=0.95, eps=1e-4,
              label="some gradient entries exactly 0 at every step (their average stays 0)")
    z.inputs["grads"][:, 1, :] = 0.0
    out.append(z)
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 4))))
            out.append(_case(rng, shape, int(rng.integers(2, 9)),
                             float(rng.choice([0.1, 0.01, 0.003, 0.0001])),
                             alpha=[None, 0.99, 0.9, 0.7, 0.999][int(rng.integers(0, 5))],
                             eps=[None, 1e-8, 1e-6, 1e-3, 0.05][int(rng.integers(0, 5))],
                             gscale=float(rng.choice([0.01, 1.0, 100.0]))))
        out.append(_case(rng, (2, 1), 12, 0.01, alpha=0.6, eps=1e-8, label="12 steps"))
    return out
