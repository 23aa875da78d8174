"""Trusted check for dense_forward: torch.nn.Linear (float64) with the same weight and bias, then
torch.nn.ReLU / Sigmoid / Tanh / nothing. Non-square weights, batch of 1, size-1 layers, large
sigmoid pre-activations, an unknown activation name (ValueError)."""

import numpy as np
import torch

from tutor.grading.kit import Case

ACTIVATIONS = {
    "relu": torch.nn.ReLU,
    "sigmoid": torch.nn.Sigmoid,
    "tanh": torch.nn.Tanh,
    "none": torch.nn.Identity,
}


def _case(rng: np.random.Generator, n: int, d_in: int, d_out: int, activation: str,
          scale: float = 1.0, label: str = "") -> Case:
    x = rng.standard_normal((n, d_in)) * scale
    W = rng.standard_normal((d_out, d_in))
    b = rng.standard_normal(d_out) * 2.0  # large enough that a missing or misplaced bias shows
    label = label or f"N={n}, D_in={d_in}, D_out={d_out}, {activation}"
    return Case({"x": x, "W": W, "b": b, "activation": activation}, label=label)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 4, 3, 2, "relu"),
        _case(rng, 5, 6, 4, "sigmoid"),
        _case(rng, 3, 4, 4, "tanh", label="square W (4 x 4), tanh"),
        _case(rng, 1, 5, 3, "none", label="batch of 1, no activation"),
        _case(rng, 6, 1, 1, "relu", label="D_in = D_out = 1, relu"),
        _case(rng, 3, 3, 3, "relu", label="square W (3 x 3), relu"),
        _case(rng, 4, 2, 5, "sigmoid", scale=300.0,
              label="sigmoid with pre-activations in the hundreds"),
        _case(rng, 2, 3, 2, "gelu", label="unknown activation name: ValueError"),
    ]
    if hidden:
        for activation in ("relu", "sigmoid", "tanh", "none", "relu", "tanh"):
            n, d_in, d_out = (int(v) for v in rng.integers(1, 8, size=3))
            out.append(_case(rng, n, d_in, d_out, activation))
        out.append(_case(rng, 3, 5, 5, "none", label="square W, no activation"))
        out.append(_case(rng, 2, 4, 3, "Relu", label="activation names are lower case: ValueError"))
        out.append(_case(rng, 5, 3, 2, "tanh", scale=500.0, label="tanh, saturated"))
    return out


def reference(x: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str) -> np.ndarray:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    d_out, d_in = W.shape
    layer = torch.nn.Linear(d_in, d_out, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(W))
        layer.bias.copy_(torch.from_numpy(b))
        y = ACTIVATIONS[activation]()(layer(torch.from_numpy(x)))
    return y.numpy()
