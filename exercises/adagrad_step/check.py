"""Trusted check for adagrad_step: K chained steps against torch.optim.Adagrad.

drive.py (the driver the learner's process runs) starts state_sum at the initial accumulator
value, calls the learner with t = 1, 2, ..., feeds the learner's own (param, state_sum) back in,
and returns every step's pair; the reference runs torch.optim.Adagrad(lr, lr_decay,
initial_accumulator_value, eps) over the same gradients and reads its state["sum"].

Some cases leave eps and/or lr_decay out of their inputs: the learner's function is then called
without them (its defaults must be the README's 1e-10 and 0.0, not another framework's) and
torch.optim.Adagrad with its own defaults. The default eps only shows next to √state_sum when the
gradients are tiny, hence the cases with gradients ~1e-6."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(param, grads, lr, initial_accumulator_value, lr_decay=None, eps=None):
    p = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    options = {name: value for name, value in (("eps", eps), ("lr_decay", lr_decay))
               if value is not None}                             # else torch's defaults
    opt = torch.optim.Adagrad([p], lr=lr, initial_accumulator_value=initial_accumulator_value,
                              **options)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append((p.detach().numpy().copy(), opt.state[p]["sum"].detach().numpy().copy()))
    return out


def _case(rng, shape, steps, lr, lr_decay=0.0, eps=1e-10, init=0.0, gscale=1.0, label=""):
    """lr_decay or eps None: left out of the inputs, so the learner's default is used."""
    param = rng.standard_normal(shape)
    grads = rng.standard_normal((steps, *shape)) * gscale
    inputs = {"param": param, "grads": grads, "lr": lr, "initial_accumulator_value": init}
    text = f"shape {shape}, {steps} steps, lr={lr}"
    for name, value in (("lr_decay", lr_decay), ("eps", eps)):
        if value is None:
            text += f", {name} not passed"
        else:
            inputs[name] = value
            text += f", {name}={value}"
    text += f", initial sum {init}"
    # state_sum ~ steps·gscale²: an absolute floor must sit far below it, or a wrong sum of tiny
    # gradients would pass; 1e-12 is far below every value when the gradients are ~1 or larger.
    atol = 0.0 if gscale < 0.1 else None
    return Case(inputs, label=text + (f"; {label}" if label else ""), atol=atol)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (5,), 4, 0.1),
        _case(rng, (3, 4), 5, 0.5, lr_decay=0.1, init=0.1),
        _case(rng, (2, 3, 2), 4, 0.01, lr_decay=0.5, eps=1e-3, init=1.0, gscale=0.1),
        _case(rng, (4, 1), 6, 1.0, eps=0.1, init=0.5, gscale=3.0),
        _case(rng, (2, 2), 3, 0.1, lr_decay=0.01, gscale=1e-4,
              label="tiny gradients: eps must sit outside the square root"),
        _case(rng, (1,), 1, 0.3, lr_decay=1.0, init=0.2, label="a single step"),
    ]
    # the defaults (eps = 1e-10, lr_decay = 0) are used: those arguments are not passed
    out.append(_case(rng, (3, 4), 4, 0.1, lr_decay=None, eps=None, label="the defaults"))
    out.append(_case(rng, (5,), 4, 0.1, lr_decay=None, eps=None, gscale=1e-6,
                     label="the defaults, gradients ~1e-6: eps = 1e-10 is 1e-4 of √state_sum"))
    out.append(_case(rng, (2, 3), 5, 0.05, lr_decay=0.2, eps=None, init=0.0, gscale=1e-7,
                     label="the default eps, gradients ~1e-7"))
    out.append(_case(rng, (4,), 5, 0.3, lr_decay=None, eps=1e-6, init=0.1,
                     label="the default lr_decay must be 0"))
    # the README's worked example, with the default lr_decay and eps
    g = np.full((3, 1), 2.0)
    out.append(Case({"param": np.ones(1), "grads": g, "lr": 0.1, "initial_accumulator_value": 0.0},
                    label="constant gradient 2, p0 = 1, lr=0.1 (3 steps), lr_decay and eps not "
                          "passed"))
    z = _case(rng, (3, 3), 5, 0.2, lr_decay=0.2, eps=1e-6, init=0.0,
              label="some gradient entries exactly 0 at every step (their sum stays 0)")
    z.inputs["grads"][:, 1, :] = 0.0
    out.append(z)
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 4))))
            out.append(_case(rng, shape, int(rng.integers(2, 9)),
                             float(rng.choice([1.0, 0.1, 0.03, 0.001])),
                             lr_decay=[None, 0.0, 0.05, 0.7][int(rng.integers(0, 4))],
                             eps=[None, 1e-10, 1e-8, 1e-4, 0.05][int(rng.integers(0, 5))],
                             init=float(rng.choice([0.0, 0.1, 2.0])),
                             gscale=float(rng.choice([0.01, 1.0, 100.0]))))
        out.append(_case(rng, (2, 1), 12, 0.5, lr_decay=0.3, eps=1e-8, init=0.0,
                         label="12 steps with strong decay"))
    return out
