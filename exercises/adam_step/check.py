"""Trusted check for adam_step: the learner's update chained over K consecutive steps (drive.py,
the driver the learner's process runs), compared step by step with torch.optim.Adam started from
the same state.

What is compared is each step's *update* (new param minus old param), m and v: a mistake such as
eps inside the square root moves the parameter by ~1e-8 on a parameter of ~1, which a comparison
of the parameter itself would hide; the update shows it. Gradient scales, betas, eps, lr and the
starting step t all vary across cases.

Some cases leave lr, beta1, beta2 and/or eps out of their inputs: the learner's function is then
called without them (its defaults must be the README's 1e-3, 0.9, 0.999 and 1e-8, not Keras's
epsilon = 1e-7) and torch.optim.Adam with its own defaults. The default eps only shows next to
√v̂ when the gradients are tiny, hence the defaults case with gradients ~1e-5."""

import inspect

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(param, grads, m, v, t, lr=None, beta1=None, beta2=None, eps=None):
    p = torch.nn.Parameter(torch.tensor(param, dtype=torch.float64))
    options = {name: value for name, value in (("lr", lr), ("eps", eps)) if value is not None}
    if beta1 is not None or beta2 is not None:   # else torch's defaults, (0.9, 0.999)
        default1, default2 = inspect.signature(torch.optim.Adam).parameters["betas"].default
        options["betas"] = (default1 if beta1 is None else beta1,
                            default2 if beta2 is None else beta2)
    opt = torch.optim.Adam([p], foreach=False, **options)
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
    inputs = {"param": param, "grads": grads, "m": m, "v": v, "t": t}
    # a hyper-parameter given as None is left out: the learner's default is used
    inputs.update({name: value for name, value in
                   (("lr", lr), ("beta1", beta1), ("beta2", beta2), ("eps", eps))
                   if value is not None})
    return Case(inputs, label=label, rtol=1e-6, atol=0.0)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        # "defaults": lr, beta1, beta2 and eps are not passed, so the learner's defaults are used
        _case(rng, (5,), 4, 1, None, None, None, None, 1.0, "defaults, first 4 steps"),
        _case(rng, (2, 4), 4, 1, None, None, None, None, 1e-5,
              "the defaults, gradients ~1e-5: eps = 1e-8 is ~1e-3 of √v̂"),
        _case(rng, (3,), 3, 5, 0.01, None, 0.99, 1e-6, 0.5, "the default beta1 must be 0.9"),
        _case(rng, (3,), 3, 5, 0.01, 0.8, None, 1e-6, 0.5, "the default beta2 must be 0.999"),
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
        out.append(_case(rng, (3, 2), 3, int(rng.integers(1, 50)), None, None, None, None,
                         float(10 ** rng.uniform(-6, 0)), "the defaults, hidden"))
    return out
