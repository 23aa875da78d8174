"""Trusted check for rmsprop_step: K chained steps against torch.optim.RMSprop.

drive.py (the driver the learner's process runs) starts square_avg at zeros (as PyTorch does),
feeds the learner's own (param, square_avg) back in, and returns every step's pair; the reference
runs torch.optim.RMSprop(lr, alpha, eps) over the same gradients and reads its
state["square_avg"]."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(param, grads, lr, alpha, eps):
    p = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.RMSprop([p], lr=lr, alpha=alpha, eps=eps)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append((p.detach().numpy().copy(),
                    opt.state[p]["square_avg"].detach().numpy().copy()))
    return out


def _case(rng, shape, steps, lr, alpha=0.99, eps=1e-8, gscale=1.0, label=""):
    param = rng.standard_normal(shape)
    grads = rng.standard_normal((steps, *shape)) * gscale
    text = f"shape {shape}, {steps} steps, lr={lr}, alpha={alpha}, eps={eps}"
    return Case({"param": param, "grads": grads, "lr": lr, "alpha": alpha, "eps": eps},
                label=text + (f"; {label}" if label else ""))


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
    g = np.full((3, 1), 2.0)
    out.append(Case({"param": np.ones(1), "grads": g, "lr": 0.1, "alpha": 0.99, "eps": 1e-8},
                    label="constant gradient 2, p0 = 1, lr=0.1 (3 steps)"))
    z = _case(rng, (3, 3), 5, 0.02, alpha=0.95, eps=1e-4,
              label="some gradient entries exactly 0 at every step (their average stays 0)")
    z.inputs["grads"][:, 1, :] = 0.0
    out.append(z)
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 4))))
            out.append(_case(rng, shape, int(rng.integers(2, 9)),
                             float(rng.choice([0.1, 0.01, 0.003, 0.0001])),
                             alpha=float(rng.choice([0.99, 0.9, 0.7, 0.999])),
                             eps=float(rng.choice([1e-8, 1e-6, 1e-3, 0.05])),
                             gscale=float(rng.choice([0.01, 1.0, 100.0]))))
        out.append(_case(rng, (2, 1), 12, 0.01, alpha=0.6, eps=1e-8, label="12 steps"))
    return out
