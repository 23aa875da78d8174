"""Trusted check for batchnorm_backward: PyTorch autograd through
F.batch_norm(training=True) in float64, gradients of x, weight (gamma) and bias (beta).

Values far from 0 with a small spread (~1e6 ± 1) are where the one-pass variance
mean(x²) − mean(x)² loses its digits (dx off by ~1e-3, not ~1e-9); a case's absolute floor is
scaled to the rounding such inputs force on any correct formula (`_atol`)."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def reference(dout, x, gamma, eps):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    g = torch.tensor(gamma, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    y = F.batch_norm(xt, None, None, weight=g, bias=b, training=True, eps=eps)
    y.backward(torch.tensor(dout, dtype=torch.float64))
    return xt.grad.numpy(), g.grad.numpy(), b.grad.numpy()


def _atol(dout, x, gamma, eps):
    """x̂ = (x − mean)/σ: forming x − mean costs ~1 ulp of |x| in any correct formula, a relative
    error of ~ulp(max |x|)/σ in x̂; the gradients are sums of N terms of size up to
    |dout|·max(|γ|, 1)/σ, so allow 50 ulps of that (never under the usual 1e-10)."""
    sigma = np.sqrt(x.var(axis=0).min() + eps)
    xhat_error = 1e-14 * np.abs(x).max() / sigma
    size = x.shape[0] * np.abs(dout).max() * max(1.0, np.abs(gamma).max()) / sigma
    return max(1e-10, float(xhat_error * size))


def _case(rng, n, d, eps, scale=1.0, offset=0.0, label=""):
    inputs = {
        "dout": rng.standard_normal((n, d)),
        "x": rng.standard_normal((n, d)) * scale + offset,
        "gamma": rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d),
        "eps": eps,
    }
    text = f"x {(n, d)}, eps={eps}"
    return Case(inputs, label=text + (f"; {label}" if label else ""),
                atol=_atol(inputs["dout"], inputs["x"], inputs["gamma"], eps))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 8, 4, 1e-5),
        _case(rng, 5, 3, 1e-3, scale=2.0, offset=1.0),
        _case(rng, 2, 5, 1e-5, label="batch of 2"),
        _case(rng, 6, 1, 0.1, scale=0.3, label="one feature, large eps"),
        _case(rng, 10, 3, 1e-5, scale=20.0, offset=500.0, label="large values far from 0"),
        _case(rng, 8, 3, 1e-5, scale=1.0, offset=1e6,
              label="values ~1e6 with a spread of ~1: subtract the mean before squaring"),
        _case(rng, 4, 7, 1e-4, label="more features than examples"),
    ]
    c = _case(rng, 5, 3, 1e-3, label="a constant feature (zero variance)")
    c.inputs["x"][:, 1] = 0.7
    out.append(c)
    u = _case(rng, 6, 2, 1e-5, label="the same upstream gradient for every example")
    u.inputs["dout"][:] = u.inputs["dout"][0]
    out.append(u)
    if hidden:
        for _ in range(8):
            out.append(_case(rng, int(rng.integers(2, 12)), int(rng.integers(1, 7)),
                             float(rng.choice([1e-5, 1e-3, 0.05])),
                             scale=float(rng.choice([0.1, 1.0, 10.0])),
                             offset=float(rng.choice([0.0, 5.0, -100.0]))))
        out.append(_case(rng, 16, 2, 1e-5, label="a larger batch"))
        out.append(_case(rng, int(rng.integers(3, 10)), int(rng.integers(1, 5)), 1e-5,
                         scale=float(rng.choice([0.5, 1.0, 3.0])),
                         offset=float(rng.choice([-1e6, 3e5, 2e6])),
                         label="far from 0, small spread"))
    return out
