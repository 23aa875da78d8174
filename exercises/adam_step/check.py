"""Trusted check for adam_step: the learner's update chained over K consecutive steps (drive.py,
the driver the learner's process runs), compared step by step with torch.optim.Adam started from
the same state.

What is compared is each step's *update* (new param minus old param), m and v: a mistake such as
eps inside the square root moves the parameter by ~1e-8 on a parameter of ~1, which a comparison
of the parameter itself would hide; the update shows it. Gradient scales, betas, eps, lr and the
starting step t all vary across cases."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(param, grads, m, v, t, lr, beta1, beta2, eps):
    p = torch.nn.Parameter(torch.tensor(param, dtype=torch.float64))
    opt = torch.optim.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps, foreach=False)
    if t > 1:  # resume at step t with the given moments
        opt.state[p] = {"step": torch.tensor(float(t - 1)),
                        "exp_avg": torch.tensor(m, dtype=torch.float64),
                        "exp_avg_sq": torch.tensor(v, dtype=torch.float64)}
    updates, ms, vs = [], [], []
    for g in grads:
        before = p.detach().clone()
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        updates.append((p.detach() - before).numpy())
        ms.append(opt.state[p]["exp_avg"].numpy().copy())
        vs.append(opt.state[p]["exp_avg_sq"].numpy().copy())
    return {"update": np.stack(updates), "m": np.stack(ms), "v": np.stack(vs)}


def _case(rng, shape, steps, t, lr, beta1, beta2, eps, scale, label):
    param = rng.standard_normal(shape)
    grads = rng.standard_normal((steps, *shape)) * scale
    if t == 1:
        m = np.zeros(shape)
        v = np.zeros(shape)
    else:  # moments consistent with gradients of this scale
        m = rng.standard_normal(shape) * scale * 0.5
        v = (rng.standard_normal(shape) * scale) ** 2 + (scale * 0.1) ** 2
    return Case({"param": param, "grads": grads, "m": m, "v": v, "t": t, "lr": lr,
                 "beta1": beta1, "beta2": beta2, "eps": eps}, label=label, rtol=1e-6, atol=0.0)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (5,), 4, 1, 1e-3, 0.9, 0.999, 1e-8, 1.0, "defaults, first 4 steps"),
        _case(rng, (3, 4), 5, 1, 0.01, 0.9, 0.999, 1e-8, 1e-4, "tiny gradients (eps matters)"),
        _case(rng, (2, 3, 2), 3, 1, 0.1, 0.8, 0.99, 1e-3, 0.05, "other betas, large eps"),
        _case(rng, (4,), 4, 10, 0.05, 0.5, 0.9, 1e-6, 2.0, "resuming at step 10"),
        _case(rng, (1,), 6, 1, 0.5, 0.95, 0.9999, 1e-8, 100.0, "huge gradients"),
        _case(rng, (6,), 3, 1000, 1e-3, 0.9, 0.999, 1e-8, 1.0, "late step t=1000"),
        _case(rng, (2, 2), 2, 2, 0.2, 0.7, 0.95, 0.1, 0.3, "eps = 0.1"),
    ]
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 4))))
            out.append(_case(rng, shape, int(rng.integers(1, 6)), int(rng.integers(1, 50)),
                             float(10 ** rng.uniform(-4, -0.5)), float(rng.uniform(0.5, 0.99)),
                             float(rng.uniform(0.9, 0.9999)), float(10 ** rng.uniform(-9, -2)),
                             float(10 ** rng.uniform(-4, 1)), "hidden random case"))
    return out
