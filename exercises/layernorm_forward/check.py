"""Trusted check for layernorm_forward: torch.nn.functional.layer_norm(x, (D,), gamma, beta, eps)
in float64, on inputs of rank 1 to 4.

Values far from 0 with a small spread (~1e6 ± 1) are where the one-pass variance
mean(x²) − mean(x)² loses its digits (its error there is ~1e-4, not ~1e-10); a case's absolute
floor is scaled to the rounding such inputs force on any correct formula (`_atol`)."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def reference(x, gamma, beta, eps):
    d = x.shape[-1]
    y = F.layer_norm(torch.tensor(x, dtype=torch.float64), (d,),
                     weight=torch.tensor(gamma, dtype=torch.float64),
                     bias=torch.tensor(beta, dtype=torch.float64), eps=eps)
    return y.numpy()


def _atol(x, gamma, eps):
    """y = γ·(x − mean)/σ: forming x − mean costs ~1 ulp of |x| in any correct formula, so y's
    rounding floor is ~|γ|·ulp(max |x|)/σ; allow 50 ulps of it (never under 1e-12)."""
    var = x.var(axis=-1)
    floor = 1e-14 * np.abs(x).max() * np.abs(gamma).max() / np.sqrt(var.min() + eps)
    return max(1e-12, float(floor))


def _case(rng, shape, eps, scale=1.0, offset=0.0, label=""):
    d = shape[-1]
    # a different scale per example, so per-example and whole-array statistics differ
    lead = rng.uniform(0.5, 3.0, shape[:-1] + (1,)) if len(shape) > 1 else 1.0
    inputs = {
        "x": rng.standard_normal(shape) * scale * lead + offset,
        "gamma": rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d),
        "beta": rng.standard_normal(d),
        "eps": eps,
    }
    return Case(inputs, label=f"x {shape}, eps={eps}" + (f"; {label}" if label else ""),
                atol=_atol(inputs["x"], inputs["gamma"], eps))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (4, 5), 1e-5),
        _case(rng, (2, 3, 6), 1e-5, scale=2.0, offset=1.0, label="a batch of sequences"),
        _case(rng, (7,), 1e-3, label="a single vector"),
        _case(rng, (1, 8), 1e-5, label="batch of 1"),
        _case(rng, (3, 4), 0.1, scale=0.3, label="small variance, large eps"),
        _case(rng, (5, 3), 1e-5, scale=10.0, offset=1000.0, label="large values far from 0"),
        _case(rng, (4, 6), 1e-5, scale=1.0, offset=1e6,
              label="values ~1e6 with a spread of ~1: subtract the mean before squaring"),
        _case(rng, (3, 1), 1e-5, label="one feature: x̂ = 0, so y = beta"),
        _case(rng, (2, 2, 2, 3), 1e-4, label="rank 4"),
    ]
    c = _case(rng, (3, 5), 1e-3, label="one example constant")
    c.inputs["x"][1, :] = -0.4
    out.append(c)
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
            out.append(_case(rng, shape, float(rng.choice([1e-5, 1e-3, 0.05])),
                             scale=float(rng.choice([0.1, 1.0, 10.0])),
                             offset=float(rng.choice([0.0, 5.0, -100.0]))))
        out.append(_case(rng, (6, 16), 1e-5, label="wider features"))
        out.append(_case(rng, (int(rng.integers(1, 5)), int(rng.integers(2, 9))), 1e-5,
                         scale=float(rng.choice([0.5, 1.0, 3.0])),
                         offset=float(rng.choice([-1e6, 3e5, 2e6])),
                         label="far from 0, small spread"))
    return out
