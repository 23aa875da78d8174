"""Trusted check for collapse_linear: two torch.nn.Linear layers (float64) composed; the
equivalent layer's weight is the composition's Jacobian (autograd), its bias the output at 0.
Non-square shapes, size-1 layers (all three at once too), a square case, the README's example,
layers of very different sizes."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, d_in: int, h: int, d_out: int, label: str = "") -> Case:
    return Case({
        "W1": rng.standard_normal((h, d_in)),
        "b1": rng.standard_normal(h) * 2.0,
        "W2": rng.standard_normal((d_out, h)),
        "b2": rng.standard_normal(d_out) * 2.0,
    }, label=label or f"D_in={d_in}, H={h}, D_out={d_out}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 3, 4, 2),
        _case(rng, 5, 2, 3),
        _case(rng, 4, 4, 4, "all square (4, 4, 4)"),
        _case(rng, 2, 1, 3, "bottleneck H = 1"),
        _case(rng, 6, 3, 1, "single output D_out = 1"),
        _case(rng, 1, 3, 2, "single input D_in = 1"),
        _case(rng, 3, 5, 5, "H = D_out, D_in different"),
        _case(rng, 1, 1, 1, "scalar layers (D_in = H = D_out = 1)"),
        Case({"W1": np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 0.0]]),
              "b1": np.array([1.0, 0.0, -1.0]),
              "W2": np.array([[1.0, 1.0, 1.0]]), "b2": np.array([0.5])},
             label="the worked example: W = [[2, 3]], b = [0.5]"),
    ]
    # layers of very different sizes: W2 @ W1 mixes them, a sum of the two would not
    big = _case(rng, 4, 3, 2, "W1 ~ 10, W2 ~ 0.01: layers of very different sizes")
    big.inputs["W1"] *= 10.0
    big.inputs["b1"] *= 10.0
    big.inputs["W2"] *= 0.01
    out.append(big)
    if hidden:
        for _ in range(6):
            d_in, h, d_out = (int(v) for v in rng.integers(1, 8, size=3))
            out.append(_case(rng, d_in, h, d_out))
        out.append(_case(rng, 2, 2, 2, "all square (2, 2, 2)"))
        out.append(_case(rng, 1, 5, 1, "D_in = 5 between two scalar sides"))
    return out


def reference(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray):
    (h, d_in), d_out = W1.shape, W2.shape[0]
    first = torch.nn.Linear(d_in, h, dtype=torch.float64)
    second = torch.nn.Linear(h, d_out, dtype=torch.float64)
    with torch.no_grad():
        first.weight.copy_(torch.from_numpy(W1))
        first.bias.copy_(torch.from_numpy(b1))
        second.weight.copy_(torch.from_numpy(W2))
        second.bias.copy_(torch.from_numpy(b2))
    stack = torch.nn.Sequential(first, second)
    zero = torch.zeros(d_in, dtype=torch.float64)
    # An affine map's Jacobian is its weight (D_out, D_in), the same everywhere.
    W = torch.autograd.functional.jacobian(stack, zero)
    with torch.no_grad():
        b = stack(zero)
    return W.detach().numpy(), b.numpy()
