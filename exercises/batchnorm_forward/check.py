"""Trusted check for batchnorm_forward: torch.nn.BatchNorm1d (float64) with the same gamma, beta
and running statistics, in train() or eval() mode; returns its output and its running buffers
after the call. BatchNorm1d itself raises ValueError for a training batch of one sample.

Values far from 0 with a small spread (~1e6 ± 1) are where the one-pass variance
mean(x²) − mean(x)² loses its digits (its error there is ~1e-4, not ~1e-10); a case's absolute
floor is scaled to the rounding such inputs force on any correct formula (`_atol`)."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(x, gamma, beta, running_mean, running_var, momentum, eps, train):
    d = x.shape[1]
    bn = torch.nn.BatchNorm1d(d, eps=eps, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
        bn.bias.copy_(torch.tensor(beta))
        bn.running_mean.copy_(torch.tensor(running_mean))
        bn.running_var.copy_(torch.tensor(running_var))
        bn.train(train)
        y = bn(torch.tensor(x, dtype=torch.float64))
    return y.numpy(), bn.running_mean.numpy().copy(), bn.running_var.numpy().copy()


def _atol(x, gamma, var, eps):
    """y = γ·(x − mean)/σ: forming x − mean costs ~1 ulp of |x| in any correct formula, so y's
    rounding floor is ~|γ|·ulp(max |x|)/σ; allow 50 ulps of it (never under 1e-12)."""
    floor = 1e-14 * np.abs(x).max() * np.abs(gamma).max() / np.sqrt(var.min() + eps)
    return max(1e-12, float(floor))


def _case(rng, n, d, momentum, eps, train, scale=1.0, offset=0.0, label=""):
    x = rng.standard_normal((n, d)) * scale + offset
    inputs = {
        "x": x,
        "gamma": rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d),
        "beta": rng.standard_normal(d),
        "running_mean": rng.standard_normal(d) * 0.5,
        "running_var": rng.uniform(0.5, 2.0, d),
        "momentum": momentum, "eps": eps, "train": train,
    }
    mode = "train" if train else "eval"
    text = f"x {(n, d)}, {mode}, momentum={momentum}, eps={eps}"
    var = x.var(axis=0) if train and n > 1 else inputs["running_var"]
    return Case(inputs, label=text + (f"; {label}" if label else ""),
                atol=_atol(x, inputs["gamma"], var, eps))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 8, 4, 0.1, 1e-5, True),
        _case(rng, 5, 3, 0.5, 1e-3, True, scale=2.0, offset=1.0),
        _case(rng, 2, 6, 0.1, 1e-5, True, label="batch of 2: N/(N − 1) = 2"),
        _case(rng, 6, 1, 0.3, 0.1, True, scale=0.3, label="one feature, small variance, large eps"),
        _case(rng, 6, 3, 0.1, 1e-5, False, scale=3.0, offset=-2.0,
              label="evaluation: running statistics, unchanged"),
        _case(rng, 1, 4, 0.1, 1e-5, False, label="evaluation with a batch of 1"),
        _case(rng, 1, 3, 0.1, 1e-5, True, label="training with a batch of 1: raise ValueError"),
        _case(rng, 7, 2, 1.0, 1e-5, True, label="momentum 1: running stats become the batch's"),
        _case(rng, 4, 5, 0.0, 1e-4, True, label="momentum 0: running stats unchanged"),
        _case(rng, 10, 3, 0.2, 1e-5, True, scale=50.0, offset=1000.0,
              label="large values far from 0"),
        _case(rng, 8, 3, 0.1, 1e-5, True, scale=1.0, offset=1e6,
              label="values ~1e6 with a spread of ~1: subtract the mean before squaring"),
    ]
    if hidden:
        for _ in range(8):
            out.append(_case(rng, int(rng.integers(2, 12)), int(rng.integers(1, 7)),
                             float(rng.choice([0.01, 0.1, 0.5, 0.9])),
                             float(rng.choice([1e-5, 1e-3, 0.05])), bool(rng.random() < 0.7),
                             scale=float(rng.choice([0.1, 1.0, 10.0])),
                             offset=float(rng.choice([0.0, 5.0, -100.0]))))
        out.append(_case(rng, 3, 8, 0.1, 1e-5, False, label="evaluation, wide"))
        out.append(_case(rng, int(rng.integers(3, 10)), int(rng.integers(1, 5)), 0.1, 1e-5, True,
                         scale=float(rng.choice([0.5, 1.0, 3.0])),
                         offset=float(rng.choice([-1e6, 3e5, 2e6])),
                         label="far from 0, small spread"))
    return out
