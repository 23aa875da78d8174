"""Trusted check for lstm_cell: torch.nn.LSTMCell (float64) with the learner's weights.

Input and hidden sizes differ (non-square W_ih), and each gate's bias block gets its own offset,
so a gate-order mistake changes the values a lot instead of by chance matching."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n_in, hidden = x.shape[1], h_prev.shape[1]
    cell = torch.nn.LSTMCell(n_in, hidden).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(W_ih))
        cell.weight_hh.copy_(torch.tensor(W_hh))
        cell.bias_ih.copy_(torch.tensor(b_ih))
        cell.bias_hh.copy_(torch.tensor(b_hh))
        h, c = cell(torch.tensor(x), (torch.tensor(h_prev), torch.tensor(c_prev)))
    return h.numpy(), c.numpy()


def _case(rng, n, n_in, hidden, label, scale=1.0):
    gate_offsets = np.repeat(np.array([0.8, -0.6, 0.3, 1.2]), hidden)  # i, f, g, o differ
    return Case({
        "x": rng.standard_normal((n, n_in)) * scale,
        "h_prev": rng.standard_normal((n, hidden)) * 0.5,
        "c_prev": rng.standard_normal((n, hidden)),
        "W_ih": rng.standard_normal((4 * hidden, n_in)) * 0.6,
        "W_hh": rng.standard_normal((4 * hidden, hidden)) * 0.6,
        "b_ih": rng.standard_normal(4 * hidden) * 0.3 + gate_offsets,
        "b_hh": rng.standard_normal(4 * hidden) * 0.3 - 0.5 * gate_offsets[::-1],
    }, label=label)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 3, 5, 4, "N=3, I=5, H=4"),
        _case(rng, 1, 2, 6, "batch of 1, I=2 < H=6"),
        _case(rng, 4, 7, 1, "hidden size 1"),
        _case(rng, 2, 3, 3, "square I=H=3"),
        _case(rng, 5, 4, 2, "larger inputs", scale=3.0),
        # gate pre-activations past ±710: a sigmoid written as exp(a) / (1 + exp(a)), or a tanh
        # written out from np.exp, overflows to inf / inf = NaN there
        _case(rng, 3, 4, 3, "huge inputs: gate pre-activations in the thousands, both signs",
              scale=3000.0),
    ]
    zero_state = _case(rng, 2, 4, 3, "zero initial state")
    zero_state.inputs["h_prev"][:] = 0.0
    zero_state.inputs["c_prev"][:] = 0.0
    out.append(zero_state)
    if hidden:
        for _ in range(6):
            out.append(_case(rng, int(rng.integers(1, 6)), int(rng.integers(1, 9)),
                             int(rng.integers(1, 7)), "hidden random sizes"))
        out.append(_case(rng, 4, 2, 2, "huge inputs, N=4, I=2, H=2", scale=5000.0))
    return out
