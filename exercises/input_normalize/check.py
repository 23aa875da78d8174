"""Trusted check for input_normalize: standardise x with the training set's per-feature mean and
population variance (torch.var_mean(train, dim=0, correction=0)), eps inside the square root, as
BatchNorm does it. float64.

The cases make each known mistake show: x drawn from another distribution than train (stats
taken from x), small training sets (N vs N − 1), rows of x whose own mean and spread differ from
the features' (per-sample stats), and features with a tiny spread (eps inside vs outside the
root)."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(train, x, eps=None):
    t = torch.from_numpy(train)
    var, mean = torch.var_mean(t, dim=0, correction=0)          # population variance
    e = 1e-5 if eps is None else eps
    return ((torch.from_numpy(x) - mean) / torch.sqrt(var + e)).numpy()


def _case(rng, n, m, d, *, eps=1e-5, shift=2.0, label=""):
    """Features with different scales and offsets; x drawn shifted away from train."""
    scales = rng.choice([0.1, 1.0, 5.0, 100.0], size=d)
    offsets = rng.uniform(-50.0, 50.0, size=d)
    train = rng.standard_normal((n, d)) * scales + offsets
    x = (rng.standard_normal((m, d)) * 1.5 + shift) * scales + offsets
    inputs = {"train": train, "x": x}
    text = f"train ({n}, {d}), x ({m}, {d})"
    if eps is None:
        text += ", eps not passed"
    else:
        inputs["eps"] = eps
        text += f", eps={eps}"
    return Case(inputs, label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 6, 4, 3),
        _case(rng, 10, 3, 5, eps=1e-3),
        _case(rng, 4, 6, 2, eps=None, label="the default eps must be 1e-5"),
        _case(rng, 3, 2, 4, eps=0.0, label="3 training rows: N vs N − 1 is a factor √1.5"),
        _case(rng, 20, 1, 6, eps=1e-8, label="a single row to normalise"),
        _case(rng, 5, 5, 1, eps=1e-5, label="one feature"),
    ]
    # x = train: its normalised columns have mean 0 and (population) variance ~1
    c = _case(rng, 8, 8, 3, eps=1e-4, shift=0.0, label="x is the training set itself")
    c.inputs["x"] = c.inputs["train"].copy()
    out.append(c)
    # a constant feature: variance 0, the result is (x − mean)/√eps, finite
    c = _case(rng, 5, 3, 3, eps=1e-2, label="feature 1 is constant in train (variance 0)")
    c.inputs["train"][:, 1] = 7.0
    out.append(c)
    # tiny spread: eps = 1e-5 is ~10x the variance, so √(var + eps) ≠ √var + eps
    train = rng.standard_normal((7, 3)) * np.array([1e-3, 1.0, 3e-3]) + np.array([0.5, 0.0, -2])
    x = train[:4] * 1.3 + 0.001
    out.append(Case({"train": train, "x": x},
                    label="tiny spreads (std ~1e-3): eps must be inside the square root"))
    if hidden:
        for _ in range(8):
            n, m, d = (int(v) for v in rng.integers(2, 9, size=3))
            out.append(_case(rng, n, m, d,
                             eps=[None, 1e-5, 1e-3, 0.1, 1e-8][int(rng.integers(0, 5))],
                             shift=float(rng.choice([-3.0, 0.5, 4.0]))))
        c = _case(rng, 1, 3, 4, eps=0.5, label="one training row: every variance is 0")
        out.append(c)
    return out
