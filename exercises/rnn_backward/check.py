"""Trusted check for rnn_backward: backprop through time of a one-layer tanh RNN, against
torch.autograd on the unrolled forward pass (float64).

The loss is L = Σ_t Σ (h_t ⊙ dh[t]), so ∂L/∂h_t (from the loss itself) is dh[t] at every step;
autograd then gives dL/dW_x, dL/dW_h, dL/db and dL/dh0 through every path in time."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(x, h0, W_x, W_h, b, dh):
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (W_x, W_h, b, h0)]
    wx, wh, bias, h = params
    loss = torch.zeros((), dtype=torch.float64)
    for t in range(x.shape[0]):
        h = torch.tanh(torch.from_numpy(x[t]) @ wx.T + h @ wh.T + bias)
        loss = loss + (h * torch.from_numpy(dh[t])).sum()
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    return tuple(np.zeros(p.shape) if g is None else g.numpy() for g, p in zip(grads, params))


def _case(rng, t, n, i, h, *, zero_state=False, scale=1.0, only_last=False, label=""):
    # weights ~ 0.6 keep the pre-activations around 1: tanh' is far from 0 and far from 1
    inputs = {
        "x": rng.standard_normal((t, n, i)) * scale,
        "h0": np.zeros((n, h)) if zero_state else rng.standard_normal((n, h)) * 0.8,
        "W_x": rng.standard_normal((h, i)) * 0.6,
        "W_h": rng.standard_normal((h, h)) * 0.6,
        "b": rng.standard_normal(h) * 0.4,
        "dh": rng.standard_normal((t, n, h)),
    }
    text = f"T={t}, N={n}, I={i}, H={h}"
    if only_last:
        inputs["dh"][:-1] = 0.0
        text += ", loss on the last state only (dh[t] = 0 for t < T-1)"
    if zero_state:
        text += ", h0 all zeros"
    return Case(inputs, label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 4, 3, 2, 3),
        _case(rng, 5, 2, 3, 4, only_last=True),
        _case(rng, 1, 3, 2, 4, label="a single time step"),
        _case(rng, 3, 1, 4, 2, zero_state=True),
        _case(rng, 6, 2, 1, 1, label="I = H = 1"),
        _case(rng, 3, 4, 3, 3, label="square: I = H"),
        _case(rng, 4, 2, 3, 2, scale=4.0, label="larger inputs: some units saturate"),
    ]
    # the README's worked example
    out.append(Case({"x": np.array([[[1.0]], [[-1.0]]]), "h0": np.array([[0.5]]),
                     "W_x": np.array([[0.5]]), "W_h": np.array([[-1.0]]),
                     "b": np.array([0.1]), "dh": np.array([[[1.0]], [[2.0]]])},
                    label="the README's example: T=2, one unit"))
    if hidden:
        for _ in range(8):
            t, n, i, h = (int(v) for v in rng.integers(1, 6, size=4))
            out.append(_case(rng, t, n, i, h, zero_state=bool(rng.random() < 0.3),
                             only_last=bool(rng.random() < 0.3)))
        out.append(_case(rng, 10, 1, 2, 2, label="long sequence, T=10"))
    return out
