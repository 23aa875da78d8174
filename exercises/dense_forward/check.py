"""Trusted check for dense_forward: torch.nn.Linear (float64) with the same weight and bias, then
torch.nn.ReLU / Sigmoid / Tanh / nothing. Non-square weights, batch of 1, size-1 layers, inputs
from 1e-3 to the hundreds, sigmoid pre-activations past ±709.78 (where exp overflows), saturated
tanh, unknown activation names (ValueError)."""

import numpy as np
import torch

from tutor.grading.kit import Case

ACTIVATIONS = {
    "relu": torch.nn.ReLU,
    "sigmoid": torch.nn.Sigmoid,
    "tanh": torch.nn.Tanh,
    "none": torch.nn.Identity,
}


def _atol(x: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str) -> float:
    """The absolute tolerance of one case, scaled to what it compares.

    z = x·Wᵀ + b summed in another order than PyTorch's is off by ~1e-16 × the size of the terms
    that cancel in it, so relu / none / tanh outputs near 0 get 1e-14 × the largest Σ|terms|
    (tanh at least 1e-15: 1 − e^(−2|z|) forms round by ~1e-16 near 0). The sigmoid's output near 0
    is accurate relatively (rtol covers it) but for the rounding of forms like 0.5·(1 + tanh(z/2)),
    ~1e-16, so it gets 1e-15: a fixed 1e-12 hid clipping z at ±30 before the sigmoid (9.4e-14)."""
    if activation == "sigmoid":
        return 1e-15
    terms = float((np.abs(x) @ np.abs(W).T + np.abs(b)).max(initial=0.0))
    return max(1e-14 * terms, 1e-15 if activation == "tanh" else 0.0)


def _make(x: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str, label: str) -> Case:
    return Case({"x": x, "W": W, "b": b, "activation": activation}, label=label,
                atol=_atol(x, W, b, activation))


def _case(rng: np.random.Generator, n: int, d_in: int, d_out: int, activation: str,
          scale: float = 1.0, w_scale: float = 1.0, label: str = "") -> Case:
    x = rng.standard_normal((n, d_in)) * scale
    W = rng.standard_normal((d_out, d_in)) * w_scale
    # large enough next to x·Wᵀ that a missing or misplaced bias shows
    b = rng.standard_normal(d_out) * 2.0 * scale * w_scale
    label = label or f"N={n}, D_in={d_in}, D_out={d_out}, {activation}"
    return _make(x, W, b, activation, label)


def _extreme(rng: np.random.Generator, z_rows: list[list[float]], d_in: int, activation: str,
             label: str) -> Case:
    """Inputs whose pre-activations are (up to rounding) the given rows."""
    z = np.array(z_rows)
    W = rng.standard_normal((z.shape[1], d_in))
    b = rng.standard_normal(z.shape[1]) * 2.0
    x = np.linalg.lstsq(W, (z - b).T, rcond=None)[0].T  # d_in >= d_out: solved exactly
    return _make(x, W, b, activation, label)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    # exp(z) overflows above 709.78: exp(z)/(1 + exp(z)) is nan there, exp(-z) overflows below
    # -709.78 (1/(1 + inf) = 0 is still right); σ(±30) is 9.4e-14 away from 0 or 1.
    past_overflow = [[-1000.0, -750.0, -30.0, 30.0, 1000.0],
                     [750.0, 710.0, 0.5, -710.0, -1.5],
                     [-45.0, 0.0, 36.0, 720.0, -720.0]]
    out = [
        _case(rng, 4, 3, 2, "relu"),
        _case(rng, 5, 6, 4, "sigmoid"),
        _case(rng, 3, 4, 4, "tanh", label="square W (4 x 4), tanh"),
        _case(rng, 1, 5, 3, "none", label="batch of 1, no activation"),
        _case(rng, 6, 1, 1, "relu", label="D_in = D_out = 1, relu"),
        _case(rng, 3, 3, 3, "relu", label="square W (3 x 3), relu"),
        _extreme(rng, past_overflow, 6, "sigmoid",
                 "sigmoid, z from -1000 to 1000: exp(z) overflows past 709.78"),
        _case(rng, 4, 3, 5, "tanh", scale=300.0,
              label="tanh with pre-activations in the hundreds (a hand-written tanh overflows)"),
        _case(rng, 5, 4, 3, "none", scale=1e-3, w_scale=1e-2,
              label="small inputs and weights (x ~ 1e-3, W ~ 1e-2), no activation"),
        _case(rng, 2, 3, 2, "gelu", label="unknown activation name: ValueError"),
        _case(rng, 2, 4, 3, "Relu", label="names are lower case: 'Relu' is a ValueError"),
    ]
    if hidden:
        for activation in ("relu", "sigmoid", "tanh", "none", "relu", "tanh", "sigmoid"):
            n, d_in, d_out = (int(v) for v in rng.integers(1, 8, size=3))
            out.append(_case(rng, n, d_in, d_out, activation,
                             scale=float(rng.choice([1e-2, 1.0, 30.0]))))
        out.append(_case(rng, 3, 5, 5, "none", label="square W, no activation"))
        out.append(_case(rng, 2, 4, 3, "RELU", label="activation names are lower case: ValueError"))
        out.append(_case(rng, 5, 3, 2, "tanh", scale=500.0, label="tanh, saturated"))
        out.append(_case(rng, 4, 2, 5, "sigmoid", scale=300.0,
                         label="sigmoid with pre-activations in the hundreds"))
        z = rng.uniform(-1000.0, 1000.0, size=(2, 4))
        z[0, 0], z[1, 1] = 900.0, -900.0
        out.append(_extreme(rng, z.tolist(), 5, "sigmoid", "sigmoid, z uniform in [-1000, 1000]"))
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
