"""Trusted check for adadelta_step: K chained steps against torch.optim.Adadelta.

drive.py starts square_avg and acc_delta at zeros (as PyTorch does), feeds the learner's own
(param, square_avg, acc_delta) back in, and returns every step's triple; the reference runs
torch.optim.Adadelta(lr, rho, eps) over the same gradients and reads its state["square_avg"] and
state["acc_delta"].

Some cases leave lr, rho and/or eps out of their inputs: the learner's function is then called
without them (its defaults must be PyTorch's lr = 1.0, rho = 0.9, eps = 1e-6) and
torch.optim.Adadelta with its own defaults. eps is large next to acc_delta on the first steps (the
numerator is √(0 + eps) on step 1), so every case shows where eps goes."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(param, grads, lr=None, rho=None, eps=None):
    p = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    options = {name: value for name, value in (("lr", lr), ("rho", rho), ("eps", eps))
               if value is not None}                             # else torch's defaults
    opt = torch.optim.Adadelta([p], **options)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        state = opt.state[p]
        out.append((p.detach().numpy().copy(),
                    state["square_avg"].detach().numpy().copy(),
                    state["acc_delta"].detach().numpy().copy()))
    return out


def _case(rng, shape, steps, lr=1.0, rho=0.9, eps=1e-6, gscale=1.0, label=""):
    """lr, rho or eps None: left out of the inputs, so the learner's default is used."""
    param = rng.standard_normal(shape)
    grads = rng.standard_normal((steps, *shape)) * gscale
    inputs = {"param": param, "grads": grads}
    text = f"shape {shape}, {steps} steps"
    for name, value in (("lr", lr), ("rho", rho), ("eps", eps)):
        if value is None:
            text += f", {name} not passed"
        else:
            inputs[name] = value
            text += f", {name}={value}"
    # acc_delta ~ eps ~1e-6 or below: an absolute floor of 1e-12 would hide errors in it
    return Case(inputs, label=text + (f"; {label}" if label else ""), atol=0.0)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (5,), 4),
        _case(rng, (3, 4), 5, lr=0.5, rho=0.95, eps=1e-4),
        _case(rng, (2, 3, 2), 6, lr=2.0, rho=0.5, eps=1e-2, gscale=0.1),
        _case(rng, (4, 1), 5, lr=0.1, rho=0.99, eps=0.3, gscale=3.0),
        _case(rng, (2, 2), 4, lr=1.0, rho=0.8, eps=1e-8, gscale=1e-4,
              label="tiny gradients: eps is not small next to square_avg"),
        _case(rng, (1,), 1, lr=1.0, label="a single step"),
        _case(rng, (3, 2), 8, lr=0.7, rho=0.6, eps=1e-3, gscale=100.0,
              label="large gradients, 8 steps: the step grows with acc_delta"),
        _case(rng, (3, 3), 6, lr=0.5, rho=0.5, eps=4.0, gscale=3.0,
              label="eps large next to g²: delta ≈ g, acc_delta grows past 1"),
        _case(rng, (3, 4), 4, lr=None, rho=None, eps=None, label="the defaults"),
        _case(rng, (5,), 4, lr=None, rho=0.7, eps=1e-3, label="the default lr must be 1.0"),
        _case(rng, (2, 3), 5, lr=0.3, rho=None, eps=1e-3, label="the default rho must be 0.9"),
        _case(rng, (4,), 5, lr=0.3, rho=0.5, eps=None, gscale=0.01,
              label="the default eps must be 1e-6"),
    ]
    # the README's worked example, with the default lr, rho and eps
    out.append(Case({"param": np.ones(1), "grads": np.full((3, 1), 2.0)},
                    label="constant gradient 2, p0 = 1 (3 steps), lr, rho and eps not passed",
                    atol=0.0))
    z = _case(rng, (3, 3), 5, lr=0.5, rho=0.9, eps=1e-4,
              label="some gradient entries exactly 0 at every step (they never move)")
    z.inputs["grads"][:, 1, :] = 0.0
    out.append(z)
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 4))))
            out.append(_case(rng, shape, int(rng.integers(2, 9)),
                             lr=[None, 1.0, 0.5, 0.1, 3.0][int(rng.integers(0, 5))],
                             rho=[None, 0.9, 0.95, 0.6, 0.99][int(rng.integers(0, 5))],
                             eps=[None, 1e-6, 1e-4, 1e-2, 1e-8][int(rng.integers(0, 5))],
                             gscale=float(rng.choice([0.01, 1.0, 100.0]))))
        out.append(_case(rng, (2, 1), 15, lr=1.0, rho=0.8, eps=1e-3, label="15 steps"))
    return out
