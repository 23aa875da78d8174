"""Trusted check for gru_cell: one GRU step against nn.GRUCell with the same weights (PyTorch's
gate order r, z, n and its reset-after-matmul candidate)."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng, n, i, h, *, zero_state=False, scale=1.0, label=""):
    # Each gate gets its own clearly different bias (r around +1, z around -1, n around 0), so a
    # learner who slices the stacked parameters in the wrong order gets visibly wrong values.
    gate_shift = np.concatenate([np.full(h, 1.0), np.full(h, -1.0), np.zeros(h)])
    inputs = {
        "x": rng.standard_normal((n, i)) * scale,
        "h_prev": np.zeros((n, h)) if zero_state else rng.standard_normal((n, h)) * 0.8,
        "W_ih": rng.standard_normal((3 * h, i)) * 0.6,
        "W_hh": rng.standard_normal((3 * h, h)) * 0.6,
        "b_ih": rng.standard_normal(3 * h) * 0.4 + gate_shift,
        "b_hh": rng.standard_normal(3 * h) * 0.4 + 0.5 * gate_shift,
    }
    return Case(inputs, label=label or f"N={n}, I={i}, H={h}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 3, 4, 2),
        _case(rng, 1, 3, 5, label="batch of 1, I=3, H=5"),
        _case(rng, 4, 2, 3),
        _case(rng, 2, 4, 4, label="square: I = H = 4"),
        _case(rng, 3, 1, 1, label="I = H = 1"),
        _case(rng, 2, 5, 3, zero_state=True, label="h_prev all zeros (the first step)"),
        _case(rng, 5, 6, 2, label="N=5, I=6, H=2"),
        _case(rng, 2, 3, 3, scale=25.0, label="large inputs: the gates saturate"),
        # gate pre-activations past ±710: a sigmoid written as exp(a) / (1 + exp(a)) gives inf/inf
        _case(rng, 3, 4, 3, scale=3000.0,
              label="huge inputs: gate pre-activations in the thousands, both signs"),
    ]
    if hidden:
        for _ in range(8):
            n, i, h = (int(v) for v in rng.integers(1, 7, size=3))
            out.append(_case(rng, n, i, h, zero_state=bool(rng.random() < 0.25)))
        out.append(_case(rng, 1, 1, 6, label="N=1, I=1, H=6"))
        out.append(_case(rng, 4, 2, 2, scale=5000.0, label="huge inputs, N=4, I=2, H=2"))
    return out


def reference(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    hidden, inp = W_hh.shape[1], W_ih.shape[1]
    cell = torch.nn.GRUCell(inp, hidden, bias=True).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(W_ih))
        cell.weight_hh.copy_(torch.from_numpy(W_hh))
        cell.bias_ih.copy_(torch.from_numpy(b_ih))
        cell.bias_hh.copy_(torch.from_numpy(b_hh))
        return cell(torch.from_numpy(x), torch.from_numpy(h_prev)).numpy()
