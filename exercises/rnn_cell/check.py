"""Trusted check for rnn_cell: one step of a tanh RNN against nn.RNNCell with the same weights."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng, n, i, h, *, scale=1.0, zero_state=False, label=""):
    # weights ~ 0.6 keep the pre-activation around 1: tanh is curved there, so forgetting it shows
    h_prev = np.zeros((n, h)) if zero_state else rng.standard_normal((n, h))
    inputs = {
        "x": rng.standard_normal((n, i)) * scale,
        "h_prev": h_prev,
        "W_ih": rng.standard_normal((h, i)) * 0.6,
        "W_hh": rng.standard_normal((h, h)) * 0.6,
        "b_ih": rng.standard_normal(h) * 0.5,
        "b_hh": rng.standard_normal(h) * 0.5,
    }
    return Case(inputs, label=label or f"N={n}, I={i}, H={h}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 3, 4, 5),
        _case(rng, 1, 3, 2, label="batch of 1, I=3, H=2"),
        _case(rng, 5, 2, 6),
        _case(rng, 4, 6, 3, label="N=4, I=6, H=3 (more inputs than hidden units)"),
        _case(rng, 2, 4, 4, label="square: I = H = 4"),
        _case(rng, 2, 1, 1, label="I = H = 1"),
        _case(rng, 3, 3, 4, zero_state=True, label="h_prev all zeros (the first step)"),
        _case(rng, 2, 3, 4, scale=40.0, label="large inputs: tanh saturates near ±1"),
        # |pre-activation| past ~710, both signs: a tanh written from np.exp overflows (inf/inf)
        _case(rng, 3, 4, 5, scale=3000.0,
              label="huge inputs: pre-activations in the thousands, both signs"),
    ]
    if hidden:
        for _ in range(8):
            n, i, h = (int(v) for v in rng.integers(1, 8, size=3))
            out.append(_case(rng, n, i, h))
        out.append(_case(rng, 1, 1, 7, zero_state=True, label="N=1, I=1, H=7, zero state"))
        out.append(_case(rng, 4, 2, 3, scale=5000.0, label="huge inputs, N=4, I=2, H=3"))
    return out


def reference(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    hidden, inp = W_ih.shape
    cell = torch.nn.RNNCell(inp, hidden, bias=True, nonlinearity="tanh").double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(W_ih))
        cell.weight_hh.copy_(torch.from_numpy(W_hh))
        cell.bias_ih.copy_(torch.from_numpy(b_ih))
        cell.bias_hh.copy_(torch.from_numpy(b_hh))
        return cell(torch.from_numpy(x), torch.from_numpy(h_prev)).numpy()
